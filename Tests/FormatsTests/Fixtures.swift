import Formats
import Foundation

/// The numpy reference fixtures committed in `Tests/ServerTests/Fixtures` (`make_fixtures.py` writes
/// them), read from the source tree.
enum Fixtures {
    static func array(_ name: String) throws -> NPYArray {
        let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        return try NPYArray(npy: Data(contentsOf: directory.appendingPathComponent("ServerTests/Fixtures/\(name).npy")))
    }
}
