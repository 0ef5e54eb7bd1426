import Foundation

/// `.npy` bytes for the tests, written here as numpy writes them (not by the server's codec, which
/// they test), well-formed or not.
package enum NPYBytes {
    /// The magic, version `major`.0, the header's length (2 bytes in version 1, 4 in versions 2 and 3),
    /// the header `header` (when `padded`, with spaces and a newline to a multiple of 64 bytes in all, as
    /// numpy pads it), then `data`.
    package static func file(_ header: String, _ data: [UInt8], major: UInt8 = 1, padded: Bool = true) -> Data {
        let prefix = major == 1 ? 10 : 12
        let text = padded ? header + String(repeating: " ", count: (64 - (prefix + header.utf8.count + 1) % 64) % 64) + "\n" : header
        var bytes = Data([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, major, 0])
        bytes.append(contentsOf: major == 1 ? Self.bytes(of: UInt16(text.utf8.count)) : Self.bytes(of: UInt32(text.utf8.count)))
        bytes.append(contentsOf: Array(text.utf8))
        bytes.append(contentsOf: data)
        return bytes
    }

    /// The header dict numpy writes for `descr` and `shape`, e.g. `{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }`.
    package static func header(_ descr: String, _ shape: [Int], fortran: Bool = false) -> String {
        let dims = shape.map(String.init).joined(separator: ", ")
        return "{'descr': '\(descr)', 'fortran_order': \(fortran ? "True" : "False"), 'shape': \(shape.count == 1 ? "(\(dims),)" : "(\(dims))"), }"
    }

    /// float32 `values` of `shape`.
    package static func f4(_ values: [Float], shape: [Int]) -> Data {
        file(header("<f4", shape), values.flatMap { bytes(of: $0.bitPattern) })
    }

    /// float32 rows [rows.count, rows[0].count].
    package static func f4(_ rows: [[Float]]) -> Data {
        f4(rows.flatMap { $0 }, shape: [rows.count, rows.first?.count ?? 0])
    }

    /// float64 `values` of `shape`.
    package static func f8(_ values: [Double], shape: [Int]) -> Data {
        file(header("<f8", shape), values.flatMap { bytes(of: $0.bitPattern) })
    }

    /// float64 rows [rows.count, rows[0].count].
    package static func f8(_ rows: [[Double]]) -> Data {
        f8(rows.flatMap { $0 }, shape: [rows.count, rows.first?.count ?? 0])
    }

    /// A bool mask of `shape`.
    package static func bool(_ values: [Bool], shape: [Int]) -> Data {
        file(header("|b1", shape), values.map { $0 ? 1 : 0 })
    }

    /// The little-endian bytes of `value`.
    package static func bytes<T: FixedWidthInteger>(of value: T) -> [UInt8] {
        withUnsafeBytes(of: value.littleEndian) { Array($0) }
    }
}
