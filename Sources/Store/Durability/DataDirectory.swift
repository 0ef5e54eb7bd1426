import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The data directory's layout (docs/durability.md), locked against a second server:
///
///     LOCK                                   held (flock) while a server uses the directory
///     wal/<first sequence>.wal               the write-ahead log's segments
///     checkpoints/<store>/<sequence>.safetensors   each store's newest checkpoint
///     snapshots/<store>/<file>.safetensors   snapshots taken through the API, with <file>.json beside
///     .upload-<uuid>.tmp                     a snapshot upload as it arrives (`SnapshotUpload`)
///
/// Every file in it is reached through `fileSystem`.
package final class DataDirectory: Sendable {
    /// The directory's path.
    package let root: String
    /// The system calls it is reached through.
    package let fileSystem: any FileSystem
    /// The LOCK file's descriptor while held, -1 after `close`.
    private let lock: Mutex<Int32>

    /// Creates the directory when missing (durably: each new directory's parent is fsynced), locks it,
    /// and removes what interrupted atomic writes left behind (`.tmp` files). Throws when another
    /// process holds it.
    package convenience init(_ root: URL) throws {
        try self.init(root.standardizedFileURL.path, fileSystem: PosixFileSystem())
    }

    package init(_ root: String, fileSystem: any FileSystem) throws {
        self.root = root
        self.fileSystem = fileSystem
        try fileSystem.makeDirectories(root)
        var created = false
        for sub in ["wal", "checkpoints", "snapshots"] { created = try fileSystem.makeDirectory(root + "/" + sub) || created }
        if created { try fileSystem.syncDirectory(root) }
        let fd: Int32
        do {
            fd = try fileSystem.lock(root + "/LOCK")
        } catch let failure as SystemFailure where failure.errno == EWOULDBLOCK {
            throw StoreError.unavailable("the data directory \(root) is in use by another process (its LOCK is held)")
        }
        lock = Mutex(fd)
        try removeTemporaries()
    }

    deinit { close() }

    /// Releases the directory for another process (or a later `DataDirectory` of this one).
    package func close() {
        lock.withLock { fd in
            if fd >= 0 { fileSystem.close(fd) }
            fd = -1
        }
    }

    /// The path of the directory, for messages.
    package var path: String { root }
    package var wal: String { root + "/wal" }
    var checkpoints: String { root + "/checkpoints" }
    var snapshots: String { root + "/snapshots" }

    /// The names in `directory` that are not temporary files, or none when it does not exist.
    func entries(of directory: String) throws -> [String] {
        guard fileSystem.isDirectory(directory) else { return [] }
        return try fileSystem.list(directory).filter { !$0.hasPrefix(".") }
    }

    /// The checkpoint files of store `name`, by sequence number, newest first.
    func checkpointFiles(of name: String) throws -> [(sequence: UInt64, path: String)] {
        let directory = checkpoints + "/" + name
        return try entries(of: directory).compactMap { file in
            guard file.hasSuffix(".safetensors"), let sequence = UInt64(file.dropLast(".safetensors".count)) else { return nil }
            return (sequence, directory + "/" + file)
        }.sorted { $0.sequence > $1.sequence }
    }

    /// The names of the stores with a checkpoint directory.
    func checkpointedStores() throws -> [String] { try entries(of: checkpoints).sorted() }

    /// Where the checkpoint of store `name` at `sequence` goes.
    func checkpoint(of name: String, at sequence: UInt64) -> String { checkpoints + "/\(name)/\(sequence).safetensors" }

    /// The API snapshots' directory of store `name`.
    func snapshots(of name: String) -> String { snapshots + "/" + name }

    /// A new path for an upload's temporary file, in the root: a temporary name (`isTemporary`), so
    /// that one a crash or a kill leaves behind is removed at the next open.
    func newUploadPath() -> String { root + "/.upload-" + UUID().uuidString + ".tmp" }

    /// Removes the temporary files of atomic writes and uploads a crash interrupted (never acknowledged), and each
    /// API snapshot whose `.json` is missing (a snapshot is acknowledged once both are in place), then
    /// fsyncs each directory it changed.
    private func removeTemporaries() throws {
        var folders = [root, wal, checkpoints, snapshots]
        folders += try entries(of: checkpoints).map { checkpoints + "/" + $0 }.filter(fileSystem.isDirectory)
        let snapshotFolders = try entries(of: snapshots).map { snapshots + "/" + $0 }.filter(fileSystem.isDirectory)
        for folder in folders + snapshotFolders {
            let names = try fileSystem.list(folder)
            var gone = names.filter { fileSystem.isTemporary($0) }
            if snapshotFolders.contains(folder) {
                let present = Set(names)
                gone += names.filter { $0.hasSuffix(".safetensors") && !present.contains($0 + ".json") }
                gone += names.filter { $0.hasSuffix(".safetensors.json") && !present.contains(String($0.dropLast(5))) }
            }
            for name in gone { try fileSystem.unlink(folder + "/" + name) }
            if !gone.isEmpty { try fileSystem.syncDirectory(folder) }
        }
    }
}
