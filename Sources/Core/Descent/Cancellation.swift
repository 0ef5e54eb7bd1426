import Synchronization

/// A flag a running descent checks before every step: once set (the client went away, a deadline
/// passed), the descent stops within one step and throws `Cancellation.Stopped`.
public final class Cancellation: Sendable {
    private let reason = Mutex<String?>(nil)

    public init() {}

    /// Asks the descent to stop; the first reason given is kept.
    public func cancel(_ why: String) {
        reason.withLock { if $0 == nil { $0 = why } }
    }

    /// Why it was cancelled, or nil while it is not.
    public var why: String? { reason.withLock { $0 } }

    /// Thrown by a descent that was cancelled.
    public struct Stopped: Error, CustomStringConvertible {
        /// Why it was cancelled.
        public let reason: String
        /// The steps it had taken.
        public let steps: Int
        public var description: String { "the recall stopped after \(steps) steps: \(reason)" }
    }
}
