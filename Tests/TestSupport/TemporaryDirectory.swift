import Foundation

/// A fresh directory under the system's temporary directory, removed with everything in it when this
/// object goes away: keep it (a `let` in the test, a stored property of a fixture) for as long as the
/// directory is used, and it is gone when the test ends, whether the test passed, failed or threw.
package final class TemporaryDirectory: Sendable {
    /// The directory.
    package let url: URL

    /// Creates `engram-<label>-<UUID>` in the temporary directory.
    package init(_ label: String = "tests") throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("engram-\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(at: url)
    }

    /// The path of `name` inside the directory (nothing is created).
    package func file(_ name: String) -> URL { url.appendingPathComponent(name) }
}
