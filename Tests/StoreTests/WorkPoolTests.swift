import Dispatch
import Foundation
import Synchronization
import Testing
@testable import Store

/// The work pool runs at most its width of jobs at once, the rest waiting in order, and is not
/// Dispatch's global pool.
@Suite struct WorkPoolTests {
    /// Jobs running now, and the most that ever ran together.
    final class Running: Sendable {
        let counts = Mutex((now: 0, most: 0))
    }

    /// Six jobs that block on a gate, on a pool of width 2: two run, four wait, and no more than two
    /// ever run together; opened, all six finish.
    @Test(.timeLimit(.minutes(1)))
    func theWidthBoundsConcurrentWork() async throws {
        let pool = WorkPool(width: 2, name: "engram-test")
        let gate = DispatchSemaphore(value: 0)
        let running = Running()
        let (started, start) = AsyncStream.makeStream(of: Void.self)
        let jobs = Task {
            try await withThrowingTaskGroup(of: Int.self) { group in
                for i in 0..<6 {
                    group.addTask {
                        try await pool.run {
                            running.counts.withLock { $0.now += 1; $0.most = max($0.most, $0.now) }
                            start.yield()
                            gate.wait()
                            running.counts.withLock { $0.now -= 1 }
                            return i
                        }
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }.sorted()
            }
        }
        var starts = started.makeAsyncIterator()
        for _ in 0..<2 { await starts.next() }
        // Every job handed to the pool (two running, blocked on the gate; the rest waiting).
        while pool.load.running + pool.load.waiting < 6 { await Task.yield() }
        #expect(pool.load.running == 2 && pool.load.waiting == 4)
        for _ in 0..<6 { gate.signal() }
        #expect(try await jobs.value == Array(0..<6))
        #expect(running.counts.withLock { $0.most } == 2)
        #expect(pool.load.running == 0 && pool.load.waiting == 0)
    }

    /// The calling thread's name as the system has it (Foundation reads it from the thread).
    static func threadName() -> String? { Thread.current.name }

    /// Work runs on the pool's own named threads.
    @Test func workRunsOnThePoolsThreads() async throws {
        let pool = WorkPool(width: 1, name: "engram-t1")
        let name = try await pool.run { Self.threadName() }
        #expect(name == "engram-t1")
    }

    /// Little work runs where it is asked for; more, on the pool.
    @Test func littleConversionsRunInPlace() async throws {
        let pool = WorkPool(width: 1, name: "engram-t2")
        let here = try await pool.run(converting: WorkPool.inlineBytes - 1) { Self.threadName() }
        let there = try await pool.run(converting: WorkPool.inlineBytes) { Self.threadName() }
        #expect(here != "engram-t2")
        #expect(there == "engram-t2")
    }
}
