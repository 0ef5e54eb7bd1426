/// A damaged stretch of the log before its tail: a record whose checksum fails, or bytes where a
/// record should start. Never skipped silently.
package struct LogDamage: Sendable, Equatable, CustomStringConvertible {
    /// The segment file.
    package let file: String
    /// The byte offset of the damage in it.
    package let offset: Int
    /// The store the damaged record belongs to, when its header is intact; nil when it cannot be known.
    package let store: String?
    /// The damaged record's sequence number, when its header is intact.
    package let sequence: UInt64?
    /// What is wrong.
    package let reason: String

    package var description: String {
        "\(file) at byte \(offset): \(reason)" + (store.map { " (a record of store '\($0)'\(sequence.map { ", sequence \($0)" } ?? ""))" } ?? "")
    }
}
