/// The decisions of dynamic batching (`RecallBatcher`), as a state machine: events in (a request
/// joins, a batch's deadline passes, a compute thread starts a batch, a request leaves, a batch ends),
/// actions out (schedule a deadline, submit a batch, answer these members). It holds no lock, starts
/// no task and has no time source of its own: it reads the injected `clock` (a `ContinuousClock` in
/// the server, a manual one in tests). `Key` is what members must share to be merged; `Member` is what
/// the shell answers (a request and its continuation; anything in tests).
///
/// A batch is open from its first member until a compute thread starts it: members join it while
/// their queries fit in `maxBatch` (a member that does not fit opens the next batch for its key). It
/// is submitted once: when it fills up, or when `delay` has passed since it opened. A member that
/// leaves (its client went away, its timeout passed) is answered at once and left out; a batch whose
/// members have all left never runs.
struct RecallBatchMachine<Key: Hashable, Member, C: Clock> where C.Duration == Duration {
    /// Names a batch, for the shell's timer and compute task.
    typealias BatchID = Int
    /// Names a member, for its leaving.
    typealias MemberID = Int

    /// What to do after a member joined.
    enum JoinAction: Equatable {
        /// Nothing: it joined a batch that is waiting (or submitted already).
        case wait
        /// It opened batch `BatchID`: call `deadlinePassed` once the clock reaches the instant.
        case scheduleDeadline(BatchID, C.Instant)
        /// It filled batch `BatchID`: hand it to the compute pool now.
        case submit(BatchID)
    }

    /// A member of a batch that starts, in the order its queries are stacked, and how long it waited.
    struct Started {
        let id: MemberID
        let member: Member
        let waited: Duration
    }

    private enum Phase { case open, submitted, running }

    private struct Batch {
        let key: Key
        let deadline: C.Instant
        var phase = Phase.open
        /// Queries of the members not gone (while it is not running).
        var rows = 0
        /// In the order they joined.
        var members: [MemberID] = []
    }

    private struct Entry {
        let batch: BatchID
        let rows: Int
        let joined: C.Instant
        let member: Member
    }

    /// The time source: deadlines and waits are measured on it.
    let clock: C
    /// The most queries in one batch.
    let maxBatch: Int
    /// How long a batch waits for members before it is submitted.
    let delay: Duration
    /// The batch each key's next member joins.
    private var open: [Key: BatchID] = [:]
    private var batches: [BatchID: Batch] = [:]
    /// The members not yet answered.
    private var members: [MemberID: Entry] = [:]
    private var nextID = 0

    init(clock: C, maxBatch: Int, delay: Duration) {
        self.clock = clock
        self.maxBatch = maxBatch
        self.delay = delay
    }

    /// Batches not yet ended (open, submitted or running).
    var batchCount: Int { batches.count }
    /// Members not yet answered.
    var memberCount: Int { members.count }

    /// Event: `member`, with `rows` queries (1 ≤ rows ≤ `maxBatch`), asks to be merged with others of `key`.
    mutating func join(key: Key, rows: Int, member: Member) -> (id: MemberID, action: JoinAction) {
        precondition(rows >= 1 && rows <= maxBatch, "a member has 1…maxBatch queries")
        let memberID = take()
        var batchID: BatchID
        var action = JoinAction.wait
        if let current = open[key], let batch = batches[current], batch.rows + rows <= maxBatch {
            batchID = current
        } else {
            batchID = take()
            let deadline = clock.now.advanced(by: delay)
            batches[batchID] = Batch(key: key, deadline: deadline)
            open[key] = batchID
            action = .scheduleDeadline(batchID, deadline)
        }
        members[memberID] = Entry(batch: batchID, rows: rows, joined: clock.now, member: member)
        batches[batchID]!.members.append(memberID)
        batches[batchID]!.rows += rows
        if batches[batchID]!.rows == maxBatch {
            open[key] = nil
            if batches[batchID]!.phase == .open {
                batches[batchID]!.phase = .submitted
                action = .submit(batchID)
            }
        }
        return (memberID, action)
    }

    /// Event: the timer of batch `id` fired. True: submit it now (it is open and the clock has reached
    /// its deadline); false: nothing to do (it was submitted already, or all its members left).
    mutating func deadlinePassed(_ id: BatchID) -> Bool {
        guard let batch = batches[id], batch.phase == .open, clock.now >= batch.deadline else { return false }
        batches[id]!.phase = .submitted
        return true
    }

    /// Event: a compute thread starts batch `id`; no one joins it any more. Returns its members (none:
    /// everyone left, and it must not run).
    mutating func start(_ id: BatchID) -> [Started] {
        guard let batch = batches[id], batch.phase != .running else { return [] }
        if open[batch.key] == id { open[batch.key] = nil }
        guard !batch.members.isEmpty else {
            batches[id] = nil
            return []
        }
        batches[id]!.phase = .running
        let now = clock.now
        return batch.members.map { id in
            let entry = members[id]!
            return Started(id: id, member: entry.member, waited: entry.joined.duration(to: now))
        }
    }

    /// Event: member `id` leaves. Returns it to be answered at once, or nil when it was answered already.
    /// A batch not yet running leaves it out; an open batch left empty is dropped.
    mutating func leave(_ id: MemberID) -> Member? {
        guard let entry = members.removeValue(forKey: id) else { return nil }
        guard var batch = batches[entry.batch], batch.phase != .running else { return entry.member }
        batch.members.removeAll { $0 == id }
        batch.rows -= entry.rows
        if batch.members.isEmpty && batch.phase == .open {
            batches[entry.batch] = nil
            if open[batch.key] == entry.batch { open[batch.key] = nil }
        } else {
            batches[entry.batch] = batch
        }
        return entry.member
    }

    /// Event: batch `id` is over (it ran, or the pool refused it). Returns the members still to be
    /// answered, in their order in the batch.
    mutating func end(_ id: BatchID) -> [(id: MemberID, member: Member)] {
        guard let batch = batches.removeValue(forKey: id) else { return [] }
        if open[batch.key] == id { open[batch.key] = nil }
        return batch.members.compactMap { id in members.removeValue(forKey: id).map { (id, $0.member) } }
    }

    private mutating func take() -> Int {
        defer { nextID += 1 }
        return nextID
    }
}
