import Core
import Foundation
import Synchronization
import Testing
import TestSupport
@testable import Store

@Suite struct LogTests {
    static let entries: [LogEntry] = [
        .create(StoreConfiguration(dim: 2, beta: 1.5, energy: .sum, kind: .drdam(FeatureSettings(kernel: .expexp, features: 8, seed: .max, eps: 0, orthogonal: true)))),
        .mutation(.add(Matrix(rows: 2, cols: 2, values: [1, -0.0, .leastNonzeroMagnitude, 3e38]), ids: ["a", "b:c"], nextID: 7)),
        .mutation(.forget(Matrix(rows: 1, cols: 2, values: [0.5, 0.25]))),
        .mutation(.remove(id: "a")),
        .mutation(.setBeta(0.1)),
        .replace(Data([1, 2, 3, 0, 255])),
        .delete,
    ]

    /// The file log in `wal`, on the real file system.
    static func open(_ wal: URL, nextAtLeast: UInt64 = 1) throws -> (log: FileLog, scan: LogScan) {
        try FileLog.open(directory: wal.path, on: PosixFileSystem(), nextAtLeast: nextAtLeast)
    }

    /// Every kind of record comes back from disk exactly, in order, with consecutive sequence numbers.
    @Test func recordsRoundTrip() async throws {
        let directory = try RegistryDirectory()
        let wal = directory.url.appendingPathComponent("wal")
        do {
            let (log, scan) = try Self.open(wal)
            #expect(scan.items.isEmpty)
            for (i, entry) in Self.entries.enumerated() {
                #expect(try log.append(store: "s\(i % 2)", entry: entry) == UInt64(i + 1))
            }
            try await log.sync(through: UInt64(Self.entries.count))
        }
        let (log, scan) = try Self.open(wal)
        #expect(scan.tornTail == nil && scan.records.count == Self.entries.count)
        for (i, record) in scan.records.enumerated() {
            #expect(record == LogRecord(sequence: UInt64(i + 1), store: "s\(i % 2)", entry: Self.entries[i]))
        }
        #expect(try log.append(store: "s", entry: .delete) == UInt64(Self.entries.count + 1), "numbering continues after a restart")
    }

    /// The shell around `GroupCommitMachine`: while one flush runs (held until every writer waits),
    /// every writer that arrives waits for the next one: 16 writers, 2 flushes.
    @Test func concurrentWritersShareFlushes() async throws {
        final class Counter: Sendable { let value = Atomic<UInt64>(0) }
        let counter = Counter()
        let gate = DispatchSemaphore(value: 0)
        let (started, start) = AsyncStream.makeStream(of: Void.self)
        let commit = GroupCommit(durable: 0) {
            let through = counter.value.load(ordering: .sequentiallyConsistent)
            if through == 1 {
                start.yield()
                gate.wait()  // the first flush holds until every writer is queued
            }
            return through
        }
        async let first: Void = commit.wait(through: counter.value.add(1, ordering: .sequentiallyConsistent).newValue)
        var flushing = started.makeAsyncIterator()
        await flushing.next()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<15 {
                group.addTask { try await commit.wait(through: counter.value.add(1, ordering: .sequentiallyConsistent).newValue) }
            }
            // Waiting for the state, not for a time: the first writer and the 15 behind it.
            while commit.waiting < 16 { await Task.yield() }
            gate.signal()
            try await group.waitForAll()
        }
        try await first
        #expect(commit.flushes == 2, "one flush for the first writer, one shared by the 15 that queued behind it")
    }

    /// A failed flush fails its waiter and every later one, without flushing again.
    @Test func aFailedFlushRefusesEveryLaterWait() async throws {
        struct DiskFull: Error {}
        let commit = GroupCommit(durable: 0) { throw DiskFull() }
        await #expect(throws: StoreError.self) { try await commit.wait(through: 1) }
        await #expect(throws: StoreError.self) { try await commit.wait(through: 2) }
        #expect(commit.flushes == 1)
    }

    /// A record cut short at the end of the log (a crash mid-write) is cut off and reported; the
    /// records before it stay and appending carries on from them.
    @Test func tornTailIsCut() async throws {
        let directory = try RegistryDirectory()
        let wal = directory.url.appendingPathComponent("wal")
        do {
            let log = try Self.open(wal).log
            for entry in Self.entries.prefix(3) { _ = try log.append(store: "s", entry: entry) }
            try await log.sync(through: 3)
        }
        let segment = try #require(directory.segments.last)
        let size = try PosixFileSystem().fileSize(segment.path)
        let handle = try FileHandle(forWritingTo: segment)
        try handle.truncate(atOffset: UInt64(size - 5))
        try handle.close()
        let (log, scan) = try Self.open(wal)
        #expect(scan.records.map(\.sequence) == [1, 2] && scan.tornTail != nil)
        #expect(!scan.items.contains { if case .damage = $0 { true } else { false } }, "a torn tail is not damage")
        #expect(try PosixFileSystem().fileSize(segment.path) < size - 5)
        #expect(try log.append(store: "s", entry: .delete) == 3)
    }

    /// A flipped byte before the tail is damage, never skipped silently: in a payload it names the
    /// record's store (its header is intact); in a header the store cannot be known. Either way the
    /// records after it are still read.
    @Test(arguments: ["payload", "header"])
    func flippedBytesAreDamage(place: String) async throws {
        let named = place == "payload"
        let directory = try RegistryDirectory()
        let wal = directory.url.appendingPathComponent("wal")
        do {
            let log = try Self.open(wal).log
            for (i, entry) in Self.entries.prefix(4).enumerated() { _ = try log.append(store: "s\(i)", entry: entry) }
            try await log.sync(through: 4)
        }
        // Record 2 (the add) starts after record 1; flip a byte of its header or of its payload.
        let segment = try #require(directory.segments.last)
        var bytes = try Data(contentsOf: segment)
        let recordOne = LogFrame.overhead + 2 + (try Self.entries[0].payload()).count
        bytes[recordOne + (named ? LogFrame.overhead + 2 + 10 : 6)] ^= 0x40
        try bytes.write(to: segment)
        let scan = try Self.open(wal).scan
        let damage = scan.items.compactMap { if case .damage(let d) = $0 { d } else { nil } }
        #expect(damage.count == 1, "\(place): \(damage)")
        #expect(damage.first?.store == (named ? "s1" : nil))
        #expect(scan.records.map(\.sequence) == [1, 3, 4])
        #expect(scan.tornTail == nil)
    }
}
