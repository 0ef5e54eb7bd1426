import Dispatch
import Synchronization

/// Group commit: callers wait until their sequence number is durable, and one flush (an fsync) on a
/// thread of its own serves every caller waiting when it starts. While it runs, new callers queue
/// for the next one, so N concurrent writers pay far fewer than N flushes. The decisions are
/// `GroupCommitMachine`'s; this shell holds it under a lock, runs the flushes on a queue and
/// resumes the callers.
package final class GroupCommit: Sendable {
    private typealias Waiter = CheckedContinuation<Void, any Error>
    private let machine: Mutex<GroupCommitMachine<Waiter>>
    /// Makes every record appended so far durable and returns the last one's sequence number.
    private let flush: @Sendable () throws -> UInt64
    private let queue = DispatchQueue(label: "engram.log.flush")
    private let flushCount = Atomic<Int>(0)

    /// A group commit whose records up to `durable` are already durable.
    package init(durable: UInt64, flush: @escaping @Sendable () throws -> UInt64) {
        machine = Mutex(GroupCommitMachine(durable: durable))
        self.flush = flush
    }

    /// Flushes run so far.
    package var flushes: Int { flushCount.load(ordering: .relaxed) }

    /// Callers waiting for a flush now (for tests).
    package var waiting: Int { machine.withLock { $0.waiting } }

    /// Returns once `sequence` is durable; throws `StoreError.unavailable` once a flush has failed.
    package func wait(through sequence: UInt64) async throws {
        try await withCheckedThrowingContinuation { (continuation: Waiter) in
            switch machine.withLock({ $0.wait(through: sequence, continuation) }) {
            case .resume: continuation.resume()
            case .fail(let failure): continuation.resume(throwing: Self.unavailable(failure))
            case .startFlush: queue.async { self.run() }
            case .queued: break
            }
        }
    }

    /// On the flush queue: flushes until no waiter is left uncovered.
    private func run() {
        var again = true
        while again {
            let outcome = Result { try flush() }
            flushCount.add(1, ordering: .relaxed)
            let action = machine.withLock { machine in
                switch outcome {
                case .success(let through): machine.flushed(through: through)
                case .failure(let error): machine.flushFailed("\(error)")
                }
            }
            for waiter in action.waiters {
                if let failure = action.failure { waiter.resume(throwing: Self.unavailable(failure)) } else { waiter.resume() }
            }
            again = action.flushAgain
        }
    }

    private static func unavailable(_ failure: String) -> StoreError {
        .unavailable("the write-ahead log could not be synced to disk (\(failure)); writes are refused until the server restarts")
    }
}
