/// What reading a log found, in log order: records, and damage that must not be passed over in
/// silence (recovery marks the stores it may belong to as failed).
public struct LogScan: Sendable {
    /// One thing found in the log.
    public enum Item: Sendable {
        case record(LogRecord)
        case damage(LogDamage)
    }

    /// Records and damage, in log order.
    public var items: [Item] = []
    /// A torn final record that was cut off (never acknowledged: it was not fully on disk), if any.
    public var tornTail: String?

    public init() {}

    /// The records alone.
    public var records: [LogRecord] {
        items.compactMap { if case .record(let record) = $0 { record } else { nil } }
    }
}
