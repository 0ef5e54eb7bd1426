import NIOPosix

/// A bounded pool of threads for heavy compute (recalls, energies), so that it never runs on the HTTP
/// event loops: `/healthz` answers while recalls saturate the CPU. At most `width` run at once and
/// `queue` more wait; beyond that a request is refused at once with 503 and `Retry-After`.
final class ComputePool: Sendable {
    private let pool: NIOThreadPool
    /// Work waiting or running (tests wait on it to act while the pool is busy).
    let load = WaitableCount()
    /// The most work waiting beyond the threads.
    let queue: Int

    /// Threads running compute at once.
    var width: Int { pool.numberOfThreads }

    /// A started pool of `width` threads with room for `queue` waiting.
    init(width: Int, queue: Int = 64) {
        pool = NIOThreadPool(numberOfThreads: max(1, width))
        self.queue = queue
        pool.start()
    }

    /// Runs `body` on one of the pool's threads and returns its result; 503 when the queue is full or
    /// the server is shutting down.
    func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        guard load.add(1) < width + queue else {
            load.add(-1)
            throw busy
        }
        defer { load.add(-1) }
        do {
            return try await pool.runIfActive(body)
        } catch is NIOThreadPoolError.ThreadPoolInactive {
            throw Problem(.serviceUnavailable, "the server is shutting down", headers: [.retryAfter: "5"])
        }
    }

    /// Throws the 503 that `run` would throw now, when every thread is busy and the queue is full.
    func checkRoom() throws {
        guard load.value < width + queue else { throw busy }
    }

    private var busy: Problem {
        Problem(.serviceUnavailable, "the server is busy: \(queue) requests are already waiting for the compute threads; retry shortly",
                headers: [.retryAfter: "1"])
    }

    /// Lets queued work finish, then stops the threads.
    func shutdown() async throws {
        try await pool.shutdownGracefully()
    }
}
