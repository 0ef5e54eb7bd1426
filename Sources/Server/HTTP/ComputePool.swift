import Store
import Synchronization

/// The recalls' and energies' threads: a `WorkPool` of its own, so that heavy compute never runs on the
/// HTTP event loops nor holds up body parsing: `/healthz` answers while recalls saturate the CPU. At
/// most `width` run at once and `queue` more wait; beyond that a request is refused at once with 503
/// and `Retry-After`.
final class ComputePool: Sendable {
    private let pool: WorkPool
    /// Set by `shutdown`: later work is refused.
    private let stopped = Atomic<Bool>(false)
    /// Work waiting or running (tests wait on it to act while the pool is busy).
    let load = WaitableCount()
    /// The most work waiting beyond the threads.
    let queue: Int

    /// Threads running compute at once.
    var width: Int { pool.width }

    /// A pool of `width` threads with room for `queue` waiting.
    init(width: Int, queue: Int = 64) {
        pool = WorkPool(width: width, name: "engram-compute")
        self.queue = queue
    }

    /// Runs `body` on one of the pool's threads and returns its result; 503 when the queue is full or
    /// the server is shutting down.
    func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        guard !stopped.load(ordering: .relaxed) else {
            throw Problem(.serviceUnavailable, "the server is shutting down", headers: [.retryAfter: "5"])
        }
        guard load.add(1) < width + queue else {
            load.add(-1)
            throw busy
        }
        defer { load.add(-1) }
        return try await pool.run(body)
    }

    /// Throws the 503 that `run` would throw now, when every thread is busy and the queue is full.
    func checkRoom() throws {
        guard load.value < width + queue else { throw busy }
    }

    private var busy: Problem {
        Problem(.serviceUnavailable, "the server is busy: \(queue) requests are already waiting for the compute threads; retry shortly",
                headers: [.retryAfter: "1"])
    }

    /// Refuses new work; work queued or running finishes (the pool's threads end once idle).
    func shutdown() {
        stopped.store(true, ordering: .relaxed)
    }
}
