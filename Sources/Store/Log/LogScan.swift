/// What reading a log found, in log order: records, and damage that must not be passed over in
/// silence (recovery marks the stores it may belong to as failed).
package struct LogScan: Sendable {
    /// One thing found in the log.
    package enum Item: Sendable {
        case record(LogRecord)
        case damage(LogDamage)
    }

    /// Records and damage, in log order.
    package var items: [Item] = []
    /// A torn final record that was cut off (never acknowledged: it was not fully on disk), if any.
    package var tornTail: String?

    package init() {}

    /// The records alone.
    package var records: [LogRecord] {
        items.compactMap { if case .record(let record) = $0 { record } else { nil } }
    }
}
