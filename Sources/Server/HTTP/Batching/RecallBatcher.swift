import Core
import Metrics
import Store
import Synchronization

/// Dynamic batching of recalls (Triton's idea). A recall of a few queries waits up to `delay` for
/// others to the same store version with the same depth and α, then they descend together as one
/// batch of at most `maxBatch` queries, so that 16 waiting one-query requests cost one pass over
/// the memories instead of 16 (the small-batch loops read them once per 16 queries; a batch of 32,
/// twice). Each request gets exactly the results it would have got alone: the
/// products of batches up to `RowProducts.smallBatchLimit` queries do not depend on the rows beside
/// them, and clamps and tolerances stay per query. A recall that arrives while no other is in the
/// server runs at once: no one is there to join it, and a lone client should not pay the delay on
/// every request. A batch keeps taking members until a compute
/// thread starts it; it runs as one unit of the compute pool (whose bounded queue answers 503 with
/// Retry-After). A member whose client goes away or whose timeout passes is answered at once and
/// left out; the batch stops only when all its members have gone. The decisions are
/// `RecallBatchMachine`'s; this shell holds it under a lock, runs its timers and batches as tasks and
/// answers the requests.
final class RecallBatcher<C: Clock & Sendable>: Sendable where C.Duration == Duration {
    private typealias Machine = RecallBatchMachine<RecallBatch.Key, RecallBatch.Member, C>
    let pool: ComputePool
    /// The most queries in one batch (at most `RowProducts.smallBatchLimit`).
    let maxBatch: Int
    /// How long a batch waits for more members; zero turns batching off.
    let delay: Duration
    /// The threads one batch's products may use.
    let threads: Int
    /// What the batches' delays are measured and slept on.
    private let clock: C
    private let machine: Mutex<Machine>
    /// Recalls in the batcher, waiting or computing (tests wait on it to act while recalls are in flight).
    let inFlight = WaitableCount()
    /// Requests that have joined a batch so far (tests wait on it to act once requests are waiting).
    let joined = WaitableCount()
    /// Batches not yet over and requests not yet answered (for tests: both zero once every recall has returned).
    var pending: (batches: Int, members: Int) { machine.withLock { ($0.batchCount, $0.memberCount) } }
    private let batchQueries: Recorder
    private let batchRequests: Recorder
    private let wait: Metrics.Timer

    /// A batcher on `pool` whose batches wait `delay` on `clock` (the continuous clock in the server,
    /// a manual one in tests).
    init(pool: ComputePool, maxBatch: Int, delay: Duration, threads: Int = 1, clock: C, metrics: ServerMetrics) {
        self.pool = pool
        self.threads = threads
        self.maxBatch = max(1, min(maxBatch, RowProducts.smallBatchLimit))
        self.delay = delay
        self.clock = clock
        machine = Mutex(Machine(clock: clock, maxBatch: self.maxBatch, delay: delay))
        batchQueries = metrics.recorder("engram_recall_batch_queries")
        batchRequests = metrics.recorder("engram_recall_batch_requests")
        wait = metrics.timer("engram_recall_batch_wait_seconds")
    }

    /// Recalls `queries` [B, D] from `state` (a version of `store`), batched with others when it can
    /// be. Throws `Cancellation.Stopped` once `cancellation` fires, and the pool's 503 when it is full.
    func recall(store: MemoryStore, state: StoreState, queries: Matrix, parameters: DescentParameters, clamp: ClampMask,
                cancellation: Cancellation) async throws -> RecallOutcome {
        let others = inFlight.add(1)
        defer { inFlight.add(-1) }
        guard delay > .zero, queries.rows < maxBatch, others > 0 else {
            batchQueries.record(queries.rows)
            batchRequests.record(1)
            return try await pool.run { [threads] in try state.recall(queries: queries, parameters: parameters, clamp: clamp, threads: threads, cancellation: cancellation) }
        }
        // A full pool refuses at once, as it would a recall that came alone.
        try pool.checkRoom()
        let key = RecallBatch.Key(store: ObjectIdentifier(store), version: state.version, depth: parameters.depth, alpha: parameters.alpha.bitPattern)
        return try await withCheckedThrowingContinuation { continuation in
            let member = RecallBatch.Member(queries: queries, clamp: clamp, state: state, parameters: parameters, cancellation: cancellation, continuation: continuation)
            let (id, action) = machine.withLock { $0.join(key: key, rows: queries.rows, member: member) }
            joined.add(1)
            cancellation.whenCancelled { [self] why in
                machine.withLock { $0.leave(id) }?.continuation.resume(throwing: Cancellation.Stopped(reason: why, steps: nil))
            }
            switch action {
            case .wait: break
            case .submit(let batch): submit(batch)
            case .scheduleDeadline(let batch, let deadline):
                Task { [self] in
                    try? await clock.sleep(until: deadline, tolerance: nil)
                    if machine.withLock({ $0.deadlinePassed(batch) }) { submit(batch) }
                }
            }
        }
    }

    /// Hands `batch` to the compute pool; when the pool refuses it, its members get the refusal.
    private func submit(_ batch: Machine.BatchID) {
        Task { [self] in
            do {
                try await pool.run { [self] in run(batch) }
            } catch {
                for (_, member) in machine.withLock({ $0.end(batch) }) { member.continuation.resume(throwing: error) }
            }
        }
    }

    /// On a compute thread: starts the batch, descends for the members still waiting, and answers each.
    private func run(_ batch: Machine.BatchID) {
        let started = machine.withLock { $0.start(batch) }
        guard let first = started.first?.member else { return }
        for member in started { wait.recordNanoseconds(Self.nanoseconds(member.waited)) }
        let members = started.map(\.member)
        let (queries, clamp, tolerances) = RecallBatch.merged(members, dim: first.state.configuration.dim)
        batchQueries.record(queries.rows)
        batchRequests.record(members.count)
        // The batch stops early only once every member has gone.
        let everyoneGone = Cancellation(), remaining = Atomic(members.count)
        for member in members {
            member.cancellation.whenCancelled { why in
                if remaining.subtract(1, ordering: .relaxed).newValue == 0 { everyoneGone.cancel(why) }
            }
        }
        let outcome = Result {
            try first.state.recall(queries: queries, parameters: first.parameters, clamp: clamp, tolerances: tolerances, threads: threads, cancellation: everyoneGone)
        }
        var rows: [Machine.MemberID: Range<Int>] = [:], row = 0
        for member in started {
            rows[member.id] = row..<(row + member.member.queries.rows)
            row += member.member.queries.rows
        }
        for (id, member) in machine.withLock({ $0.end(batch) }) {
            member.continuation.resume(with: outcome.map { $0.queries(rows[id]!) })
        }
    }

    private static func nanoseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000
    }
}
