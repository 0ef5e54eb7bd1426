import Core
import Foundation
import Testing
import TestSupport
@testable import Store

/// Recovery on the registry: restarts bring every store back exactly; damage marks only the stores
/// it may touch as failed and keeps their files; checkpoints truncate the log.
@Suite struct RecoveryTests {
    static let mrdam = RequestedConfiguration(kind: .mrdam, dim: 3, beta: 2)
    static let drdam = RequestedConfiguration(kind: .drdam, dim: 3, beta: 2, features: 64, seed: 42)

    static func rows(_ k: Int, offset: Float = 0) -> Matrix {
        Matrix(rows: k, cols: 3, values: (0..<(3 * k)).map { Float(($0 * 7) % 11) / 11 + offset })
    }

    /// Two stores with a few writes of each kind; returns their states.
    static func populate(_ registry: StoreRegistry) async throws -> (m: StoreState, d: StoreState) {
        let m = try await registry.create(name: "m", configuration: mrdam).store
        let d = try await registry.create(name: "d", configuration: drdam).store
        _ = try await m.add(rows(4), ids: nil)
        _ = try await m.add(rows(2, offset: 1), ids: ["x", "y"])
        _ = try await m.remove(id: "2")
        _ = try await d.add(rows(5), ids: nil)
        _ = try await d.forget(rows(1))
        return (m.state, d.state)
    }

    static func expectSame(_ a: StoreState, _ b: StoreState, _ comment: Comment? = nil) {
        #expect(a.configuration == b.configuration && a.version == b.version && a.nextID == b.nextID && a.count == b.count, comment)
        switch (a.model, b.model) {
        case (.exact(let x), .exact(let y)):
            #expect(x.memories.values.bitPatterns == y.memories.values.bitPatterns && a.ids.all == b.ids.all, comment)
        case (.distributed(let x), .distributed(let y)):
            #expect(x.accumulator.bitPatterns == y.accumulator.bitPatterns && x.features.omega.bitPatterns == y.features.omega.bitPatterns, comment)
        default:
            Issue.record("different kinds")
        }
    }

    @Test func restartReplaysTheLogExactly() async throws {
        let directory = try RegistryDirectory()
        let before = try await Self.populate(try directory.open().registry)
        let (registry, report) = try directory.open()
        #expect(report.applied == 7 && report.failed.isEmpty && report.tornTail == nil)
        Self.expectSame(try registry.store(named: "m").state, before.m)
        Self.expectSame(try registry.store(named: "d").state, before.d)
    }

    /// β set on an mrdam store (a calibration's `set`) comes back from the log and from a checkpoint;
    /// a drdam store refuses it and a non-positive β is refused, both changing nothing.
    @Test func betaSetSurvivesRestartAndCheckpoint() async throws {
        let directory = try RegistryDirectory()
        let set: StoreState
        do {
            let registry = try directory.open().registry
            _ = try await Self.populate(registry)
            let m = try registry.store(named: "m"), d = try registry.store(named: "d")
            set = try await m.setBeta(0.375)
            #expect(set.configuration.beta == 0.375 && set.count == 5)
            guard case .exact(let exact) = set.model else { Issue.record("mrdam"); return }
            #expect(exact.beta == 0.375)
            await #expect(throws: StoreError.self) { try await d.setBeta(3) }
            await #expect(throws: StoreError.self) { try await m.setBeta(0) }
            #expect(d.state.configuration.beta == 2 && m.state.version == set.version)
        }
        do {
            let (logged, report) = try directory.open()
            #expect(report.applied == 8)
            Self.expectSame(try logged.store(named: "m").state, set, "from the log")
            _ = try await logged.checkpoint()
        }
        let (checkpointed, report) = try directory.open()
        #expect(report.applied == 0)
        Self.expectSame(try checkpointed.store(named: "m").state, set, "from the checkpoint")
    }

    /// A checkpoint writes both stores and truncates the log; a restart reads the checkpoints and
    /// replays only what came after.
    @Test func checkpointThenLog() async throws {
        let directory = try RegistryDirectory()
        let registry = try directory.open().registry
        _ = try await Self.populate(registry)
        let report = try await registry.checkpoint()
        #expect(Set(report.written) == ["m", "d"] && report.truncated && report.logBytesAfter == 0)
        _ = try await registry.store(named: "m").add(Self.rows(1, offset: 2), ids: nil)
        let m = try registry.store(named: "m").state, d = try registry.store(named: "d").state
        let (reopened, recovery) = try directory.open()
        #expect(recovery.checkpoints == 2 && recovery.applied == 1 && recovery.skipped == 0)
        Self.expectSame(try reopened.store(named: "m").state, m)
        Self.expectSame(try reopened.store(named: "d").state, d)
    }

    /// Records a checkpoint already holds are skipped: replaying the whole log over the checkpoints
    /// (as after a crash between the checkpoint and the truncation) gives the same stores.
    @Test func replayIsIdempotent() async throws {
        let directory = try RegistryDirectory()
        let registry = try directory.open().registry
        _ = try await Self.populate(registry)
        let saved = try directory.segments.map { ($0, try Data(contentsOf: $0)) }
        try await registry.checkpoint()
        let m = try registry.store(named: "m").state, d = try registry.store(named: "d").state
        for (url, data) in saved { try data.write(to: url) }
        let (reopened, report) = try directory.open()
        #expect(report.skipped == 7 && report.applied == 0 && report.failed.isEmpty)
        Self.expectSame(try reopened.store(named: "m").state, m)
        Self.expectSame(try reopened.store(named: "d").state, d)
    }

    /// A flipped byte in a record of `m` before the tail: `m` is failed (503 with the reason), `d`
    /// serves, the log is kept whole for inspection, and checkpoints do not truncate it.
    @Test func damagedRecordFailsOnlyItsStore() async throws {
        let directory = try RegistryDirectory()
        let registry = try directory.open().registry
        let d = try await Self.populate(registry).d
        let segment = try #require(directory.segments.last)
        var bytes = try Data(contentsOf: segment)
        // The first add to m is record 3: find its payload by its memories' bytes and flip one.
        let needle = Self.rows(4).values.withUnsafeBytes { Data($0.prefix(16)) }
        let at = try #require(bytes.range(of: needle)).lowerBound + 5
        bytes[at] ^= 0x01
        try bytes.write(to: segment)
        let (reopened, report) = try directory.open()
        #expect(report.failed.keys.sorted() == ["m"])
        #expect(report.failed["m"]?.contains("payload checksum mismatch") == true, "\(report.failed)")
        #expect(throws: StoreError.self) { try reopened.store(named: "m") }
        do { _ = try reopened.store(named: "m") } catch let error as StoreError {
            guard case .unavailable(let detail) = error else { Issue.record("expected unavailable, got \(error)"); return }
            #expect(detail.contains("failed recovery"))
        }
        Self.expectSame(try reopened.store(named: "d").state, d)
        let checkpoint = try await reopened.checkpoint()
        #expect(!checkpoint.truncated && FileManager.default.fileExists(atPath: segment.path), "the damaged log is kept")
        #expect(try Data(contentsOf: segment) == bytes)
    }

    /// A truncated or corrupted checkpoint (with the log already truncated, so nothing can stand in)
    /// fails its store and keeps the file; the other store serves.
    @Test(arguments: ["truncated", "flipped"])
    func damagedCheckpointFailsItsStore(damage: String) async throws {
        let directory = try RegistryDirectory()
        let registry = try directory.open().registry
        _ = try await Self.populate(registry)
        try await registry.checkpoint()
        let m = try registry.store(named: "m").state
        let file = try #require(directory.checkpoints(of: "d").first)
        var bytes = try Data(contentsOf: file)
        if damage == "truncated" { bytes = bytes.prefix(bytes.count - 9) } else { bytes[bytes.count - 20] ^= 0x10 }
        try bytes.write(to: file)
        let (reopened, report) = try directory.open()
        #expect(report.failed.keys.sorted() == ["d"], "\(report.failed)")
        #expect(report.failed["d"]?.contains(file.lastPathComponent) == true)
        #expect(FileManager.default.fileExists(atPath: file.path))
        Self.expectSame(try reopened.store(named: "m").state, m)
    }

    /// Assigned ids come from a counter that never goes back: not after a delete, not after a
    /// restart, not after a checkpoint.
    @Test func idsAreNeverReused() async throws {
        let directory = try RegistryDirectory()
        let registry = try directory.open().registry
        let m = try await registry.create(name: "m", configuration: Self.mrdam).store
        #expect(try await m.add(Self.rows(2), ids: nil).ids == ["1", "2"])
        _ = try await m.remove(id: "2")
        #expect(try await m.add(Self.rows(1), ids: nil).ids == ["3"])
        _ = try await m.remove(id: "3")
        var reopened = try directory.open().registry
        #expect(try await reopened.store(named: "m").add(Self.rows(1), ids: nil).ids == ["4"])
        try await reopened.checkpoint()
        _ = try await reopened.store(named: "m").remove(id: "4")
        try await reopened.checkpoint()
        reopened = try directory.open().registry
        #expect(try await reopened.store(named: "m").add(Self.rows(1), ids: nil).ids == ["5"])
    }

    /// After a checkpoint a drdam store keeps no raw memory on disk: the memories' bytes are nowhere
    /// in the data directory (before it, the log holds them).
    @Test func drdamKeepsNoRawMemoryAfterACheckpoint() async throws {
        let directory = try RegistryDirectory()
        let registry = try directory.open().registry
        let secret = Matrix(rows: 1, cols: 3, values: [0.123456, -0.654321, 0.314159])
        _ = try await registry.create(name: "d", configuration: Self.drdam).store.add(secret, ids: nil)
        let needle = secret.values.withUnsafeBytes { Data($0) }
        func found() throws -> Bool {
            let files = FileManager.default.enumerator(at: directory.url, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL } ?? []
            return try files.contains { url in
                var isDirectory: ObjCBool = false
                _ = FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory)
                guard !isDirectory.boolValue else { return false }
                return try Data(contentsOf: url).range(of: needle) != nil
            }
        }
        #expect(try found(), "the log holds the raw memory until a checkpoint")
        try await registry.checkpoint()
        #expect(try !found())
    }

    /// Deleting a store and creating another of the same name, with checkpoints between: a restart
    /// brings back the new one only.
    @Test func deleteAndRecreateAcrossCheckpoints() async throws {
        let directory = try RegistryDirectory()
        let registry = try directory.open().registry
        _ = try await Self.populate(registry)
        try await registry.checkpoint()
        _ = try await registry.store(named: "m").add(Self.rows(1), ids: ["late"])
        try await registry.delete(name: "m")
        let other = RequestedConfiguration(kind: .mrdam, dim: 3, beta: 5)
        _ = try await registry.create(name: "m", configuration: other).store.add(Self.rows(1, offset: 3), ids: ["new"])
        try await registry.delete(name: "d")
        let (first, report) = try directory.open()
        #expect(report.failed.isEmpty && first.all.map(\.name) == ["m"])
        let recreated = try first.store(named: "m").state
        #expect(recreated.configuration.beta == 5 && recreated.ids.all == ["new"])
        try await first.checkpoint()
        #expect(directory.checkpoints(of: "d").isEmpty && directory.checkpoints(of: "m").count == 1)
        let second = try directory.open().registry
        #expect(try second.store(named: "m").state.ids.all == ["new"] && second.all.count == 1)
    }

    /// API snapshots: restore brings back exactly the snapshot's memories, with a newer version and
    /// an id counter that does not go back; a garbage upload changes nothing.
    @Test func snapshotRestoreAndBadUpload() async throws {
        let directory = try RegistryDirectory()
        let registry = try directory.open().registry
        let (m, _) = try await Self.populate(registry)
        let store = try registry.store(named: "m")
        let info = try await registry.createSnapshot(of: store)
        #expect(info.version == m.version && info.size > 0 && info.sha256.count == 64)
        #expect(try registry.snapshots(of: "m") == [info])
        _ = try await store.add(Self.rows(3, offset: 5), ids: nil)
        let restored = try await registry.restore("m", from: info.name).state
        guard case .exact(let a) = restored.model, case .exact(let b) = m.model else { Issue.record("mrdam"); return }
        #expect(a.memories == b.memories && restored.ids.all == m.ids.all)
        #expect(restored.version == m.version + 2 && restored.nextID == m.nextID + 3)
        let file = try registry.snapshotFile(of: "m", named: info.name).url
        var garbage = try Data(contentsOf: file)
        garbage[garbage.count - 3] ^= 0xFF
        for bad in [Data("not a snapshot".utf8), garbage, try Data(contentsOf: file).prefix(100)] {
            await #expect(throws: StoreError.self) { try await registry.replace(name: "m", snapshot: bad) }
        }
        #expect(store.state.version == restored.version)
        let reopened = try directory.open().registry
        Self.expectSame(try reopened.store(named: "m").state, restored)
    }
}
