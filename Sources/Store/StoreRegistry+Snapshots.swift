import Foundation

/// Snapshots through the API (the paths are Qdrant's): files under `snapshots/<store>/`, each with a
/// `.json` beside it holding its `SnapshotInfo`; the newest `keepSnapshots` of a store are kept. They
/// outlive the store, so a deleted store can be restored from one.
extension StoreRegistry {
    /// Takes a snapshot of the store's current (durable) state. Returns what was written.
    package func createSnapshot(of store: MemoryStore) async throws -> SnapshotInfo {
        let state = store.state
        let now = Date()
        // Whole seconds: what the listing's ISO 8601 dates hold.
        let created = Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down))
        let folder = directory.snapshots(of: store.name)
        let stamp = Self.stamp.string(from: now)
        var name = "\(store.name)-\(state.version)-\(stamp).safetensors"
        var n = 2
        while FileManager.default.fileExists(atPath: folder.appendingPathComponent(name).path) {
            name = "\(store.name)-\(state.version)-\(stamp)-\(n).safetensors"
            n += 1
        }
        let file = folder.appendingPathComponent(name)
        let info = try await Background.run { [name] () throws -> SnapshotInfo in
            let written = try StoreSnapshot.write(state, name: store.name, created: created, to: file)
            let info = SnapshotInfo(name: name, size: written.size, sha256: written.sha256, version: state.version, created: created)
            try Disk.writeAtomically(to: Self.infoURL(of: file)) { out in
                try Self.encoder.encode(info).withUnsafeBytes { try out.write($0) }
            }
            return info
        }
        try pruneSnapshots(of: store.name)
        return info
    }

    /// The snapshots of store `name`, oldest first (none when it has never had one).
    package func snapshots(of name: String) throws -> [SnapshotInfo] {
        try Self.checkName(name)
        let folder = directory.snapshots(of: name)
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return files.filter { $0.hasSuffix(".safetensors") && !$0.hasPrefix(".") }.compactMap { file in
            let url = Self.infoURL(of: folder.appendingPathComponent(file))
            return (try? Data(contentsOf: url)).flatMap { try? Self.decoder.decode(SnapshotInfo.self, from: $0) }
        }.sorted { ($0.created, $0.name) < ($1.created, $1.name) }
    }

    /// The file of snapshot `snapshot` of store `name`; throws `notFound`.
    package func snapshotFile(of name: String, named snapshot: String) throws -> (url: URL, info: SnapshotInfo) {
        guard let info = try snapshots(of: name).first(where: { $0.name == snapshot }) else {
            throw StoreError.notFound("store '\(name)' has no snapshot named '\(snapshot)'")
        }
        return (directory.snapshots(of: name).appendingPathComponent(snapshot), info)
    }

    /// Deletes snapshot `snapshot` of store `name`; throws `notFound`.
    package func deleteSnapshot(of name: String, named snapshot: String) throws {
        let (url, _) = try snapshotFile(of: name, named: snapshot)
        try FileManager.default.removeItem(at: Self.infoURL(of: url))
        try FileManager.default.removeItem(at: url)
    }

    /// Makes store `name` exactly its snapshot `snapshot` (creating the store when it was deleted).
    package func restore(_ name: String, from snapshot: String) async throws -> MemoryStore {
        let (url, _) = try snapshotFile(of: name, named: snapshot)
        let bytes = try await Background.run { try Data(contentsOf: url) }
        return try await replace(name: name, snapshot: bytes).store
    }

    private func pruneSnapshots(of name: String) throws {
        let all = try snapshots(of: name)
        for old in all.dropLast(max(keepSnapshots, 1)) { try deleteSnapshot(of: name, named: old.name) }
    }

    private static func infoURL(of file: URL) -> URL { file.appendingPathExtension("json") }

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
