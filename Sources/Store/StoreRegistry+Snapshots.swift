import Foundation

/// Snapshots through the API (the paths are Qdrant's): files under `snapshots/<store>/`, each with a
/// `.json` beside it holding its `SnapshotInfo`; the newest `keepSnapshots` of a store are kept. A
/// snapshot is acknowledged once both files are durable (the `.json` last: a snapshot without one is
/// an interrupted write, removed when the directory is next opened). They outlive the store, so a
/// deleted store can be restored from one.
extension StoreRegistry {
    /// Takes a snapshot of the store's current (durable) state. Returns what was written. Throws
    /// `StoreError.invalid`, writing nothing, when the snapshots on disk would pass
    /// `limits.maxSnapshotDiskBytes` (counted before the oldest of the store's is pruned).
    package func createSnapshot(of store: MemoryStore) async throws -> SnapshotInfo {
        try await snapshotLock.withLock { [self] in
            let state = store.state
            let now = clock()
            // Whole seconds: what the listing's ISO 8601 dates hold.
            let created = Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down))
            let folder = directory.snapshots(of: store.name)
            let fileSystem = directory.fileSystem
            let taken = try snapshots(of: store.name)
            let number = (taken.map(\.number).max() ?? 0) + 1
            let stamp = Self.stamp.string(from: now)
            var name = "\(store.name)-\(state.version)-\(stamp).safetensors"
            var n = 2
            while fileSystem.exists(folder + "/" + name) {
                name = "\(store.name)-\(state.version)-\(stamp)-\(n).safetensors"
                n += 1
            }
            let path = folder + "/" + name
            let disk = snapshotDisk
            let info = try await pool.run { [name] () throws -> SnapshotInfo in
                var reserved = 0
                do {
                    let written = try StoreSnapshot.write(state, name: store.name, created: created, to: path, on: fileSystem) { bytes in
                        try disk.reserve(bytes)
                        reserved = bytes
                    }
                    let info = SnapshotInfo(name: name, size: written.size, sha256: written.sha256, version: state.version, created: created, number: number)
                    try fileSystem.writeAtomically(to: Self.infoPath(of: path)) { out in
                        try Self.encoder.encode(info).withUnsafeBytes { try out.write($0) }
                    }
                    return info
                } catch {
                    disk.release(reserved)
                    throw error
                }
            }
            for old in (taken + [info]).dropLast(max(keepSnapshots, 1)) { try removeSnapshot(of: store.name, named: old.name) }
            return info
        }
    }

    /// At open: counts every store's snapshots against the disk limit, then keeps the newest
    /// `keepSnapshots` of each (a crash may have come between a new snapshot and the pruning that
    /// follows it).
    func countAndPruneSnapshots() throws {
        for name in try directory.entries(of: directory.snapshots) where Self.isValidName(name) {
            let taken = try snapshots(of: name)
            for snapshot in taken { snapshotDisk.count(onDisk: snapshot.size) }
            for old in taken.dropLast(max(keepSnapshots, 1)) { try removeSnapshot(of: name, named: old.name) }
        }
    }

    /// The snapshots of store `name`, oldest first (none when it has never had one).
    package func snapshots(of name: String) throws -> [SnapshotInfo] {
        try Self.checkName(name)
        let folder = directory.snapshots(of: name)
        let fileSystem = directory.fileSystem
        return try directory.entries(of: folder).filter { $0.hasSuffix(".safetensors") }.compactMap { file in
            (try? fileSystem.read(Self.infoPath(of: folder + "/" + file))).flatMap { try? Self.decoder.decode(SnapshotInfo.self, from: $0) }
        }.sorted { ($0.number, $0.created, $0.name) < ($1.number, $1.created, $1.name) }
    }

    /// The file of snapshot `snapshot` of store `name`; throws `notFound`.
    package func snapshotFile(of name: String, named snapshot: String) throws -> (url: URL, info: SnapshotInfo) {
        guard let info = try snapshots(of: name).first(where: { $0.name == snapshot }) else {
            throw StoreError.notFound("store '\(name)' has no snapshot named '\(snapshot)'")
        }
        return (URL(fileURLWithPath: directory.snapshots(of: name) + "/" + snapshot), info)
    }

    /// Deletes snapshot `snapshot` of store `name` durably; throws `notFound`.
    package func deleteSnapshot(of name: String, named snapshot: String) async throws {
        try await snapshotLock.withLock { [self] in try removeSnapshot(of: name, named: snapshot) }
    }

    /// Removes a snapshot's `.json` (it is no longer listed, and no longer counted against the disk
    /// limit), then its file, then fsyncs the folder.
    private func removeSnapshot(of name: String, named snapshot: String) throws {
        let (url, info) = try snapshotFile(of: name, named: snapshot)
        let fileSystem = directory.fileSystem
        try fileSystem.unlink(Self.infoPath(of: url.path))
        snapshotDisk.release(info.size)
        try fileSystem.unlink(url.path)
        try fileSystem.syncDirectory(directory.snapshots(of: name))
    }

    /// Makes store `name` exactly its snapshot `snapshot` (creating the store when it was deleted).
    package func restore(_ name: String, from snapshot: String) async throws -> MemoryStore {
        let (url, _) = try snapshotFile(of: name, named: snapshot)
        let fileSystem = directory.fileSystem
        let bytes = try await pool.run { try fileSystem.read(url.path) }
        return try await replace(name: name, snapshot: bytes).store
    }

    private static func infoPath(of file: String) -> String { file + ".json" }

    private static let stamp: DateFormatter = {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd-HH-mm-ss-SSS"
        return formatter
    }()

    private static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }

    private static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}
