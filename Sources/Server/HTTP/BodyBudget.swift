import Hummingbird
import Synchronization

/// The memory budget for request bodies in flight (`--max-body-memory`), so that many maximum bodies
/// at once cannot exhaust memory. Each request reserves `factor` times its body's bytes before they
/// are read (`BodyBudgetMiddleware`): the body itself, and the numbers parsing makes of it (a JSON
/// number takes at least 2 bytes and becomes a 4-byte float, so at most twice the body; `.npy` data
/// converts to at most as many bytes; a snapshot upload goes to a file and is then read once, and its
/// state is about its size). A reservation that does not fit is refused with 503 and `Retry-After`.
/// One request never reserves more than the whole budget, so a body larger than the budget alone
/// still runs when nothing else is in flight.
final class BodyBudget: Sendable {
    /// Bytes reserved per byte of body.
    static let factor = 3

    /// The budget, in bytes.
    let limit: Int
    private let state = Mutex<(reserved: Int, drained: [CheckedContinuation<Void, Never>])>((0, []))

    init(limit: Int) {
        self.limit = limit
    }

    /// Bytes reserved now, over every request.
    var reserved: Int { state.withLock { $0.reserved } }

    /// Reserves what a body of `bytes` more bytes needs, given that its request holds `held` already:
    /// `factor × bytes`, at most what brings the request to the whole budget. Returns the bytes reserved;
    /// throws 503 when they do not fit beside the other requests'.
    func reserve(body bytes: Int, held: Int) throws -> Int {
        let (wanted, overflow) = bytes.multipliedReportingOverflow(by: Self.factor)
        let amount = max(0, min(overflow ? .max : wanted, limit - held))
        let fits = state.withLock { state -> Bool in
            guard amount <= limit - state.reserved else { return false }
            state.reserved += amount
            return true
        }
        guard fits else {
            throw Problem(.serviceUnavailable, "the server is busy: the request bodies in flight hold the memory set aside for them (--max-body-memory, \(limit) bytes); retry shortly",
                          headers: [.retryAfter: "1"])
        }
        return amount
    }

    /// Returns `bytes` reserved by `reserve`.
    func release(_ bytes: Int) {
        guard bytes > 0 else { return }
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.reserved -= bytes
            guard state.reserved == 0 else { return [] }
            defer { state.drained = [] }
            return state.drained
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns once nothing is reserved (at once if nothing is now): tests wait on it after a client
    /// has left mid-body.
    func drained() async {
        await withCheckedContinuation { continuation in
            let now = state.withLock { state -> Bool in
                guard state.reserved > 0 else { return true }
                state.drained.append(continuation)
                return false
            }
            if now { continuation.resume() }
        }
    }
}
