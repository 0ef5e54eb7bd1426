/// The write-ahead log behind the stores: an ordered, durable sequence of self-describing records
/// (store name, sequence number, entry). The local `FileLog` is the embedded default; a log on a
/// shared database can take its place for replicas on several machines.
package protocol MutationLog: Sendable {
    /// Appends a record for `store` and returns its sequence number (one more than the last). The
    /// record is durable only once `sync(through:)` has returned for it.
    func append(store: String, entry: LogEntry) throws -> UInt64

    /// Returns once every record up to `sequence` is durable. Concurrent callers share one sync
    /// (group commit). Throws when the log cannot be made durable; every later write fails too.
    func sync(through sequence: UInt64) async throws

    /// The records from `sequence` on (and any damage among them), in order.
    func read(from sequence: UInt64) throws -> LogScan

    /// Closes the current run of records and returns the sequence number of the last one: everything
    /// up to it can be dropped by `truncate(before:)` once it is in snapshots.
    func seal() throws -> UInt64

    /// Drops the records before `sequence` (a log may keep some, never drops later ones).
    func truncate(before sequence: UInt64) throws

    /// The sequence number of the first record the log holds (the next one's when it is empty).
    var firstSequence: UInt64 { get }

    /// Bytes of records held: a checkpoint runs when they pass a threshold.
    var bytes: Int { get }
}
