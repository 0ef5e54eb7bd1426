/// One record of the write-ahead log: its global sequence number, the store it belongs to and what
/// it does. Replay is idempotent: a record at or below a store's applied sequence number is skipped.
package struct LogRecord: Sendable, Equatable {
    /// Sequence numbers start at 1 and grow by one per record, across all stores.
    package let sequence: UInt64
    /// The store's name.
    package let store: String
    /// What the record does.
    package let entry: LogEntry

    package init(sequence: UInt64, store: String, entry: LogEntry) {
        self.sequence = sequence
        self.store = store
        self.entry = entry
    }
}
