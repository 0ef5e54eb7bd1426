import Foundation

/// An array read from or written to NumPy's `.npy` format (versions 1.0–3.0; little-endian, C order).
///
/// Reading accepts float32/float64 (`<f4`, `<f8`), bool (`|b1`) and integers (`|u1`, `|i1`, `<i4`, `<i8`);
/// every element is converted to `Float` (`NPYReader` reads them). Writing produces float32, int64 or
/// unicode-string arrays, version 1.0.
package struct NPYArray: Equatable {
    /// The shape, e.g. [K, D].
    package var shape: [Int]
    /// The elements in C order, as Float.
    package var values: [Float]
    /// The dtype the file had, e.g. `<f4`.
    package var dtype: String

    /// Whether the dtype is a floating-point one.
    package var isFloat: Bool { dtype == "<f4" || dtype == "<f8" }

    /// Decodes a whole `.npy` file. Throws `NPYError` naming what is wrong.
    package init(npy data: Data) throws {
        (shape, values, dtype) = try data.withUnsafeBytes { bytes in
            let reader = try NPYReader(bytes)
            return (reader.header.shape, try reader.floats(), reader.header.descr)
        }
    }

    /// An array to encode.
    package init(shape: [Int], values: [Float], dtype: String = "<f4") {
        self.shape = shape
        self.values = values
        self.dtype = dtype
    }

    /// The `.npy` 1.0 bytes of float32 `values` with `shape`.
    package static func encode(float32 values: [Float], shape: [Int]) -> Data {
        var data = header(descr: "<f4", shape: shape)
        values.map(\.bitPattern.littleEndian).withUnsafeBytes { data.append(contentsOf: $0) }
        return data
    }

    /// The `.npy` 1.0 bytes of int64 `values` with `shape`.
    package static func encode(int64 values: [Int64], shape: [Int]) -> Data {
        var data = header(descr: "<i8", shape: shape)
        values.map(\.littleEndian).withUnsafeBytes { data.append(contentsOf: $0) }
        return data
    }

    /// The `.npy` 1.0 bytes of `strings` [count] as NumPy's fixed-width unicode dtype `<U{n}` (UTF-32,
    /// each padded with zeros to the longest's n scalars), which `np.load` reads without pickle.
    package static func encode(strings: [String]) -> Data {
        let width = max(1, strings.map(\.unicodeScalars.count).max() ?? 0)
        var data = header(descr: "<U\(width)", shape: [strings.count])
        var scalars: [UInt32] = []
        scalars.reserveCapacity(strings.count * width)
        for string in strings {
            scalars.append(contentsOf: string.unicodeScalars.map(\.value.littleEndian))
            scalars.append(contentsOf: repeatElement(0, count: width - string.unicodeScalars.count))
        }
        scalars.withUnsafeBytes { data.append(contentsOf: $0) }
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
