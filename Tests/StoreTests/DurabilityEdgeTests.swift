import Core
import Foundation
import Logging
import Synchronization
import TestSupport
import Testing
@testable import Store
#if canImport(Glibc)
import Glibc
#endif

/// The edges of durability that broke before (issue 17's list), one test each: every one of them
/// failed on the code before the fix.
@Suite struct DurabilityEdgeTests {
    typealias W = CrashWorkload

    /// Snapshots taken within one second are kept and listed in the order they were taken, across
    /// versions 9 and 10 (file names sort "10" before "9").
    @Test func pruningKeepsTheNewestSnapshots() async throws {
        let registry = try W.open(SimulatedFileSystem(), keepSnapshots: 3).registry
        let store = try await registry.create(name: "a", configuration: W.mrdam).store
        for i in 0..<8 { _ = try await store.add(W.rows(1, offset: Float(i)), ids: nil) }
        var taken: [String] = []
        for i in 8..<11 {
            taken.append(try await registry.createSnapshot(of: store).name)
            _ = try await store.add(W.rows(1, offset: Float(i)), ids: nil)
        }
        taken.append(try await registry.createSnapshot(of: store).name)
        let listed = try registry.snapshots(of: "a")
        #expect(listed.map(\.name) == Array(taken.suffix(3)), "taken \(taken), listed \(listed.map(\.name))")
        #expect(listed.map(\.version) == [9, 10, 11])
    }

    /// A complete final record whose checksum fails is damage that fails its store, never a torn tail.
    @Test func completeFinalRecordWithABadChecksumIsDamage() async throws {
        let fileSystem = SimulatedFileSystem()
        do {
            let registry = try W.open(fileSystem).registry
            _ = try await registry.create(name: "a", configuration: W.mrdam).store.add(W.rows(2), ids: nil)
        }
        let image = try flipping(in: fileSystem.afterPowerCut())
        let (_, report) = try W.open(image)
        #expect(report.tornTail == nil)
        #expect(report.failed["a"]?.contains("checksum") == true, "\(report.failed)")
    }

    /// After a tail cut the log continues past every sequence number a checkpoint holds.
    @Test func sequenceNumbersContinuePastCheckpoints() async throws {
        let fileSystem = SimulatedFileSystem()
        _ = try fileSystem.makeDirectory("/wal")
        let log = try FileLog.open(directory: "/wal", on: fileSystem).log
        for _ in 0..<3 { _ = try log.append(store: "s", entry: .delete) }
        try await log.sync(through: 3)
        let reopened = try FileLog.open(directory: "/wal", on: fileSystem, nextAtLeast: 10).log
        #expect(try reopened.append(store: "s", entry: .delete) == 10)
    }

    /// A second create of a store answers only once the first is durable; when the first's fsync
    /// failed, it fails too, the store is never shown, and the log refuses writes while reads go on.
    @Test func nothingIsShownBeforeItIsDurable() async throws {
        let fileSystem = SimulatedFileSystem()
        let registry = try W.open(fileSystem).registry
        let b = try await registry.create(name: "b", configuration: W.mrdam).store
        _ = try await b.add(W.rows(2), ids: nil)
        fileSystem.failNext("fsync /data/wal", with: .error(EIO))
        await #expect(throws: (any Error).self) { try await registry.create(name: "a", configuration: W.mrdam) }
        await #expect(throws: (any Error).self) { try await registry.create(name: "a", configuration: W.mrdam) }
        #expect(registry.all.map(\.name) == ["b"])
        #expect(throws: StoreError.self) { try registry.store(named: "a") }
        await #expect(throws: StoreError.self) { try await b.add(W.rows(1), ids: nil) }
        #expect(registry.log.failure != nil)
        #expect(try registry.store(named: "b").state.count == 2, "reads go on")
    }

    /// A destroyed header of a store's only record (its create) is reported, and the log is kept.
    @Test func damageWhoseStoreIsUnknownIsReported() async throws {
        let fileSystem = SimulatedFileSystem()
        do {
            let registry = try W.open(fileSystem).registry
            _ = try await registry.create(name: "lone", configuration: W.mrdam)
        }
        let image = try flipping(byte: 6, in: fileSystem.afterPowerCut())
        let (registry, report) = try W.open(image)
        #expect(report.unattributed.count == 1 && registry.unattributedDamage.count == 1)
        let checkpoint = try await registry.checkpoint()
        #expect(!checkpoint.truncated)
    }

    /// A snapshot or checkpoint whose counters a store could not carry forward is refused: an upload
    /// gets `invalid`, a checkpoint fails its store, nothing traps.
    @Test func countersPastTheLimitAreRefused() async throws {
        let fileSystem = SimulatedFileSystem()
        let registry = try W.open(fileSystem).registry
        let empty = try StoreState(configuration: W.mrdam.resolved())
        for (version, nextID) in [(UInt64.max, UInt64(1)), (1, .max)] {
            let state = StoreState(configuration: empty.configuration, version: version, model: empty.model, ids: MemoryIDs(), nextID: nextID, sequence: 1)
            _ = try StoreSnapshot.write(state, name: "a", created: W.instant, to: "/upload.safetensors", on: fileSystem)
            let bytes = try fileSystem.read("/upload.safetensors")
            try fileSystem.unlink("/upload.safetensors")
            await #expect(throws: StoreError.self) { try await registry.replace(name: "a", snapshot: bytes) }
            _ = try StoreSnapshot.write(state, name: "a", created: W.instant, to: "/data/checkpoints/a/1.safetensors", on: fileSystem)
            let (_, report) = try W.open(fileSystem.afterPowerCut())
            #expect(report.failed["a"]?.contains("carry forward") == true, "\(report.failed)")
            try fileSystem.unlink("/data/checkpoints/a/1.safetensors")
        }
    }

    /// A checkpoint that cannot shrink the log (a store is failed) holds the next one back until the
    /// log has grown by `checkpointBytes` again, and says so.
    @Test func checkpointsBackOffWhileAStoreIsFailed() async throws {
        let fileSystem = SimulatedFileSystem()
        _ = try W.open(fileSystem)
        try fileSystem.place([1, 2, 3], at: "/data/checkpoints/f/5.safetensors")
        let (registry, report) = try W.open(fileSystem.afterPowerCut(), checkpointBytes: 200)
        #expect(report.failed["f"] != nil)
        let store = try await registry.create(name: "a", configuration: W.mrdam).store
        for i in 0..<4 { _ = try await store.add(W.rows(2, offset: Float(i)), ids: nil) }
        #expect(registry.log.bytes > 200)
        let checkpoint = try await registry.checkpoint()
        #expect(!checkpoint.truncated)
        #expect(!registry.checkpointIsDue && registry.checkpointsHeldBack != nil)
    }

    /// An fsync that fails while a checkpoint seals the log is final: later writes are refused.
    @Test func failedFsyncInSealIsFinal() async throws {
        let fileSystem = SimulatedFileSystem()
        let registry = try W.open(fileSystem).registry
        let store = try await registry.create(name: "a", configuration: W.mrdam).store
        _ = try await store.add(W.rows(1), ids: nil)
        fileSystem.failNext("fsync /data/wal", with: .error(EIO))
        await #expect(throws: (any Error).self) { try await registry.checkpoint() }
        await #expect(throws: StoreError.self) { try await store.add(W.rows(1, offset: 1), ids: nil) }
    }

    /// A record appended to the segment a seal starts, and synced, survives a power cut (the new
    /// segment's directory entry is durable before anything is written to it).
    @Test func recordsAfterASealSurviveAPowerCut() async throws {
        let fileSystem = SimulatedFileSystem()
        _ = try fileSystem.makeDirectory("/wal")
        try fileSystem.syncDirectory("/")
        let log = try FileLog.open(directory: "/wal", on: fileSystem).log
        _ = try log.append(store: "s", entry: .delete)
        #expect(try log.seal() == 1)
        let second = try log.append(store: "s", entry: .mutation(.remove(id: "x")))
        try await log.sync(through: second)
        let scan = try FileLog.open(directory: "/wal", on: fileSystem.afterPowerCut()).scan
        #expect(scan.records.map(\.sequence) == [1, 2])
    }

    /// A torn final record followed by zeros (blocks the file system allocated but never wrote) is a
    /// torn tail; random bytes there are damage.
    @Test(arguments: [true, false])
    func tornRecordFollowedByZerosIsATornTail(zeros: Bool) async throws {
        let fileSystem = SimulatedFileSystem()
        _ = try fileSystem.makeDirectory("/wal")
        do {
            let log = try FileLog.open(directory: "/wal", on: fileSystem).log
            _ = try log.append(store: "s", entry: .mutation(.forget(W.rows(2))))
            try await log.sync(through: 1)
        }
        let path = "/wal/" + (try fileSystem.list("/wal").first!)
        let record = Array(try fileSystem.read(path))
        var random = SeededGenerator(seed: 7)
        let after: [UInt8] = zeros ? [UInt8](repeating: 0, count: 4096) : (0..<4096).map { _ in UInt8(truncatingIfNeeded: random.next() | 1) }
        try fileSystem.unlink(path)
        try fileSystem.place(record + record.prefix(record.count - 9) + after, at: path)
        let scan = try FileLog.open(directory: "/wal", on: fileSystem).scan
        let damaged = scan.items.contains { if case .damage = $0 { true } else { false } }
        #expect(scan.records.count == 1)
        #expect(zeros ? (scan.tornTail != nil && !damaged) : (scan.tornTail == nil && damaged))
    }

    /// Records of a store whose create a checkpoint already truncated, then its delete: the delete
    /// settles them, so the store is gone, not failed.
    @Test func aLaterDeleteSettlesRecordsWithoutACreate() async throws {
        let fileSystem = SimulatedFileSystem()
        _ = try W.open(fileSystem)
        let log = try FileLog.open(directory: "/data/wal", on: fileSystem).log
        _ = try log.append(store: "x", entry: .mutation(.add(W.rows(1), ids: ["1"], nextID: 2)))
        _ = try log.append(store: "x", entry: .mutation(.add(W.rows(1, offset: 1), ids: ["2"], nextID: 3)))
        let last = try log.append(store: "x", entry: .delete)
        try await log.sync(through: last)
        let (registry, report) = try W.open(fileSystem.afterPowerCut())
        #expect(report.failed.isEmpty && registry.all.isEmpty, "\(report.failed)")
    }

    /// Temporary files of interrupted atomic writes and snapshots without their `.json` are removed
    /// when the directory is opened; the directories it makes survive a power cut.
    @Test func leftoversAreRemovedAndDirectoriesAreDurable() async throws {
        let fileSystem = SimulatedFileSystem()
        do {
            let registry = try W.open(fileSystem).registry
            let store = try await registry.create(name: "a", configuration: W.mrdam).store
            _ = try await registry.createSnapshot(of: store)
            _ = try await registry.checkpoint()
        }
        let image = fileSystem.afterPowerCut()
        #expect(["/data/wal", "/data/checkpoints", "/data/snapshots"].allSatisfy(image.isDirectory))
        let leftovers = ["/data/checkpoints/a/.7.safetensors.1.tmp", "/data/snapshots/a/.x.json.2.tmp", "/data/snapshots/a/a-orphan.safetensors"]
        for path in leftovers { try image.place([0], at: path) }
        let (registry, _) = try W.open(image)
        #expect(leftovers.allSatisfy { !image.exists($0) })
        #expect(try registry.snapshots(of: "a").count == 1)
    }

    /// A full disk refuses the write (a `SystemFailure` saying so, 507 over HTTP) and changes nothing;
    /// the next write works.
    @Test func aFullDiskRefusesTheWriteOnly() async throws {
        let fileSystem = SimulatedFileSystem()
        let registry = try W.open(fileSystem).registry
        let store = try await registry.create(name: "a", configuration: W.mrdam).store
        fileSystem.failNext("write /data/wal", with: .error(ENOSPC))
        await #expect { try await store.add(W.rows(1), ids: nil) } throws: { ($0 as? SystemFailure)?.isNoSpace == true }
        _ = try await store.add(W.rows(2), ids: nil)
        let (recovered, report) = try W.open(fileSystem.afterPowerCut())
        let count = try recovered.store(named: "a").state.count
        #expect(report.failed.isEmpty && count == 2)
    }

    /// A store's log record is appended without holding the registry's lookups: while a create's
    /// record is being written, finding another store does not wait.
    @Test func lookupsDoNotWaitForAppends() async throws {
        let fileSystem = SimulatedFileSystem()
        let registry = try W.open(fileSystem).registry
        _ = try await registry.create(name: "other", configuration: W.mrdam)
        let free = Mutex<[Bool]>([])
        fileSystem.whenCalling { call in
            guard call.hasPrefix("write /data/wal") else { return }
            let available = registry.entries.withLockIfAvailable { _ in true } ?? false
            free.withLock { $0.append(available) }
        }
        _ = try await registry.create(name: "big", configuration: W.drdam(seed: 1))
        let seen = free.withLock { $0 }
        #expect(!seen.isEmpty && seen.allSatisfy { $0 }, "\(seen)")
    }

    /// A checkpoint by size that fails in the background says so in the log.
    @Test(.timeLimit(.minutes(1))) func backgroundCheckpointFailuresAreLogged() async throws {
        let (messages, sink) = AsyncStream.makeStream(of: String.self)
        var logger = Logger(label: "test") { _ in CapturingLogHandler(sink: sink) }
        logger.logLevel = .warning
        let fileSystem = SimulatedFileSystem()
        let data = try DataDirectory(W.root, fileSystem: fileSystem)
        let registry = try StoreRegistry.open(data, log: .files(of: data), checkpointBytes: 64, logger: logger).registry
        let store = try await registry.create(name: "a", configuration: W.mrdam).store
        fileSystem.failNext("rename", with: .error(EIO))
        _ = try await store.add(W.rows(4), ids: nil)
        for await message in messages where message.contains("checkpoint failed") { return }
    }

    /// `image` with one byte of its newest log segment flipped: byte `byte`, or the last when nil.
    private func flipping(byte: Int? = nil, in image: SimulatedFileSystem) throws -> SimulatedFileSystem {
        let name = try image.list("/data/wal").filter { $0.hasSuffix(".wal") }.sorted().last!
        let path = "/data/wal/" + name
        var bytes = Array(try image.read(path))
        bytes[byte ?? (bytes.count - 1)] ^= 0x40
        try image.unlink(path)
        try image.place(bytes, at: path)
        return image
    }
}
