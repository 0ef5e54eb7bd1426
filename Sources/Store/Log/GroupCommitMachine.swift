/// The decisions of group commit (`GroupCommit`), as a state machine: events in (a caller waits, a
/// flush succeeds, a flush fails), actions out (answer, start a flush, flush again). It holds no
/// lock, starts no thread and reads no clock; `GroupCommit` is the shell that does. `Waiter` is what
/// the shell resumes (a continuation; anything in tests).
///
/// One flush at a time: it serves every waiter whose sequence number it makes durable; a waiter that
/// arrives while it runs queues for the next flush, which starts as soon as this one ends. Once a
/// flush has failed, every waiter and every later wait fails with it.
package struct GroupCommitMachine<Waiter> {
    /// What to do with a new waiter.
    package enum WaitAction: Equatable {
        /// Its sequence number is durable already: answer it now.
        case resume
        /// A flush has failed (the failure's description): fail it now.
        case fail(String)
        /// It is queued and no flush runs: start one.
        case startFlush
        /// It is queued behind the flush that runs.
        case queued
    }

    /// What to do when a flush ends.
    package struct FlushAction {
        /// Waiters to answer: with success, or with `failure` when it is set.
        package var waiters: [Waiter]
        /// The flush's failure, when it failed.
        package var failure: String?
        /// Whether waiters are left that this flush did not cover: run another flush at once.
        package var flushAgain: Bool
    }

    /// The highest sequence number known durable.
    package private(set) var durable: UInt64
    /// Whether a flush runs now.
    package private(set) var flushing = false
    /// The first flush's failure, after which nothing more is written.
    package private(set) var failure: String?
    private var waiters: [(sequence: UInt64, waiter: Waiter)] = []

    /// A machine whose records up to `durable` are durable already.
    package init(durable: UInt64) {
        self.durable = durable
    }

    /// Callers waiting for a flush.
    package var waiting: Int { waiters.count }

    /// Event: `waiter` wants `sequence` durable.
    package mutating func wait(through sequence: UInt64, _ waiter: Waiter) -> WaitAction {
        if let failure { return .fail(failure) }
        if durable >= sequence { return .resume }
        waiters.append((sequence, waiter))
        if flushing { return .queued }
        flushing = true
        return .startFlush
    }

    /// Event: the flush that ran made every record through `through` durable.
    package mutating func flushed(through: UInt64) -> FlushAction {
        precondition(flushing, "a flush ended that was never started")
        durable = Swift.max(durable, through)
        let ready = waiters.filter { $0.sequence <= durable }.map(\.waiter)
        waiters.removeAll { $0.sequence <= durable }
        flushing = !waiters.isEmpty
        return FlushAction(waiters: ready, failure: nil, flushAgain: flushing)
    }

    /// Event: the flush that ran failed (`failure` describes why); every waiter fails, and so will every later one.
    package mutating func flushFailed(_ failure: String) -> FlushAction {
        precondition(flushing, "a flush ended that was never started")
        self.failure = failure
        let all = waiters.map(\.waiter)
        waiters = []
        flushing = false
        return FlushAction(waiters: all, failure: failure, flushAgain: false)
    }
}
