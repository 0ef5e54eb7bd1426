import Dispatch

/// Runs blocking work (feature generation, snapshot decoding, file writes) off the caller's thread,
/// so that it never holds an HTTP event loop or Swift's cooperative pool.
package enum Background {
    /// `body`'s result, computed on `queue` (a global concurrent queue by default).
    package static func run<T: Sendable>(on queue: DispatchQueue = .global(), _ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try body() }) }
        }
    }

    /// Conversions of fewer bytes than this run where they are asked for: a hop to another thread
    /// and back costs more than converting 64 KiB (about 0.15 ms), and holds nothing up for longer.
    package static let inlineBytes = 64 << 10

    /// `body`'s result, for work that converts about `bytes` bytes: computed here when they are fewer
    /// than `inlineBytes`, on a global concurrent queue otherwise.
    package static func run<T: Sendable>(converting bytes: Int, _ body: @escaping @Sendable () throws -> T) async throws -> T {
        bytes < inlineBytes ? try body() : try await run(body)
    }
}
