import CZlib

/// CRC-32 (ISO-HDLC, zlib's `crc32`) of byte ranges, chained through `seed`.
package enum CRC32 {
    /// The checksum of `bytes`, continuing from `seed` (0 to start).
    package static func checksum(_ bytes: UnsafeRawBufferPointer, seed: UInt32 = 0) -> UInt32 {
        checksum(bytes, seed: seed, interrupt: {})
    }

    /// The checksum of `bytes`, continuing from `seed`; `interrupt` is called before each MiB and
    /// throws to stop (a request whose client left).
    package static func checksum(_ bytes: UnsafeRawBufferPointer, seed: UInt32 = 0, interrupt: () throws -> Void) rethrows -> UInt32 {
        var crc = UInt(seed)
        var rest = bytes
        // In pieces of 1 MiB (about 0.1 ms each), between which `interrupt` may stop the work.
        while !rest.isEmpty {
            try interrupt()
            let n = Swift.min(rest.count, 1 << 20)
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
