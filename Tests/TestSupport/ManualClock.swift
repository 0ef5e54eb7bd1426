import Synchronization

/// A clock that moves only when the test moves it (`advance(by:)`), for driving state machines and
/// their timers (as Hummingbird's `MockClock` drives its connection state machine): a sleep on it
/// returns when the test advances the clock to its deadline, never on its own.
package final class ManualClock: Clock, Sendable {
    /// A point on the manual clock: the time advanced since it started.
    package struct Instant: InstantProtocol {
        package let offset: Duration

        package init(_ offset: Duration) { self.offset = offset }

        package func advanced(by duration: Duration) -> Instant { Instant(offset + duration) }
        package func duration(to other: Instant) -> Duration { other.offset - offset }
        package static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.offset < rhs.offset }
    }

    private struct State {
        var now = Instant(.zero)
        var sleepers: [(deadline: Instant, continuation: CheckedContinuation<Void, Never>)] = []
    }

    private let state = Mutex(State())

    package init() {}

    package var now: Instant { state.withLock { $0.now } }
    package var minimumResolution: Duration { .nanoseconds(1) }

    /// Moves the clock forward by `duration`, waking the sleeps whose deadline it reaches.
    package func advance(by duration: Duration) {
        let woken = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.now = state.now.advanced(by: duration)
            let now = state.now
            defer { state.sleepers.removeAll { $0.deadline <= now } }
            return state.sleepers.filter { $0.deadline <= now }.map(\.continuation)
        }
        for continuation in woken { continuation.resume() }
    }

    /// Returns once the test has advanced the clock to `deadline` (at once if it has).
    package func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        await withCheckedContinuation { continuation in
            let due = state.withLock { state -> Bool in
                guard state.now < deadline else { return true }
                state.sleepers.append((deadline, continuation))
                return false
            }
            if due { continuation.resume() }
        }
    }
}
