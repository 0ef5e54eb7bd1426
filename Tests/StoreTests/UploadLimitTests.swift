import Core
import Foundation
import Synchronization
import Testing
@testable import Store

/// Uploads and writes held to the server's limits, atomically and before any work they would cost.
@Suite struct UploadLimitTests {
    typealias W = CrashWorkload

    /// A hand-made snapshot with the counters given loads when they are within what a store can carry.
    @Test func aHandMadeSnapshotLoads() async throws {
        let registry = try W.open(SimulatedFileSystem()).registry
        let (store, created) = try await registry.replace(name: "h", snapshot: try HandMadeSnapshot.drdam(dim: 3, features: 8, version: "4", count: 2))
        #expect(created && store.state.version == 4 && store.state.count == 2)
    }

    /// A version, id counter or count that a store could not carry forward is refused (422) and
    /// changes nothing; the write after it works.
    @Test(arguments: [("18446744073709551615", "1", Int64(0)), ("1", "18446744073709551615", 0), ("1", "1", Int64.max)])
    func countersAStoreCannotCarryAreRefused(version: String, nextID: String, count: Int64) async throws {
        let registry = try W.open(SimulatedFileSystem()).registry
        let bytes = try HandMadeSnapshot.drdam(dim: 3, features: 8, version: version, nextID: nextID, count: count)
        await #expect(throws: StoreError.self) { try await registry.replace(name: "h", snapshot: bytes) }
        #expect(registry.all.isEmpty)
        let store = try await registry.create(name: "h", configuration: W.drdam(seed: 1)).store
        _ = try await store.add(W.rows(1), ids: nil)
        #expect(store.state.count == 1)
    }

    /// An upload over the creation limits is refused before its features are generated: 2^20 features
    /// of dimension 65 536 would be 256 GiB of Ω.
    @Test func uploadsMeetTheCreationLimitsFirst() async throws {
        let registry = try W.open(SimulatedFileSystem()).registry
        let bytes = try HandMadeSnapshot.drdam(dim: 65_536, features: 1 << 20)
        await #expect { try await registry.replace(name: "huge", snapshot: bytes) } throws: {
            ($0 as? StoreError).map { "\($0)".contains("limit") } ?? false
        }
        #expect(registry.all.isEmpty)
    }

    /// While one write waits for its fsync (its bytes reserved, not yet published), another store's
    /// write that would pass `--max-total-bytes` with it is refused.
    @Test(.timeLimit(.minutes(1))) func theTotalLimitCountsWritesInFlight() async throws {
        var limits = Limits()
        limits.maxTotalBytes = 4 * 4 * 40
        let fileSystem = SimulatedFileSystem()
        let data = try DataDirectory(W.root, fileSystem: fileSystem)
        let registry = try StoreRegistry.open(data, log: .files(of: data), checkpointBytes: 0, limits: limits).registry
        let a = try await registry.create(name: "a", configuration: W.mrdam).store
        let b = try await registry.create(name: "b", configuration: W.mrdam).store
        // The first fsync of the log waits at the gate; the event stream says when a write reached it
        // and when the second one was decided (refused, or appended: its own write to the log).
        let (stream, signal) = AsyncStream.makeStream(of: String.self)
        let gate = DispatchSemaphore(value: 0)
        let fsyncs = Atomic(0), writes = Atomic(0)
        fileSystem.whenCalling { call in
            if call.hasPrefix("fsync /data/wal"), fsyncs.add(1, ordering: .relaxed).oldValue == 0 {
                signal.yield("first waits for its fsync")
                gate.wait()
            } else if call.hasPrefix("write /data/wal"), writes.add(1, ordering: .relaxed).newValue == 4 {
                signal.yield("second appended")
            }
        }
        var events = stream.makeAsyncIterator()
        let first = Task { try await a.add(W.rows(25), ids: nil) }
        _ = await events.next()
        let second = Task { try await b.add(W.rows(25), ids: nil) }
        Task { _ = await second.result; signal.yield("second decided") }
        _ = await events.next()
        gate.signal()
        _ = try await first.value
        await #expect(throws: StoreError.self) { try await second.value }
        #expect(registry.totalBytes <= limits.maxTotalBytes)
    }
}
