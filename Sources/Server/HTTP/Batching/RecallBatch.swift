import Core
import Store

/// Recall requests merged into one descent: same store version, depth and α; each request keeps its
/// own queries [Bᵢ, D], clamp and tolerance. The batches themselves are `RecallBatchMachine`'s.
enum RecallBatch {
    /// What requests must share to be merged.
    struct Key: Hashable {
        let store: ObjectIdentifier
        let version: UInt64
        let depth: Int
        let alpha: UInt32
    }

    /// One request waiting in a batch, answered exactly once through `continuation`.
    struct Member: Sendable {
        let queries: Matrix
        let clamp: ClampMask
        /// The version it recalls from (the same for every member of a batch, as is `parameters`' α and depth).
        let state: StoreState
        let parameters: DescentParameters
        let cancellation: Cancellation
        let continuation: CheckedContinuation<RecallOutcome, any Error>
    }

    /// The members' queries stacked [Σ Bᵢ, D], their clamps as one mask and their tolerances [Σ Bᵢ].
    static func merged(_ members: [Member], dim: Int) -> (queries: Matrix, clamp: ClampMask, tolerances: [Float]) {
        let rows = members.reduce(0) { $0 + $1.queries.rows }
        var values = [Float](), tolerances = [Float]()
        values.reserveCapacity(rows * dim)
        tolerances.reserveCapacity(rows)
        for member in members {
            values.append(contentsOf: member.queries.values)
            tolerances.append(contentsOf: repeatElement(member.parameters.tolerance, count: member.queries.rows))
        }
        let clamp: ClampMask = members.allSatisfy { $0.clamp == .none }
            ? .none : .perQuery(members.flatMap { $0.clamp.perQueryRows(batch: $0.queries.rows, dim: dim) })
        return (Matrix(rows: rows, cols: dim, values: values), clamp, tolerances)
    }
}
