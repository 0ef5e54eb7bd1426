import Foundation

/// A snapshot taken through the API, as listed: its file name, size, SHA-256, the store version it
/// holds, when it was taken, and its number among its store's snapshots (1, 2, …: the order they
/// were taken in, which the listing and pruning follow; 0 in files written before it was kept).
package struct SnapshotInfo: Sendable, Codable, Equatable {
    package var name: String
    package var size: Int
    package var sha256: String
    package var version: UInt64
    package var created: Date
    package var number: UInt64

    init(name: String, size: Int, sha256: String, version: UInt64, created: Date, number: UInt64) {
        self.name = name
        self.size = size
        self.sha256 = sha256
        self.version = version
        self.created = created
        self.number = number
    }

    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        size = try container.decode(Int.self, forKey: .size)
        sha256 = try container.decode(String.self, forKey: .sha256)
        version = try container.decode(UInt64.self, forKey: .version)
        created = try container.decode(Date.self, forKey: .created)
        number = try container.decodeIfPresent(UInt64.self, forKey: .number) ?? 0
    }
}
