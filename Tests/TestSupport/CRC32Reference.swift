/// CRC-32 (ISO-HDLC, as zip and zlib compute it) bit by bit from its definition, independent of zlib,
/// for checking what the formats write and read.
package enum CRC32Reference {
    /// The checksum of `bytes`: reflected polynomial 0xEDB88320, initial and final value 0xFFFFFFFF.
    package static func checksum(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }
}
