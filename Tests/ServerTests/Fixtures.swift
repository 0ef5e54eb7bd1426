import Formats
import Foundation
@testable import Server

/// The committed numpy fixtures (`Fixtures/make_fixtures.py` writes them).
enum Fixtures {
    static func url(_ name: String) -> URL {
        Bundle.module.url(forResource: name, withExtension: "npy", subdirectory: "Fixtures")!
    }

    static func array(_ name: String) throws -> NPYArray {
        try NPYArray(npy: Data(contentsOf: url(name)))
    }
}
