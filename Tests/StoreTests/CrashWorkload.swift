import Core
import Foundation
@testable import Store

/// A scripted workload of every kind of write (create, add with and without ids, forget, remove, set β,
/// delete, restore, upload, snapshots with their pruning, snapshot delete, checkpoints), run one
/// operation at a time on a registry over a `SimulatedFileSystem`, and a fingerprint of everything a
/// client was told: each store's configuration, version, id counter, ids and numbers (bit patterns),
/// and each store's listed snapshots.
struct CrashWorkload {
    /// One step of the workload.
    struct Operation: Sendable {
        let name: String
        let run: @Sendable (StoreRegistry) async throws -> Void
    }

    struct Missing: Error {}

    /// Snapshots kept per store: small, so that pruning runs.
    static let keepSnapshots = 2
    /// Every snapshot is taken at this instant, so that names and files are the same in every run.
    static let instant = Date(timeIntervalSince1970: 1_800_000_000)
    static let root = "/data"

    static let mrdam = RequestedConfiguration(kind: .mrdam, dim: 3, beta: 2)
    static func drdam(seed: UInt64) -> RequestedConfiguration { RequestedConfiguration(kind: .drdam, dim: 3, beta: 2, features: 8, seed: seed) }

    static func rows(_ k: Int, offset: Float = 0) -> Matrix {
        Matrix(rows: k, cols: 3, values: (0..<(3 * k)).map { Float(($0 * 7) % 11) / 11 + offset })
    }

    /// Opens (recovers) a registry on `fileSystem`, checkpointing only when the workload asks.
    static func open(_ fileSystem: SimulatedFileSystem, keepSnapshots: Int = keepSnapshots, checkpointBytes: Int = 0) throws -> (registry: StoreRegistry, report: RecoveryReport) {
        let data = try DataDirectory(root, fileSystem: fileSystem)
        return try StoreRegistry.open(data, log: .files(of: data), checkpointBytes: checkpointBytes, keepSnapshots: keepSnapshots, clock: { instant })
    }

    static let operations: [Operation] = [
        Operation(name: "create a") { _ = try await $0.create(name: "a", configuration: mrdam) },
        Operation(name: "add a with ids") { _ = try await $0.store(named: "a").add(rows(3), ids: ["p", "q", "r"]) },
        Operation(name: "create d") { _ = try await $0.create(name: "d", configuration: drdam(seed: 5)) },
        Operation(name: "add d") { _ = try await $0.store(named: "d").add(rows(2), ids: nil) },
        Operation(name: "snapshot a") { _ = try await $0.createSnapshot(of: $0.store(named: "a")) },
        Operation(name: "add a") { _ = try await $0.store(named: "a").add(rows(2, offset: 1), ids: nil) },
        Operation(name: "checkpoint") { _ = try await $0.checkpoint() },
        Operation(name: "forget d") { _ = try await $0.store(named: "d").forget(rows(1)) },
        Operation(name: "remove a q") { _ = try await $0.store(named: "a").remove(id: "q") },
        Operation(name: "set β of a") { _ = try await $0.store(named: "a").setBeta(3.5) },
        Operation(name: "snapshot a again") { _ = try await $0.createSnapshot(of: $0.store(named: "a")) },
        Operation(name: "snapshot a, pruning") { _ = try await $0.createSnapshot(of: $0.store(named: "a")) },
        Operation(name: "restore a") { r in
            guard let oldest = try r.snapshots(of: "a").first else { throw Missing() }
            _ = try await r.restore("a", from: oldest.name)
        },
        Operation(name: "upload b") { r in
            guard let newest = try r.snapshots(of: "a").last else { throw Missing() }
            let (url, _) = try r.snapshotFile(of: "a", named: newest.name)
            _ = try await r.replace(name: "b", snapshot: try r.directory.fileSystem.read(url.path))
        },
        Operation(name: "delete d") { try await $0.delete(name: "d") },
        Operation(name: "create d anew") { _ = try await $0.create(name: "d", configuration: drdam(seed: 6)) },
        Operation(name: "add d anew") { _ = try await $0.store(named: "d").add(rows(3, offset: 2), ids: nil) },
        Operation(name: "checkpoint again") { _ = try await $0.checkpoint() },
        Operation(name: "delete a snapshot") { r in
            guard let oldest = try r.snapshots(of: "a").first else { throw Missing() }
            try await r.deleteSnapshot(of: "a", named: oldest.name)
        },
        Operation(name: "delete b") { try await $0.delete(name: "b") },
        Operation(name: "add a last") { _ = try await $0.store(named: "a").add(rows(1, offset: 3), ids: ["s"]) },
        Operation(name: "checkpoint last") { _ = try await $0.checkpoint() },
    ]

    /// Everything a client was told of `registry`'s stores and snapshots, bit for bit.
    static func fingerprint(_ registry: StoreRegistry) throws -> [String] {
        var lines: [String] = []
        for store in registry.all {
            let s = store.state
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            let configuration = String(decoding: try encoder.encode(s.configuration), as: UTF8.self)
            var line = "\(store.name) \(configuration) v\(s.version) next \(s.nextID) ids \(s.ids.all)"
            switch s.model {
            case .exact(let exact):
                line += " rows " + exact.memories.values.map { String($0.bitPattern, radix: 16) }.joined(separator: ",")
            case .distributed(let distributed):
                line += " T " + distributed.accumulator.map { String($0.bitPattern, radix: 16) }.joined(separator: ",") + " count \(distributed.count)"
            }
            lines.append(line)
        }
        for name in ["a", "b", "d"] {
            let listed = try registry.snapshots(of: name).suffix(keepSnapshots)
            lines.append("snapshots of \(name): " + listed.map { "\($0.number) \($0.name) v\($0.version) \($0.sha256)" }.joined(separator: "; "))
        }
        return lines
    }
}
