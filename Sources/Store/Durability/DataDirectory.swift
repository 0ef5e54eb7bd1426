import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The data directory's layout (docs/durability.md, "The data directory"), locked against a second server:
///
///     LOCK                                   held (flock) while a server uses the directory
///     wal/<first sequence>.wal               the write-ahead log's segments
///     checkpoints/<store>/<sequence>.safetensors   each store's newest checkpoint
///     snapshots/<store>/<file>.safetensors   snapshots taken through the API, with <file>.json beside
package final class DataDirectory: Sendable {
    /// The directory.
    package let root: URL
    /// The LOCK file's descriptor while held, -1 after `close`.
    private let lock: Mutex<Int32>

    /// Creates the directory when missing and locks it; throws when another process holds it.
    package init(_ root: URL) throws {
        self.root = root
        for sub in ["", "wal", "checkpoints", "snapshots"] {
            try FileManager.default.createDirectory(at: root.appendingPathComponent(sub), withIntermediateDirectories: true)
        }
        let fd = Glibc.open(root.appendingPathComponent("LOCK").path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw SystemFailure("open \(root.path)/LOCK") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            Glibc.close(fd)
            throw StoreError.unavailable("the data directory \(root.path) is in use by another process (its LOCK is held)")
        }
        lock = Mutex(fd)
    }

    deinit { close() }

    /// Releases the directory for another process (or a later `DataDirectory` of this one).
    package func close() {
        lock.withLock { fd in
            if fd >= 0 { Glibc.close(fd) }
            fd = -1
        }
    }

    package var wal: URL { root.appendingPathComponent("wal") }
    var checkpoints: URL { root.appendingPathComponent("checkpoints") }
    var snapshots: URL { root.appendingPathComponent("snapshots") }

    /// The checkpoint files of store `name`, by sequence number, newest first.
    func checkpointFiles(of name: String) -> [(sequence: UInt64, url: URL)] {
        let directory = checkpoints.appendingPathComponent(name)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.compactMap { file in
            guard file.hasSuffix(".safetensors"), let sequence = UInt64(file.dropLast(".safetensors".count)) else { return nil }
            return (sequence, directory.appendingPathComponent(file))
        }.sorted { $0.sequence > $1.sequence }
    }

    /// The names of the stores with a checkpoint directory.
    func checkpointedStores() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: checkpoints.path)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
    }

    /// Where the checkpoint of store `name` at `sequence` goes.
    func checkpoint(of name: String, at sequence: UInt64) -> URL {
        checkpoints.appendingPathComponent(name).appendingPathComponent("\(sequence).safetensors")
    }

    /// The API snapshots' directory of store `name`.
    func snapshots(of name: String) -> URL { snapshots.appendingPathComponent(name) }
}
