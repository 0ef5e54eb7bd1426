import Foundation
@testable import Store

/// A fresh directory under the system's temporary directory, removed by `remove()`. Opening a
/// registry on it closes the one opened before, as a restart would.
final class TemporaryDirectory: @unchecked Sendable {
    let url: URL
    private var last: StoreRegistry?

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("engram-store-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// Opens (recovers) a registry on this directory, checkpointing only when asked.
    func open(keepSnapshots: Int = 3) throws -> (registry: StoreRegistry, report: RecoveryReport) {
        last?.close()
        let opened = try StoreRegistry.open(DataDirectory(url), checkpointBytes: 0, keepSnapshots: keepSnapshots)
        last = opened.registry
        return opened
    }

    /// The log's segment files, oldest first.
    var segments: [URL] { (try? FileLog.segments(in: url.path + "/wal", on: PosixFileSystem()).map { URL(fileURLWithPath: $0.path) }) ?? [] }

    /// The checkpoint files of store `name`.
    func checkpoints(of name: String) -> [URL] {
        let folder = url.appendingPathComponent("checkpoints").appendingPathComponent(name)
        return ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).map { folder.appendingPathComponent($0) }
    }

    func remove() {
        last?.close()
        try? FileManager.default.removeItem(at: url)
    }
}
