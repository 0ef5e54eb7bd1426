import Core
import NIOCore
import Store

/// Where a request's body is parsed and decoded: on the service's work pool (never on the threads that
/// serve HTTP), and only while its client is there: the work checks a cancellation about every MiB,
/// which fires when the connection closes (`ConnectionWatch`), and then stops with 503.
struct BodyParser: Sendable {
    /// The threads parsing runs on.
    let pool: WorkPool
    let connections: ConnectionWatch
    /// The client's connection.
    let channel: any Channel

    /// `work`'s result for a body of about `bytes` bytes, computed on `pool` (or here, for fewer than
    /// `WorkPool.inlineBytes`); `work` gets a check to call between pieces, which throws once the client
    /// has left.
    func run<T: Sendable>(converting bytes: Int, _ work: @escaping @Sendable (_ interrupt: @escaping @Sendable () throws -> Void) throws -> T) async throws -> T {
        try await watching { cancellation in
            try await pool.run(converting: bytes) { try work({ try cancellation.check() }) }
        }
    }

    /// Runs `work` with a cancellation that fires when the client's connection closes; work stopped by
    /// it (`Cancellation.Stopped`) answers 503 (which the client, gone, does not read).
    func watching<T: Sendable>(_ work: (Cancellation) async throws -> T) async throws -> T {
        let cancellation = Cancellation()
        let registration = connections.register(cancellation, closing: channel)
        defer { connections.release(registration) }
        do {
            return try await work(cancellation)
        } catch let stopped as Cancellation.Stopped {
            throw Problem(.serviceUnavailable, "the request stopped before its body was read: \(stopped.reason)")
        }
    }
}
