import Foundation

/// An array read from or written to NumPy's `.npy` format (versions 1.0–3.0; little-endian, C order).
///
/// Reading accepts float32/float64 (`<f4`, `<f8`), bool (`|b1`) and integers (`|u1`, `|i1`, `<i4`, `<i8`);
/// every element is converted to `Float`. Writing produces float32 or int64 arrays, version 1.0.
struct NPYArray: Equatable {
    /// The shape, e.g. [K, D].
    var shape: [Int]
    /// The elements in C order, as Float.
    var values: [Float]
    /// The dtype the file had, e.g. `<f4`.
    var dtype: String

    /// The element types this reader understands, with their sizes in bytes.
    private static let itemSizes: [String: Int] = ["<f4": 4, "<f8": 8, "|b1": 1, "|u1": 1, "|i1": 1, "<i4": 4, "<i8": 8]

    /// Whether the dtype is a floating-point one.
    var isFloat: Bool { dtype == "<f4" || dtype == "<f8" }

    /// Decodes a whole `.npy` file. Throws `NPYError` naming what is wrong.
    init(npy data: Data) throws {
        let bytes = [UInt8](data)
        let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]  // \x93NUMPY
        guard bytes.count >= 10, Array(bytes[0..<6]) == magic else { throw NPYError("not a .npy file (no \\x93NUMPY magic)") }
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
        guard bytes.count >= headerStart + headerLength else { throw NPYError("the .npy header is truncated") }
        let headerBytes = bytes[headerStart..<(headerStart + headerLength)]
        guard let text = String(bytes: headerBytes, encoding: major == 3 ? .utf8 : .isoLatin1) else {
            throw NPYError("the .npy header is not text")
        }
        let header = try NPYHeader(parsing: text)
        guard !header.fortranOrder else { throw NPYError("Fortran-ordered arrays are not supported: save with np.ascontiguousarray") }
        if header.descr.hasPrefix(">") { throw NPYError("big-endian arrays (\(header.descr)) are not supported: convert with arr.astype('<\(header.descr.dropFirst())')") }
        guard let itemSize = Self.itemSizes[header.descr] else {
            throw NPYError("dtype \(header.descr) is not supported (float32, float64, bool and integer arrays are)")
        }
        var count = 1
        for dim in header.shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: dim)
            guard !overflow, product <= Int(Int32.max) else { throw NPYError("the shape \(header.shape) is too large") }
            count = product
        }
        let dataStart = headerStart + headerLength
        guard bytes.count - dataStart == count * itemSize else {
            throw NPYError("the data holds \(bytes.count - dataStart) bytes, but shape \(header.shape) of \(header.descr) needs \(count * itemSize)")
        }
        self.shape = header.shape
        self.dtype = header.descr
        self.values = try Self.convert(bytes, from: dataStart, count: count, dtype: header.descr)
    }

    /// An array to encode.
    init(shape: [Int], values: [Float], dtype: String = "<f4") {
        self.shape = shape
        self.values = values
        self.dtype = dtype
    }

    private static func convert(_ bytes: [UInt8], from start: Int, count: Int, dtype: String) throws -> [Float] {
        try bytes.withUnsafeBytes { raw -> [Float] in
            let base = raw.baseAddress! + start
            func load<T>(_ type: T.Type, _ i: Int) -> T { UnsafeRawPointer(base).loadUnaligned(fromByteOffset: i * MemoryLayout<T>.size, as: T.self) }
            switch dtype {
            case "<f4": return (0..<count).map { Float(bitPattern: UInt32(littleEndian: load(UInt32.self, $0))) }
            case "<f8":
                return try (0..<count).map { i in
                    let v = Double(bitPattern: UInt64(littleEndian: load(UInt64.self, i)))
                    let f = Float(v)
                    if v.isFinite && !f.isFinite { throw NPYError("element \(i) (\(v)) does not fit in float32") }
                    return f
                }
            case "|b1", "|u1": return (0..<count).map { Float(load(UInt8.self, $0)) }
            case "|i1": return (0..<count).map { Float(load(Int8.self, $0)) }
            case "<i4": return (0..<count).map { Float(Int32(littleEndian: load(Int32.self, $0))) }
            default: return (0..<count).map { Float(Int64(littleEndian: load(Int64.self, $0))) }
            }
        }
    }

    /// The `.npy` 1.0 bytes of float32 `values` with `shape`.
    static func encode(float32 values: [Float], shape: [Int]) -> Data {
        var data = header(descr: "<f4", shape: shape)
        for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
        return data
    }

    /// The `.npy` 1.0 bytes of int64 `values` with `shape`.
    static func encode(int64 values: [Int64], shape: [Int]) -> Data {
        var data = header(descr: "<i8", shape: shape)
        for v in values { withUnsafeBytes(of: v.littleEndian) { data.append(contentsOf: $0) } }
        return data
    }

    /// Magic, version 1.0, length and the header padded with spaces and a newline to a multiple of 64.
    private static func header(descr: String, shape: [Int]) -> Data {
        var text = NPYHeader(descr: descr, fortranOrder: false, shape: shape).literal
        let unpadded = 10 + text.utf8.count + 1
        text += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var data = Data([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0])
        let length = UInt16(text.utf8.count)
        data.append(UInt8(length & 0xFF))
        data.append(UInt8(length >> 8))
        data.append(contentsOf: Array(text.utf8))
        return data
    }
}
