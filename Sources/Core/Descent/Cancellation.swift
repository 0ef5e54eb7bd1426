import Synchronization

/// A flag a running descent checks before every step: once set (the client went away, a deadline
/// passed), the descent stops within one step and throws `Cancellation.Stopped`. Others can ask to be
/// told (`whenCancelled`), e.g. a request waiting in a batch.
package final class Cancellation: Sendable {
    private struct Flag {
        var reason: String?
        var handlers: [@Sendable (String) -> Void] = []
    }
    private let flag = Mutex(Flag())

    package init() {}

    /// Asks the descent to stop; the first reason given is kept, and the handlers run once, here.
    package func cancel(_ why: String) {
        let handlers = flag.withLock { flag -> [@Sendable (String) -> Void] in
            guard flag.reason == nil else { return [] }
            flag.reason = why
            defer { flag.handlers = [] }
            return flag.handlers
        }
        for handler in handlers { handler(why) }
    }

    /// Why it was cancelled, or nil while it is not.
    package var why: String? { flag.withLock { $0.reason } }

    /// Throws `Stopped` (no steps) once cancelled: for work that checks between pieces, such as parsing
    /// a request's body.
    package func check() throws {
        if let why { throw Stopped(reason: why, steps: nil) }
    }

    /// Calls `handler` with the reason once this is cancelled (at once if it already is).
    package func whenCancelled(_ handler: @escaping @Sendable (String) -> Void) {
        let already = flag.withLock { flag -> String? in
            if flag.reason == nil { flag.handlers.append(handler) }
            return flag.reason
        }
        if let already { handler(already) }
    }

    /// Thrown by a descent that was cancelled.
    package struct Stopped: Error, CustomStringConvertible {
        /// Why it was cancelled.
        package let reason: String
        /// The steps it had taken (nil: it was waiting to start).
        package let steps: Int?

        package init(reason: String, steps: Int?) {
            self.reason = reason
            self.steps = steps
        }

        package var description: String {
            steps.map { "the recall stopped after \($0) steps: \(reason)" } ?? "the recall stopped before it started: \(reason)"
        }
    }
}
