/// Little-endian binary encoding into a growing byte array (the log's record payloads).
package struct ByteWriter {
    /// The bytes written so far.
    package private(set) var bytes: [UInt8] = []

    package init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    package mutating func write<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// A string as a UInt32 byte count and its UTF-8 bytes.
    package mutating func write(_ string: String) {
        write(UInt32(string.utf8.count))
        bytes.append(contentsOf: string.utf8)
    }

    /// Raw bytes, without a length.
    package mutating func write(raw: UnsafeRawBufferPointer) { bytes.append(contentsOf: raw) }

    /// `Float` values in little-endian order, without a count.
    package mutating func write(floats: [Float]) {
        for value in floats { write(value.bitPattern) }
    }
}
