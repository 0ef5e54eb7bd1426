import CZlib

/// CRC-32 (ISO-HDLC, zlib's `crc32`) of byte ranges, chained through `seed`.
package enum CRC32 {
    /// The checksum of `bytes`, continuing from `seed` (0 to start).
    package static func checksum(_ bytes: UnsafeRawBufferPointer, seed: UInt32 = 0) -> UInt32 {
        var crc = UInt(seed)
        var rest = bytes
        // zlib takes a 32-bit length: feed large buffers in pieces.
        while !rest.isEmpty {
            let n = Swift.min(rest.count, 1 << 30)
            crc = CZlib.crc32(crc, rest.baseAddress!.assumingMemoryBound(to: UInt8.self), uInt(n))
            rest = UnsafeRawBufferPointer(rebasing: rest[n...])
        }
        return UInt32(truncatingIfNeeded: crc)
    }

    /// The checksum of `bytes`, continuing from `seed`.
    package static func checksum(_ bytes: some Sequence<UInt8>, seed: UInt32 = 0) -> UInt32 {
        Array(bytes).withUnsafeBytes { checksum($0, seed: seed) }
    }
}
