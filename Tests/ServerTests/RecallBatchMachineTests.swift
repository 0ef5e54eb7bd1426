import Testing
import TestSupport
@testable import Server

/// Dynamic batching's decisions, event by event, on a manual clock: members are names, keys are
/// strings; nothing computes and nothing sleeps.
@Suite struct RecallBatchMachineTests {
    typealias Machine = RecallBatchMachine<String, String, ManualClock>

    static func machine(_ clock: ManualClock, maxBatch: Int = 16) -> Machine {
        Machine(clock: clock, maxBatch: maxBatch, delay: .milliseconds(2))
    }

    /// The first member opens a batch and asks for its deadline; the next one of the same key joins
    /// it; another key opens a batch of its own.
    @Test func aMemberJoinsAnOpenBatch() {
        let clock = ManualClock()
        var machine = Self.machine(clock)
        let a = machine.join(key: "k", rows: 3, member: "a")
        guard case .scheduleDeadline(let batch, let deadline) = a.action else { Issue.record("\(a.action)"); return }
        #expect(deadline == clock.now.advanced(by: .milliseconds(2)))
        clock.advance(by: .milliseconds(1))
        #expect(machine.join(key: "k", rows: 2, member: "b").action == .wait)
        let other = machine.join(key: "other", rows: 1, member: "c").action
        guard case .scheduleDeadline(let otherBatch, _) = other else { Issue.record("\(other)"); return }
        #expect(otherBatch != batch)
        #expect(machine.start(batch).map(\.member) == ["a", "b"])
        #expect(machine.start(otherBatch).map(\.member) == ["c"])
    }

    /// A batch that reaches maxBatch queries is submitted at once, and the next member of its key
    /// opens a new batch; so does a member that would not fit.
    @Test func aBatchFillsAtMaxBatchAndIsSubmittedAtOnce() {
        var machine = Self.machine(ManualClock(), maxBatch: 8)
        guard case .scheduleDeadline(let first, _) = machine.join(key: "k", rows: 5, member: "a").action else { Issue.record(); return }
        // 5 + 4 > 8: b opens a second batch rather than join.
        guard case .scheduleDeadline(let second, _) = machine.join(key: "k", rows: 4, member: "b").action else { Issue.record(); return }
        #expect(second != first)
        #expect(machine.join(key: "k", rows: 4, member: "c").action == .submit(second))
        #expect(machine.deadlinePassed(second) == false, "submitted once")
        guard case .scheduleDeadline = machine.join(key: "k", rows: 1, member: "d").action else { Issue.record("the full batch took a member"); return }
        #expect(machine.start(second).map(\.member) == ["b", "c"])
    }

    /// The deadline submits the batch once the clock reaches it, not before; a submitted batch still
    /// takes members until a compute thread starts it, and none after.
    @Test func theDeadlineSubmitsTheBatch() {
        let clock = ManualClock()
        var machine = Self.machine(clock)
        guard case .scheduleDeadline(let batch, _) = machine.join(key: "k", rows: 1, member: "a").action else { Issue.record(); return }
        clock.advance(by: .microseconds(1999))
        #expect(machine.deadlinePassed(batch) == false, "a timer that fires early submits nothing")
        clock.advance(by: .microseconds(1))
        #expect(machine.deadlinePassed(batch) == true)
        #expect(machine.deadlinePassed(batch) == false, "submitted once")
        #expect(machine.join(key: "k", rows: 1, member: "b").action == .wait)
        clock.advance(by: .milliseconds(5))
        let started = machine.start(batch)
        #expect(started.map(\.member) == ["a", "b"])
        #expect(started.map(\.waited) == [.milliseconds(7), .milliseconds(5)])
        guard case .scheduleDeadline = machine.join(key: "k", rows: 1, member: "c").action else { Issue.record("a running batch took a member"); return }
        #expect(machine.end(batch).map(\.member) == ["a", "b"])
    }

    /// A member that leaves is handed back at once and left out of its batch (its queries no longer
    /// count); leaving again, or after it was answered, gives nothing.
    @Test func aCancelledMemberIsAnsweredAtOnceAndLeftOut() {
        var machine = Self.machine(ManualClock(), maxBatch: 4)
        let a = machine.join(key: "k", rows: 2, member: "a")
        guard case .scheduleDeadline(let batch, _) = a.action else { Issue.record(); return }
        _ = machine.join(key: "k", rows: 1, member: "b")
        #expect(machine.leave(a.id) == "a")
        #expect(machine.leave(a.id) == nil)
        // Room for a's two rows again: c fills the batch with b.
        #expect(machine.join(key: "k", rows: 3, member: "c").action == .submit(batch))
        #expect(machine.start(batch).map(\.member) == ["b", "c"])
        #expect(machine.end(batch).map(\.member) == ["b", "c"])
        #expect(machine.memberCount == 0 && machine.batchCount == 0)
    }

    /// A member that leaves while its batch runs is answered at once; the end of the batch answers
    /// only the others.
    @Test func aMemberLeavingARunningBatchIsNotAnsweredTwice() {
        let clock = ManualClock()
        var machine = Self.machine(clock)
        let a = machine.join(key: "k", rows: 1, member: "a")
        guard case .scheduleDeadline(let batch, _) = a.action else { Issue.record(); return }
        _ = machine.join(key: "k", rows: 1, member: "b")
        clock.advance(by: .milliseconds(2))
        #expect(machine.deadlinePassed(batch) == true)
        #expect(machine.start(batch).count == 2)
        #expect(machine.leave(a.id) == "a")
        #expect(machine.end(batch).map(\.member) == ["b"])
    }

    /// An open batch whose members all leave is dropped: its deadline submits nothing. One submitted
    /// before they left starts with no one, and so never runs.
    @Test func anEmptyBatchNeverRuns() {
        let clock = ManualClock()
        var machine = Self.machine(clock)
        let a = machine.join(key: "k", rows: 1, member: "a")
        guard case .scheduleDeadline(let dropped, _) = a.action else { Issue.record(); return }
        #expect(machine.leave(a.id) == "a")
        clock.advance(by: .milliseconds(2))
        #expect(machine.deadlinePassed(dropped) == false)
        #expect(machine.start(dropped).isEmpty)
        let b = machine.join(key: "k", rows: 1, member: "b")
        guard case .scheduleDeadline(let submitted, _) = b.action else { Issue.record(); return }
        clock.advance(by: .milliseconds(2))
        #expect(machine.deadlinePassed(submitted) == true)
        #expect(machine.leave(b.id) == "b")
        #expect(machine.start(submitted).isEmpty)
        #expect(machine.end(submitted).isEmpty)
        #expect(machine.memberCount == 0 && machine.batchCount == 0)
    }

    /// A batch the compute pool refuses ends with every member still there handed back to be answered.
    @Test func aRefusedBatchAnswersItsMembers() {
        var machine = Self.machine(ManualClock(), maxBatch: 2)
        guard case .scheduleDeadline(let batch, _) = machine.join(key: "k", rows: 1, member: "a").action else { Issue.record(); return }
        #expect(machine.join(key: "k", rows: 1, member: "b").action == .submit(batch))
        #expect(machine.end(batch).map(\.member) == ["a", "b"])
        #expect(machine.memberCount == 0 && machine.batchCount == 0)
    }
}
