import Formats
import Foundation
import HTTPTypes
@testable import Server

/// `.npy` and `.npz` bytes for the tests, well-formed or not, and the arrays of `.npz` answers.
enum NPYBytes {
    /// The headers of an `.npy` body and of an `.npz` body, each asking for an `.npz` answer.
    static let npyIn: HTTPFields = [.contentType: "application/x-npy", .accept: "application/x-npz"]
    static let npzIn: HTTPFields = [.contentType: "application/x-npz", .accept: "application/x-npz"]

    /// Version 1.0 bytes: the magic, the header dict `header` (padded with spaces and a newline as
    /// numpy pads it), then `data`.
    static func file(_ header: String, _ data: [UInt8]) -> Data {
        let padded = header + String(repeating: " ", count: (64 - (10 + header.utf8.count + 1) % 64) % 64) + "\n"
        var bytes = Data([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0, UInt8(padded.utf8.count & 0xFF), UInt8(padded.utf8.count >> 8)])
        bytes.append(contentsOf: Array(padded.utf8))
        bytes.append(contentsOf: data)
        return bytes
    }

    /// The header dict numpy writes for `descr` and `shape`.
    static func header(_ descr: String, _ shape: [Int], fortran: Bool = false) -> String {
        NPYHeader(descr: descr, fortranOrder: fortran, shape: shape).literal
    }

    /// float32 rows [rows.count, rows[0].count].
    static func f4(_ rows: [[Float]]) -> Data {
        NPYArray.encode(float32: rows.flatMap { $0 }, shape: [rows.count, rows.first?.count ?? 0])
    }

    /// float64 rows [rows.count, rows[0].count].
    static func f8(_ rows: [[Double]]) -> Data {
        file(header("<f8", [rows.count, rows.first?.count ?? 0]), rows.flatMap { $0 }.flatMap { bytes(of: $0.bitPattern) })
    }

    /// A bool mask of `shape`.
    static func bool(_ values: [Bool], shape: [Int]) -> Data {
        file(header("|b1", shape), values.map { $0 ? 1 : 0 })
    }

    /// The little-endian bytes of `value`.
    static func bytes<T: FixedWidthInteger>(of value: T) -> [UInt8] {
        withUnsafeBytes(of: value.littleEndian) { Array($0) }
    }

    /// The numeric arrays of an `.npz` (string arrays, which `NPYArray` does not read, left out).
    static func arrays(_ npz: Data) throws -> [String: NPYArray] {
        try npz.withUnsafeBytes { bytes in
            try NPZArchive.entries(bytes).compactMapValues { entry in
                try NPYReader(entry).header.descr.hasPrefix("<U") ? nil : try NPYArray(npy: Data(entry))
            }
        }
    }
}
