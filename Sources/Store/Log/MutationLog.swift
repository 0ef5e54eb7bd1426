/// The write-ahead log behind the stores: an ordered, durable sequence of self-describing records
/// (store name, sequence number, entry). The registry, recovery and the metrics use a log only
/// through this protocol: the local segment files are the embedded default, and a log on a shared
/// database can take their place for replicas on several machines.
package protocol MutationLog: Sendable {
    /// Appends a record for `store` and returns its sequence number (higher than every earlier one's).
    /// The record is durable only once `sync(through:)` has returned for it. Throws when the log
    /// refuses writes (see `failure`) or cannot take the record.
    func append(store: String, entry: LogEntry) throws -> UInt64

    /// Returns once every record up to `sequence` is durable. Concurrent callers share one sync
    /// (group commit). Throws when the log cannot be made durable; every later write fails too.
    func sync(through sequence: UInt64) async throws

    /// The records from `sequence` on (and any damage among them), in order.
    func read(from sequence: UInt64) throws -> LogScan

    /// Makes every record so far durable, closes the current run of records and returns the sequence
    /// number of the last one: everything up to it can be dropped by `truncate(before:)` once it is in
    /// checkpoints.
    func seal() throws -> UInt64

    /// Drops the records before `sequence` (a log may keep some, never drops later ones).
    func truncate(before sequence: UInt64) throws

    /// The sequence number of the first record the log holds (the next one's when it is empty).
    var firstSequence: UInt64 { get }

    /// The highest sequence number known durable: records up to it survive a crash.
    var durableSequence: UInt64 { get }

    /// Bytes of records held: a checkpoint runs when they pass a threshold.
    var bytes: Int { get }

    /// Syncs run so far (fsyncs of the file log), for the metrics.
    var flushes: Int { get }

    /// Why the log refuses writes until restart (a failed sync), nil while it takes them.
    var failure: String? { get }
}
