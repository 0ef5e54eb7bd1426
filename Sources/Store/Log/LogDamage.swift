/// A damaged stretch of the log before its tail: a record whose checksum fails, or bytes where a
/// record should start. Never skipped silently.
public struct LogDamage: Sendable, Equatable, CustomStringConvertible {
    /// The segment file.
    public let file: String
    /// The byte offset of the damage in it.
    public let offset: Int
    /// The store the damaged record belongs to, when its header is intact; nil when it cannot be known.
    public let store: String?
    /// The damaged record's sequence number, when its header is intact.
    public let sequence: UInt64?
    /// What is wrong.
    public let reason: String

    public var description: String {
        "\(file) at byte \(offset): \(reason)" + (store.map { " (a record of store '\($0)'\(sequence.map { ", sequence \($0)" } ?? ""))" } ?? "")
    }
}
