import Testing
@testable import Store

/// Group commit's decisions, event by event (waiters are plain numbers): no thread, no flush, no time.
@Suite struct GroupCommitMachineTests {
    typealias Machine = GroupCommitMachine<Int>

    /// A wait for a sequence number already durable is answered at once, and starts no flush.
    @Test func aDurableSequenceIsAnsweredAtOnce() {
        var machine = Machine(durable: 5)
        #expect(machine.wait(through: 5, 1) == .resume)
        #expect(machine.wait(through: 0, 2) == .resume)
        #expect(!machine.flushing && machine.waiting == 0)
    }

    /// The first waiter starts a flush; those that come while it runs queue for the next one, which
    /// the end of the first starts at once; it answers them all together.
    @Test func waitsDuringAFlushQueueForTheNext() {
        var machine = Machine(durable: 0)
        #expect(machine.wait(through: 1, 1) == .startFlush)
        for waiter in 2...16 { #expect(machine.wait(through: UInt64(waiter), waiter) == .queued) }
        // The first flush covered record 1 only (the others were appended after it started).
        let first = machine.flushed(through: 1)
        #expect(first.waiters == [1] && first.failure == nil && first.flushAgain)
        #expect(machine.flushing && machine.waiting == 15)
        let second = machine.flushed(through: 16)
        #expect(second.waiters == Array(2...16) && !second.flushAgain)
        #expect(!machine.flushing && machine.waiting == 0 && machine.durable == 16)
        // Idle again: the next waiter starts a flush of its own.
        #expect(machine.wait(through: 17, 17) == .startFlush)
    }

    /// A flush answers only the waiters it made durable, and never lowers what is durable.
    @Test func aFlushAnswersOnlyWhatItMadeDurable() {
        var machine = Machine(durable: 10)
        #expect(machine.wait(through: 12, 1) == .startFlush)
        #expect(machine.wait(through: 14, 2) == .queued)
        #expect(machine.wait(through: 13, 3) == .queued)
        let action = machine.flushed(through: 13)
        #expect(action.waiters == [1, 3] && action.flushAgain)
        #expect(machine.flushed(through: 11).waiters.isEmpty, "a stale answer keeps durable at 13")
        #expect(machine.durable == 13 && machine.waiting == 1)
    }

    /// A failed flush fails every waiter, and every later wait, even of a sequence number made durable before.
    @Test func aFailedFlushFailsEveryWaiterAndEveryLaterWait() {
        var machine = Machine(durable: 3)
        #expect(machine.wait(through: 4, 1) == .startFlush)
        #expect(machine.wait(through: 5, 2) == .queued)
        let action = machine.flushFailed("EIO")
        #expect(action.waiters == [1, 2] && action.failure == "EIO" && !action.flushAgain)
        #expect(!machine.flushing && machine.waiting == 0)
        #expect(machine.wait(through: 6, 3) == .fail("EIO"))
        #expect(machine.wait(through: 2, 4) == .fail("EIO"), "nothing is acknowledged after a failure")
    }
}

