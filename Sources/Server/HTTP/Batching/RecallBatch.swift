import Core
import Store

/// Recall requests merged into one descent: same store version, depth and α; each request keeps its
/// own queries [Bᵢ, D], clamp and tolerance. Its mutable fields are guarded by the `RecallBatcher`'s lock.
final class RecallBatch: @unchecked Sendable {
    /// What requests must share to be merged.
    struct Key: Hashable {
        let store: ObjectIdentifier
        let version: UInt64
        let depth: Int
        let alpha: UInt32
    }

    /// One request waiting in the batch.
    final class Member: @unchecked Sendable {
        let queries: Matrix
        let clamp: ClampMask
        let tolerance: Float
        let cancellation: Cancellation
        let joined = ContinuousClock.now
        /// Resumed exactly once (guarded by the batcher's lock through `finished`).
        let continuation: CheckedContinuation<RecallOutcome, any Error>
        var finished = false

        init(queries: Matrix, clamp: ClampMask, tolerance: Float, cancellation: Cancellation, continuation: CheckedContinuation<RecallOutcome, any Error>) {
            self.queries = queries
            self.clamp = clamp
            self.tolerance = tolerance
            self.cancellation = cancellation
            self.continuation = continuation
        }
    }

    let key: Key
    /// The version every member recalls from.
    let state: StoreState
    /// α and depth (each member's tolerance is its own).
    let parameters: DescentParameters
    var members: [Member] = []
    /// Queries of all members.
    var rows = 0
    /// Handed to the compute pool (by its timer, or because it filled up).
    var submitted = false
    /// Started computing: no one joins any more.
    var sealed = false

    init(key: Key, state: StoreState, parameters: DescentParameters) {
        self.key = key
        self.state = state
        self.parameters = parameters
    }

    /// The members' queries stacked [Σ Bᵢ, D], their clamps as one mask and their tolerances [Σ Bᵢ].
    static func merged(_ members: [Member], dim: Int) -> (queries: Matrix, clamp: ClampMask, tolerances: [Float]) {
        let rows = members.reduce(0) { $0 + $1.queries.rows }
        var values = [Float](), tolerances = [Float]()
        values.reserveCapacity(rows * dim)
        tolerances.reserveCapacity(rows)
        for member in members {
            values.append(contentsOf: member.queries.values)
            tolerances.append(contentsOf: repeatElement(member.tolerance, count: member.queries.rows))
        }
        let clamp: ClampMask = members.allSatisfy { $0.clamp == .none }
            ? .none : .perQuery(members.flatMap { $0.clamp.perQueryRows(batch: $0.queries.rows, dim: dim) })
        return (Matrix(rows: rows, cols: dim, values: values), clamp, tolerances)
    }
}
