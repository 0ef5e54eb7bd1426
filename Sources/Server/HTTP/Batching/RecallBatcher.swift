import Core
import Metrics
import Store
import Synchronization

/// Dynamic batching of recalls (Triton's idea). A recall of a few queries waits up to `delay` for
/// others to the same store version with the same depth and α, then they descend together as one
/// batch of at most `maxBatch` queries, so that 16 waiting one-query requests cost one pass over
/// the memories instead of 16. Each request gets exactly the results it would have got alone: the
/// products of batches up to `RowProducts.smallBatchLimit` queries do not depend on the rows beside
/// them, and clamps and tolerances stay per query. A recall that arrives while no other is in the
/// server runs at once: no one is there to join it, and a lone client should not pay the delay on
/// every request. A batch keeps taking members until a compute
/// thread starts it; it runs as one unit of the compute pool (whose bounded queue answers 503 with
/// Retry-After). A member whose client goes away or whose timeout passes is answered at once and
/// left out; the batch stops only when all its members have gone.
final class RecallBatcher: Sendable {
    let pool: ComputePool
    /// The most queries in one batch (at most `RowProducts.smallBatchLimit`).
    let maxBatch: Int
    /// How long a batch waits for more members; zero turns batching off.
    let delay: Duration
    /// The threads one batch's products may use.
    let threads: Int
    private let open = Mutex<[RecallBatch.Key: RecallBatch]>([:])
    /// Recalls in the batcher, waiting or computing.
    private let inFlight = Atomic(0)

    /// How many recalls are in the batcher now, waiting or computing.
    var recallsInFlight: Int { inFlight.load(ordering: .relaxed) }
    private let batchQueries: Recorder
    private let batchRequests: Recorder
    private let wait: Metrics.Timer

    init(pool: ComputePool, maxBatch: Int, delay: Duration, threads: Int = 1, metrics: ServerMetrics) {
        self.pool = pool
        self.threads = threads
        self.maxBatch = max(1, min(maxBatch, RowProducts.smallBatchLimit))
        self.delay = delay
        batchQueries = metrics.recorder("engram_recall_batch_queries")
        batchRequests = metrics.recorder("engram_recall_batch_requests")
        wait = metrics.timer("engram_recall_batch_wait_seconds")
    }

    /// Recalls `queries` [B, D] from `state` (a version of `store`), batched with others when it can
    /// be. Throws `Cancellation.Stopped` once `cancellation` fires, and the pool's 503 when it is full.
    func recall(store: MemoryStore, state: StoreState, queries: Matrix, parameters: DescentParameters, clamp: ClampMask,
                cancellation: Cancellation) async throws -> RecallOutcome {
        let others = inFlight.add(1, ordering: .relaxed).oldValue
        defer { inFlight.subtract(1, ordering: .relaxed) }
        guard delay > .zero, queries.rows < maxBatch, others > 0 else {
            batchQueries.record(queries.rows)
            batchRequests.record(1)
            return try await pool.run { [threads] in try state.recall(queries: queries, parameters: parameters, clamp: clamp, threads: threads, cancellation: cancellation) }
        }
        // A full pool refuses at once, as it would a recall that came alone.
        try pool.checkRoom()
        let key = RecallBatch.Key(store: ObjectIdentifier(store), version: state.version, depth: parameters.depth, alpha: parameters.alpha.bitPattern)
        return try await withCheckedThrowingContinuation { continuation in
            let member = RecallBatch.Member(queries: queries, clamp: clamp, tolerance: parameters.tolerance, cancellation: cancellation, continuation: continuation)
            let (batch, isNew, isFull) = open.withLock { open -> (RecallBatch, Bool, Bool) in
                var isNew = false
                let batch: RecallBatch
                if let current = open[key], !current.sealed, current.rows + queries.rows <= maxBatch {
                    batch = current
                } else {
                    batch = RecallBatch(key: key, state: state, parameters: parameters)
                    open[key] = batch
                    isNew = true
                }
                batch.members.append(member)
                batch.rows += queries.rows
                let isFull = batch.rows == maxBatch
                if isFull { open[key] = nil }
                return (batch, isNew, isFull)
            }
            cancellation.whenCancelled { [self] why in finish(member, with: .failure(Cancellation.Stopped(reason: why, steps: nil))) }
            if isFull {
                submit(batch)
            } else if isNew {
                Task { [self] in
                    try? await Task.sleep(for: delay)
                    submit(batch)
                }
            }
        }
    }

    /// Hands `batch` to the compute pool once.
    private func submit(_ batch: RecallBatch) {
        let first = open.withLock { _ -> Bool in
            defer { batch.submitted = true }
            return !batch.submitted
        }
        guard first else { return }
        Task { [self] in
            do {
                try await pool.run { [self] in try run(batch) }
            } catch {
                let members = open.withLock { open -> [RecallBatch.Member] in
                    batch.sealed = true
                    if open[batch.key] === batch { open[batch.key] = nil }
                    return batch.members
                }
                for member in members { finish(member, with: .failure(error)) }
            }
        }
    }

    /// On a compute thread: seals the batch, descends for the members still waiting, and answers each.
    private func run(_ batch: RecallBatch) throws {
        let members = open.withLock { open -> [RecallBatch.Member] in
            batch.sealed = true
            if open[batch.key] === batch { open[batch.key] = nil }
            return batch.members.filter { !$0.finished }
        }
        guard !members.isEmpty else { return }
        let started = ContinuousClock.now
        for member in members { wait.recordNanoseconds(Self.nanoseconds(started - member.joined)) }
        let (queries, clamp, tolerances) = RecallBatch.merged(members, dim: batch.state.configuration.dim)
        batchQueries.record(queries.rows)
        batchRequests.record(members.count)
        // The batch stops early only once every member has gone.
        let everyoneGone = Cancellation(), remaining = Atomic(members.count)
        for member in members {
            member.cancellation.whenCancelled { why in
                if remaining.subtract(1, ordering: .relaxed).newValue == 0 { everyoneGone.cancel(why) }
            }
        }
        let outcome: RecallOutcome
        do {
            outcome = try batch.state.recall(queries: queries, parameters: batch.parameters, clamp: clamp, tolerances: tolerances, threads: threads, cancellation: everyoneGone)
        } catch {
            for member in members { finish(member, with: .failure(error)) }
            return
        }
        var first = 0
        for member in members {
            let range = first..<(first + member.queries.rows)
            first = range.upperBound
            finish(member, with: .success(outcome.queries(range)))
        }
    }

    /// Answers `member` unless it has been answered already.
    private func finish(_ member: RecallBatch.Member, with result: Result<RecallOutcome, any Error>) {
        let first = open.withLock { _ -> Bool in
            defer { member.finished = true }
            return !member.finished
        }
        if first { member.continuation.resume(with: result) }
    }

    private static func nanoseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000
    }
}
