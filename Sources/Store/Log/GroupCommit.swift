import Dispatch
import Synchronization

/// Group commit: callers wait until their sequence number is durable, and one flush (an fsync) on a
/// thread of its own serves every caller waiting when it starts. While it runs, new callers queue
/// for the next one, so N concurrent writers pay far fewer than N flushes.
package final class GroupCommit: Sendable {
    private struct State {
        var durable: UInt64
        var waiters: [(sequence: UInt64, continuation: CheckedContinuation<Void, any Error>)] = []
        var flushing = false
        var failure: String?
    }

    private let state: Mutex<State>
    /// Makes every record appended so far durable and returns the last one's sequence number.
    private let flush: @Sendable () throws -> UInt64
    private let queue = DispatchQueue(label: "engram.log.flush")
    private let flushCount = Atomic<Int>(0)

    /// A group commit whose records up to `durable` are already durable.
    package init(durable: UInt64, flush: @escaping @Sendable () throws -> UInt64) {
        state = Mutex(State(durable: durable))
        self.flush = flush
    }

    /// Flushes run so far.
    package var flushes: Int { flushCount.load(ordering: .relaxed) }

    /// Returns once `sequence` is durable; throws `StoreError.unavailable` once a flush has failed.
    package func wait(through sequence: UInt64) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            enum Action { case done, failed(String), start, queued }
            let action = state.withLock { s -> Action in
                if let failure = s.failure { return .failed(failure) }
                if s.durable >= sequence { return .done }
                s.waiters.append((sequence, continuation))
                if s.flushing { return .queued }
                s.flushing = true
                return .start
            }
            switch action {
            case .done: continuation.resume()
            case .failed(let failure): continuation.resume(throwing: Self.unavailable(failure))
            case .start: queue.async { self.run() }
            case .queued: break
            }
        }
    }

    private func run() {
        while true {
            let outcome = Result { try flush() }
            flushCount.add(1, ordering: .relaxed)
            let (ready, failed, more) = state.withLock { s -> ([CheckedContinuation<Void, any Error>], String?, Bool) in
                switch outcome {
                case .success(let through):
                    s.durable = Swift.max(s.durable, through)
                    let durable = s.durable
                    let ready = s.waiters.filter { $0.sequence <= durable }.map(\.continuation)
                    s.waiters.removeAll { $0.sequence <= durable }
                    s.flushing = !s.waiters.isEmpty
                    return (ready, nil, s.flushing)
                case .failure(let error):
                    s.failure = "\(error)"
                    let all = s.waiters.map(\.continuation)
                    s.waiters = []
                    s.flushing = false
                    return (all, s.failure, false)
                }
            }
            for continuation in ready {
                if let failed { continuation.resume(throwing: Self.unavailable(failed)) } else { continuation.resume() }
            }
            if !more { return }
        }
    }

    private static func unavailable(_ failure: String) -> StoreError {
        .unavailable("the write-ahead log could not be synced to disk (\(failure)); writes are refused until the server restarts")
    }
}
