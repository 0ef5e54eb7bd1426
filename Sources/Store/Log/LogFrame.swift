import Formats

/// The on-disk framing of a log record, little-endian:
///
///     u32 magic "EWL1" | u64 sequence | u8 kind | u8 0 | u16 name length n | u32 payload length p
///     name (n bytes, UTF-8) | u32 CRC32 of everything before it (the header)
///     payload (p bytes) | u32 CRC32 of the payload
///
/// The header has its own checksum so that a damaged payload still names its store, and a reader
/// can find the next record after damage by looking for a header whose checksum holds.
package enum LogFrame {
    static let magic: UInt32 = 0x314C_5745  // "EWL1" in little-endian byte order
    /// Bytes before the name.
    static let fixedHeader = 20
    /// Bytes of a frame besides its name and payload.
    static let overhead = fixedHeader + 8
    /// Bytes of the largest header a frame can have (a name of 65 535 bytes and its CRC).
    static let largestHeader = fixedHeader + Int(UInt16.max) + 4
    /// The largest sequence number a frame may carry (2^63 − 1): a reader and a writer can always add
    /// one to it without overflow.
    static let largestSequence = UInt64(Int64.max)

    /// The frame's bytes before the payload (header and its CRC).
    static func header(sequence: UInt64, store: String, kind: UInt8, payloadLength: Int) -> [UInt8] {
        var out = ByteWriter(capacity: overhead + store.utf8.count)
        out.write(magic)
        out.write(sequence)
        out.write(kind)
        out.write(UInt8(0))
        out.write(UInt16(store.utf8.count))
        out.write(UInt32(payloadLength))
        var bytes = out.bytes + Array(store.utf8)
        let crc = CRC32.checksum(bytes)
        withUnsafeBytes(of: crc.littleEndian) { bytes.append(contentsOf: $0) }
        return bytes
    }

    /// A header read back: where its payload is and what it says.
    struct Header {
        let sequence: UInt64
        let kind: UInt8
        let store: String
        let payloadStart: Int
        let payloadLength: Int
        /// The offset just past the frame.
        var end: Int { payloadStart + payloadLength + 4 }
    }

    /// What is at `offset` of `bytes`.
    enum Probe {
        /// A header whose checksum holds.
        case header(Header)
        /// The bytes end before a header could be read whole (a torn tail, if nothing valid follows).
        case short
        /// Not a valid header.
        case invalid(String)
    }

    /// The frame at `offset`: every length is read from the header and checked against the bytes
    /// before it is used, and a sequence number over `largestSequence` makes the header invalid.
    static func probe(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> Probe {
        guard bytes.count - offset >= fixedHeader else { return .short }
        func load<T: FixedWidthInteger>(_ at: Int, _: T.Type) -> T { T(littleEndian: bytes.loadUnaligned(fromByteOffset: offset + at, as: T.self)) }
        guard load(0, UInt32.self) == magic else { return .invalid("no record header (bad magic)") }
        let nameLength = Int(load(14, UInt16.self)), payloadLength = Int(load(16, UInt32.self))
        let headerEnd = offset + fixedHeader + nameLength
        guard bytes.count - headerEnd >= 4 else { return .short }
        let stored = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: headerEnd, as: UInt32.self))
        guard CRC32.checksum(UnsafeRawBufferPointer(rebasing: bytes[offset..<headerEnd])) == stored else {
            return .invalid("record header checksum mismatch")
        }
        let sequence = load(4, UInt64.self)
        guard sequence <= largestSequence else { return .invalid("record sequence number \(sequence) is over \(largestSequence)") }
        let name = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[(offset + fixedHeader)..<headerEnd]), as: UTF8.self)
        return .header(Header(sequence: sequence, kind: load(12, UInt8.self), store: name, payloadStart: headerEnd + 4, payloadLength: payloadLength))
    }
}
