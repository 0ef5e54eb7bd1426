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
}
