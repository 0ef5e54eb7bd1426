import Foundation
import TestSupport
@testable import Store

/// A data directory for one test (a `TemporaryDirectory`, removed with this object when the test
/// ends). Opening a registry on it closes the one opened before, as a restart would; the last one is
/// closed with this object.
final class RegistryDirectory: @unchecked Sendable {
    private let directory: TemporaryDirectory
    private var last: StoreRegistry?

    init() throws {
        directory = try TemporaryDirectory("store-tests")
    }

    deinit {
        last?.close()
    }

    /// The directory.
    var url: URL { directory.url }

    /// Opens (recovers) a registry on this directory, checkpointing only when asked.
    func open(keepSnapshots: Int = 3, limits: Limits = Limits()) throws -> (registry: StoreRegistry, report: RecoveryReport) {
        last?.close()
        let opened = try StoreRegistry.open(DataDirectory(url), checkpointBytes: 0, keepSnapshots: keepSnapshots, limits: limits)
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
}
