import Foundation
@testable import Store

/// A fresh directory under the system's temporary directory, removed by `remove()`.
struct TemporaryDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("engram-store-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// Opens (recovers) a registry on this directory, checkpointing only when asked.
    func open(keepSnapshots: Int = 3) throws -> (registry: StoreRegistry, report: RecoveryReport) {
        try StoreRegistry.open(DataDirectory(url), checkpointBytes: 0, keepSnapshots: keepSnapshots)
    }

    /// The log's segment files, oldest first.
    var segments: [URL] { (try? FileLog.segments(in: url.appendingPathComponent("wal")).map(\.url)) ?? [] }

    /// The checkpoint files of store `name`, newest first.
    func checkpoints(of name: String) -> [URL] {
        ((try? DataDirectory(url)).map { $0.checkpointFiles(of: name).map(\.url) }) ?? []
    }

    func remove() { try? FileManager.default.removeItem(at: url) }
}
