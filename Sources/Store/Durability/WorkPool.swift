import Foundation

/// A bounded pool of threads of our own for blocking work (parsing and converting bodies, snapshot
/// decoding, feature generation, log appends, file writes, recalls), so that it never holds an HTTP
/// event loop or Swift's cooperative pool (on Linux, Dispatch's global queues share their threads
/// with the tasks that serve requests). At most `width` jobs run at once; the rest wait in order.
/// Threads start when work comes and end after `idleSeconds` without any, so a pool needs no shutdown
/// and an idle one holds no thread.
package final class WorkPool: @unchecked Sendable {
    /// The most jobs running at once.
    package let width: Int
    /// The threads' name (seen in debuggers and `top -H`; Linux keeps 15 bytes).
    private let name: String
    private let idleSeconds: Double
    /// Guards everything below.
    private let condition = NSCondition()
    private var jobs: [@Sendable () -> Void] = []
    private var next = 0
    private var threads = 0
    private var idle = 0
    private var runningJobs = 0

    /// A pool of at most `width` threads (at least one) named `name`.
    package init(width: Int, name: String, idleSeconds: Double = 1) {
        self.width = max(1, width)
        self.name = name
        self.idleSeconds = idleSeconds
    }

    /// Jobs running now, and jobs waiting for a thread (tests check the bound with them).
    package var load: (running: Int, waiting: Int) {
        condition.lock()
        defer { condition.unlock() }
        return (runningJobs, jobs.count - next)
    }

    /// `body`'s result, computed on one of the pool's threads.
    package func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            submit { continuation.resume(with: Result { try body() }) }
        }
    }

    /// Conversions of fewer bytes than this run where they are asked for: a hop to another thread
    /// and back costs more than converting 64 KiB (about 0.15 ms), and holds nothing up for longer.
    package static let inlineBytes = 64 << 10

    /// `body`'s result, for work that converts about `bytes` bytes: computed here when they are fewer
    /// than `inlineBytes`, on the pool otherwise.
    package func run<T: Sendable>(converting bytes: Int, _ body: @escaping @Sendable () throws -> T) async throws -> T {
        bytes < Self.inlineBytes ? try body() : try await run(body)
    }

    private func submit(_ job: @escaping @Sendable () -> Void) {
        condition.lock()
        defer { condition.unlock() }
        jobs.append(job)
        if jobs.count - next > idle && threads < width {
            threads += 1
            let thread = Thread { [self] in work() }
            thread.start()
            // Named once started (Foundation on Linux names only a running thread), before it can take
            // a job: it waits for `condition` first.
            thread.name = name
        } else if idle > 0 {
            condition.signal()
        }
    }

    /// A thread's loop: runs jobs in order, and ends after `idleSeconds` without one.
    private func work() {
        condition.lock()
        while true {
            if next < jobs.count {
                let job = jobs[next]
                next += 1
                if next == jobs.count || next >= 1024 {
                    jobs.removeFirst(next)
                    next = 0
                }
                runningJobs += 1
                condition.unlock()
                job()
                condition.lock()
                runningJobs -= 1
                continue
            }
            idle += 1
            let woken = condition.wait(until: Date(timeIntervalSinceNow: idleSeconds))
            idle -= 1
            if !woken && next == jobs.count {
                threads -= 1
                condition.unlock()
                return
            }
        }
    }
}
