import NIOPosix

/// A bounded pool of threads for heavy compute (recalls, energies, writes that compute features), so
/// that it never runs on the HTTP event loops: `/healthz` answers while recalls saturate the CPU.
/// Work beyond the pool's width waits in its queue.
final class ComputePool: Sendable {
    private let pool: NIOThreadPool

    /// Threads running compute at once.
    var width: Int { pool.numberOfThreads }

    /// A started pool of `width` threads.
    init(width: Int) {
        pool = NIOThreadPool(numberOfThreads: max(1, width))
        pool.start()
    }

    /// Runs `body` on one of the pool's threads and returns its result.
    func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await pool.runIfActive(body)
    }

    /// Lets queued work finish, then stops the threads.
    func shutdown() async throws {
        try await pool.shutdownGracefully()
    }
}
