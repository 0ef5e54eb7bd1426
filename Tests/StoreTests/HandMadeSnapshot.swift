import Formats
import Foundation

/// An Engram snapshot written by hand from docs/formats.md, independently of `StoreSnapshot`, so that
/// tests can make files Engram itself would never write: a drdam store's metadata and T, with its
/// checksum (the sorted `key=value` lines, then the tensors' bytes).
enum HandMadeSnapshot {
    /// A drdam snapshot of `features` sincos features in dimension `dim`, T all zeros, the counters
    /// given, and `generator` in the metadata when given (snapshots written before it have none).
    static func drdam(dim: Int, features: Int, version: String = "1", nextID: String = "1", count: Int64 = 0, generator: String? = nil) throws -> Data {
        var metadata = [
            "format": "engram-store", "format_version": "1", "name": "hand", "kind": "drdam", "dim": String(dim), "beta": "2.0",
            "energy": "lse", "kernel": "sincos", "features": String(features), "seed": "7", "eps": "1e-10", "orthogonal": "false",
            "version": version, "next_id": nextID, "sequence": "1", "created": "2027-01-15T08:00:00Z",
        ]
        metadata["generator"] = generator
        let t = [UInt8](repeating: 0, count: 8 * 2 * features)
        let countBytes = withUnsafeBytes(of: count.littleEndian) { Array($0) }
        let lines = metadata.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)\n" }.joined()
        let crc = CRC32.checksum(countBytes, seed: CRC32.checksum(t, seed: CRC32.checksum(Array(lines.utf8))))
        metadata["engram_crc32"] = String(crc)
        let header = try SafeTensors.header([("T", "F64", [2 * features]), ("count", "I64", [])], metadata: metadata).bytes
        return Data(header + t + countBytes)
    }
}
