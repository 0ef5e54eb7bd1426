import Synchronization

/// A count that can be awaited: `wait(forAtLeast:)` returns once the count has reached a value. (The
/// recalls in the batcher are counted so, for tests that must act while a recall is in flight.)
final class WaitableCount: Sendable {
    private struct State {
        var value = 0
        var waiters: [(atLeast: Int, continuation: CheckedContinuation<Void, Never>)] = []
    }

    private let state = Mutex(State())

    /// The count now.
    var value: Int { state.withLock { $0.value } }

    /// Adds `delta` (negative to subtract) and returns the count before; wakes the waiters it satisfies.
    @discardableResult
    func add(_ delta: Int) -> Int {
        let (old, ready) = state.withLock { state -> (Int, [CheckedContinuation<Void, Never>]) in
            let old = state.value
            state.value += delta
            let value = state.value
            let ready = state.waiters.filter { $0.atLeast <= value }.map(\.continuation)
            state.waiters.removeAll { $0.atLeast <= value }
            return (old, ready)
        }
        for continuation in ready { continuation.resume() }
        return old
    }

    /// Returns once the count is at least `atLeast` (at once if it is now).
    func wait(forAtLeast atLeast: Int) async {
        await withCheckedContinuation { continuation in
            let now = state.withLock { state -> Bool in
                guard state.value < atLeast else { return true }
                state.waiters.append((atLeast, continuation))
                return false
            }
            if now { continuation.resume() }
        }
    }
}
