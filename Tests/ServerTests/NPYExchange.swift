import Formats
import Foundation
import HTTPTypes
import TestSupport
@testable import Server

/// The HTTP side of `.npy` and `.npz` in the route tests: the headers of array bodies, and the arrays
/// of an `.npz` answer.
enum NPYExchange {
    /// The headers of an `.npy` body and of an `.npz` body, each asking for an `.npz` answer.
    static let npyIn: HTTPFields = [.contentType: "application/x-npy", .accept: "application/x-npz"]
    static let npzIn: HTTPFields = [.contentType: "application/x-npz", .accept: "application/x-npz"]

    /// The numeric arrays of an `.npz` (string arrays, which `NPYArray` does not read, left out).
    static func arrays(_ npz: Data) throws -> [String: NPYArray] {
        try npz.withUnsafeBytes { bytes in
            try NPZArchive.entries(bytes).compactMapValues { entry in
                try NPYReader(entry).header.descr.hasPrefix("<U") ? nil : try NPYArray(npy: Data(entry))
            }
        }
    }
}
