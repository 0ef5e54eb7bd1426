/// Little-endian binary decoding from bytes; every read is bounds-checked and throws
/// `LogFormatError` rather than trapping on a short or malformed input.
package struct ByteReader {
    private let bytes: UnsafeRawBufferPointer
    /// The read position.
    package private(set) var offset = 0

    package init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    /// Bytes not read yet.
    package var remaining: Int { bytes.count - offset }

    package mutating func read<T: FixedWidthInteger>(_: T.Type = T.self) throws -> T {
        let size = MemoryLayout<T>.size
        guard remaining >= size else { throw LogFormatError("ends inside a \(size)-byte field at offset \(offset)") }
        let value = T(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: T.self))
        offset += size
        return value
    }

    /// A string written by `ByteWriter.write(_: String)`.
    package mutating func readString() throws -> String {
        let count = Int(try read(UInt32.self))
        let raw = try readRaw(count)
        return String(decoding: raw, as: UTF8.self)
    }

    /// `count` raw bytes.
    package mutating func readRaw(_ count: Int) throws -> UnsafeRawBufferPointer {
        guard count >= 0, remaining >= count else { throw LogFormatError("needs \(count) bytes at offset \(offset), has \(remaining)") }
        let slice = UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + count)])
        offset += count
        return slice
    }

    /// `count` little-endian `Float` values.
    package mutating func readFloats(_ count: Int) throws -> [Float] {
        guard count >= 0, count <= remaining / 4 else { throw LogFormatError("needs \(count) floats at offset \(offset), has \(remaining) bytes") }
        let raw = try readRaw(4 * count)
        return (0..<count).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))) }
    }
}
