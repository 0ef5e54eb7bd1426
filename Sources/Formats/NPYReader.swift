/// A `.npy` file (versions 1.0–3.0, little-endian, C order) read header first: its dtype and shape are
/// known, and can be checked against limits, before any element is converted or allocated. It points
/// into the bytes it was made from, which must outlive it.
package struct NPYReader {
    /// The header: dtype, order and shape.
    package let header: NPYHeader
    /// The bytes after the header: the elements in C order (their count is checked by `floats()`).
    package let data: UnsafeRawBufferPointer
    /// The number of elements of the shape: its product, checked not to overflow `Int`.
    package let count: Int

    /// The most elements `floats()` converts (Int32.max).
    package static let maxElements = Int(Int32.max)
    /// The longest header read (numpy itself refuses headers over 10 000 bytes unless told otherwise).
    package static let maxHeaderBytes = 1 << 16

    /// The element types read, with their sizes in bytes: float32/float64, bool and integers.
    private static let itemSizes: [String: Int] = ["<f4": 4, "<f8": 8, "|b1": 1, "|u1": 1, "|i1": 1, "<i4": 4, "<i8": 8]

    /// Reads the magic, the version and the header of `bytes`. Throws `NPYError` for bytes that are not
    /// a `.npy` file, a header that is truncated, longer than `maxHeaderBytes` or not a dict, a shape
    /// whose element count overflows `Int`, Fortran order, or big-endian data.
    package init(_ bytes: UnsafeRawBufferPointer) throws {
        let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]  // \x93NUMPY
        guard bytes.count >= 10, bytes.prefix(6).elementsEqual(magic) else { throw NPYError("not a .npy file (no \\x93NUMPY magic)") }
        let major = bytes[6]
        let headerLength: Int, headerStart: Int
        switch major {
        case 1:
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
            headerStart = 10
        case 2, 3:
            guard bytes.count >= 12 else { throw NPYError("the .npy header is truncated") }
            headerLength = (0..<4).reduce(0) { $0 | Int(bytes[8 + $1]) << (8 * $1) }
            headerStart = 12
        default:
            throw NPYError(".npy version \(major).\(bytes[7]) is not supported (1.0 to 3.0 are)")
        }
        guard headerLength <= Self.maxHeaderBytes else { throw NPYError("the .npy header is \(headerLength) bytes, more than \(Self.maxHeaderBytes)") }
        guard bytes.count >= headerStart + headerLength else { throw NPYError("the .npy header is truncated") }
        let headerBytes = UnsafeRawBufferPointer(rebasing: bytes[headerStart..<(headerStart + headerLength)])
        let text = major == 3 ? String(validating: headerBytes, as: UTF8.self) : String(headerBytes.map { Character(Unicode.Scalar($0)) })
        guard let text else { throw NPYError("the .npy header is not UTF-8 text") }
        let header = try NPYHeader(parsing: text)
        guard !header.fortranOrder else { throw NPYError("Fortran-ordered arrays are not supported: save with np.ascontiguousarray") }
        if header.descr.hasPrefix(">") { throw NPYError("big-endian arrays (\(header.descr)) are not supported: convert with arr.astype('<\(header.descr.dropFirst())')") }
        var count = 1
        for dim in header.shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: dim)
            guard !overflow else { throw NPYError("the shape \(header.shape) is too large: its element count overflows") }
            count = product
        }
        self.count = count
        self.header = header
        data = UnsafeRawBufferPointer(rebasing: bytes[(headerStart + headerLength)...])
    }

    /// Whether the dtype is float32 or float64.
    package var isFloat: Bool { header.descr == "<f4" || header.descr == "<f8" }

    /// The elements, converted to `Float`, after checking that the dtype is one of `itemSizes` and that
    /// the data holds exactly the shape's elements. A float64 value beyond float32's range throws
    /// (rather than becoming infinite). `interrupt` is called before each MiB of data is converted and
    /// throws to stop (a request whose client left).
    package func floats(interrupt: () throws -> Void = {}) throws -> [Float] {
        guard let itemSize = Self.itemSizes[header.descr] else {
            throw NPYError("dtype '\(header.descr)' is not supported (float32, float64, bool and integer arrays are)")
        }
        guard count <= Self.maxElements else { throw NPYError("the shape \(header.shape) is too large: more than \(Self.maxElements) elements") }
        guard data.count == count * itemSize else {
            throw NPYError("the data holds \(data.count) bytes, but shape \(header.shape) of \(header.descr) needs \(count * itemSize)")
        }
        func load<T>(_: T.Type, _ i: Int) -> T { data.loadUnaligned(fromByteOffset: i * MemoryLayout<T>.size, as: T.self) }
        var overflow: Int?
        // Elements per piece: a MiB of data.
        let piece = max(1, (1 << 20) / itemSize)
        let values = try [Float](unsafeUninitializedCapacity: count) { out, initialized in
            for start in stride(from: 0, to: count, by: piece) {
                try interrupt()
                let part = start..<min(count, start + piece)
                switch header.descr {
                case "<f4": for i in part { out[i] = Float(bitPattern: UInt32(littleEndian: load(UInt32.self, i))) }
                case "<f8":
                    for i in part {
                        let v = Double(bitPattern: UInt64(littleEndian: load(UInt64.self, i)))
                        out[i] = Float(v)
                        if v.isFinite && !out[i].isFinite && overflow == nil { overflow = i }
                    }
                case "|b1", "|u1": for i in part { out[i] = Float(load(UInt8.self, i)) }
                case "|i1": for i in part { out[i] = Float(load(Int8.self, i)) }
                case "<i4": for i in part { out[i] = Float(Int32(littleEndian: load(Int32.self, i))) }
                default: for i in part { out[i] = Float(Int64(littleEndian: load(Int64.self, i))) }
                }
                initialized = part.upperBound
            }
        }
        if let overflow {
            let v = Double(bitPattern: UInt64(littleEndian: load(UInt64.self, overflow)))
            throw NPYError("element \(position(overflow)) (\(v)) does not fit in float32")
        }
        return values
    }

    /// Element `index` (C order) as subscripts of the shape, e.g. `[1][2]`.
    package func position(_ index: Int) -> String {
        var rest = index, subscripts: [Int] = []
        for dim in header.shape.reversed() where dim > 0 {
            subscripts.append(rest % dim)
            rest /= dim
        }
        return subscripts.reversed().map { "[\($0)]" }.joined()
    }
}
