import Foundation
import Testing
@testable import Store

/// `--max-snapshot-disk-bytes`: the API snapshots on disk, of living and deleted stores together, never
/// take more than the limit; a snapshot that would pass it is refused before its file is written.
/// The oracle is the snapshot files' sizes as the file system reports them.
@Suite struct SnapshotLimitTests {
    typealias W = CrashWorkload

    /// The bytes of one snapshot of a store `s` holding `W.rows(20)`, taken in a directory of its own.
    static func oneSnapshot() async throws -> Int {
        let directory = try RegistryDirectory()
        let registry = try directory.open().registry
        let store = try await registry.create(name: "s", configuration: W.mrdam).store
        _ = try await store.add(W.rows(20), ids: nil)
        _ = try await registry.createSnapshot(of: store)
        return Self.bytesOnDisk(directory)
    }

    /// The bytes of every `.safetensors` file under the directory's `snapshots/`.
    static func bytesOnDisk(_ directory: RegistryDirectory) -> Int {
        let root = directory.url.appendingPathComponent("snapshots")
        let files = FileManager.default.enumerator(atPath: root.path)?.compactMap { $0 as? String } ?? []
        return files.filter { $0.hasSuffix(".safetensors") }.reduce(0) { sum, file in
            sum + ((try? FileManager.default.attributesOfItem(atPath: root.appendingPathComponent(file).path)[.size] as? Int) ?? 0)
        }
    }

    /// Limits letting `snapshots` and a half of one fit, not one more.
    static func limits(room snapshots: Double, of size: Int) -> Limits {
        var limits = Limits()
        limits.maxSnapshotDiskBytes = Int(Double(size) * (snapshots + 0.5))
        return limits
    }

    /// Creates store `name` holding `W.rows(20)` and snapshots it.
    static func snapshot(_ name: String, in registry: StoreRegistry) async throws -> SnapshotInfo {
        let store = try await registry.create(name: name, configuration: W.mrdam).store
        if store.state.count == 0 { _ = try await store.add(W.rows(20), ids: nil) }
        return try await registry.createSnapshot(of: store)
    }

    static func isDiskLimit(_ error: any Error) -> Bool {
        guard case .invalid(let message) = error as? StoreError else { return false }
        return message.contains("--max-snapshot-disk-bytes") && message.contains("delete snapshots")
    }

    /// Create, snapshot, delete, repeat: the loop stops at the limit with a 422 telling the operator to
    /// delete snapshots, and the deleted stores' snapshots stay listed and can be deleted.
    @Test func theCreateSnapshotDeleteLoopStopsAtTheLimit() async throws {
        let size = try await Self.oneSnapshot()
        let directory = try RegistryDirectory()
        let limits = Self.limits(room: 2, of: size)
        let registry = try directory.open(limits: limits).registry
        var refused = false
        for round in 0..<5 where !refused {
            do {
                _ = try await Self.snapshot("s\(round)", in: registry)
                try await registry.delete(name: "s\(round)")
            } catch {
                #expect(Self.isDiskLimit(error), "\(error)")
                #expect(round == 2)
                refused = true
            }
        }
        #expect(refused)
        #expect(Self.bytesOnDisk(directory) <= limits.maxSnapshotDiskBytes)
        let kept = try registry.snapshots(of: "s0")
        #expect(kept.count == 1)
        try await registry.deleteSnapshot(of: "s0", named: kept[0].name)
        #expect(try registry.snapshots(of: "s0").isEmpty)
        _ = try await registry.createSnapshot(of: registry.store(named: "s2"))
    }

    /// Eight snapshots at once where three fit: three are written, five refused, and the disk holds
    /// no more than the limit.
    @Test func concurrentSnapshotsNeverPassTheLimit() async throws {
        let size = try await Self.oneSnapshot()
        let directory = try RegistryDirectory()
        let limits = Self.limits(room: 3, of: size)
        let registry = try directory.open(limits: limits).registry
        for i in 0..<8 { _ = try await registry.create(name: "s\(i)", configuration: W.mrdam).store.add(W.rows(20), ids: nil) }
        let taken = await withTaskGroup(of: Bool.self) { group in
            for i in 0..<8 {
                group.addTask { (try? await registry.createSnapshot(of: registry.store(named: "s\(i)"))) != nil }
            }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(taken == 3)
        #expect(Self.bytesOnDisk(directory) <= limits.maxSnapshotDiskBytes)
    }

    /// Deleting a snapshot, or its pruning, gives its bytes back.
    @Test func deletingOrPruningASnapshotFreesRoom() async throws {
        let size = try await Self.oneSnapshot()
        let directory = try RegistryDirectory()
        let registry = try directory.open(keepSnapshots: 1, limits: Self.limits(room: 2, of: size)).registry
        let first = try await Self.snapshot("a", in: registry)
        _ = try await Self.snapshot("b", in: registry)
        await #expect { try await Self.snapshot("c", in: registry) } throws: { Self.isDiskLimit($0) }
        try await registry.deleteSnapshot(of: "a", named: first.name)
        _ = try await Self.snapshot("c", in: registry)
        // Keeping one per store, a store's new snapshot would take the room of its old one, but it
        // is counted before the old one is pruned: with room for 2.5, "c" cannot take a second.
        await #expect { try await Self.snapshot("c", in: registry) } throws: { Self.isDiskLimit($0) }
        try await registry.delete(name: "b")
        try await registry.deleteSnapshot(of: "b", named: try #require(try registry.snapshots(of: "b").first).name)
        _ = try await Self.snapshot("c", in: registry)
        #expect(try registry.snapshots(of: "c").count == 1)
        _ = try await Self.snapshot("a", in: registry)
    }

    /// The snapshots on disk at open count: a restart does not reset the limit, whether their stores
    /// live or were deleted.
    @Test func theCountSurvivesARestart() async throws {
        let size = try await Self.oneSnapshot()
        let directory = try RegistryDirectory()
        let limits = Self.limits(room: 2, of: size)
        var registry = try directory.open(limits: limits).registry
        _ = try await Self.snapshot("a", in: registry)
        let deleted = try await Self.snapshot("b", in: registry)
        try await registry.delete(name: "b")
        registry = try directory.open(limits: limits).registry
        await #expect { try await Self.snapshot("c", in: registry) } throws: { Self.isDiskLimit($0) }
        try await registry.deleteSnapshot(of: "b", named: deleted.name)
        _ = try await Self.snapshot("c", in: registry)
        #expect(Self.bytesOnDisk(directory) <= limits.maxSnapshotDiskBytes)
    }
}
