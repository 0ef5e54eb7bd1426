import Foundation

/// A snapshot taken through the API, as listed: its file name, size, SHA-256, the store version it
/// holds and when it was taken.
package struct SnapshotInfo: Sendable, Codable, Equatable {
    package var name: String
    package var size: Int
    package var sha256: String
    package var version: UInt64
    package var created: Date
}
