import Foundation

/// A snapshot taken through the API, as listed: its file name, size, SHA-256, the store version it
/// holds and when it was taken.
public struct SnapshotInfo: Sendable, Codable, Equatable {
    public var name: String
    public var size: Int
    public var sha256: String
    public var version: UInt64
    public var created: Date
}
