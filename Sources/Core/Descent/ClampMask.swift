/// Which entries of the state are held fixed during descent (true = clamped: the entry never changes,
/// bit for bit).
package enum ClampMask: Sendable, Equatable {
    /// Every entry moves.
    case none
    /// One mask [D] for every query of the batch.
    case shared([Bool])
    /// One mask per query, [B, D] row-major.
    case perQuery([Bool])

    /// Checks the mask's length against a batch of `batch` queries of dimension `dim`.
    func validate(batch: Int, dim: Int) throws {
        switch self {
        case .none: return
        case .shared(let mask):
            guard mask.count == dim else { throw CoreError.shape("the clamp mask has \(mask.count) entries, the queries have dimension \(dim)") }
        case .perQuery(let mask):
            guard mask.count == batch * dim else {
                throw CoreError.shape("the per-query clamp masks have \(mask.count) entries, expected \(batch) × \(dim) = \(batch * dim)")
            }
        }
    }

    /// Whether entry `j` of query `b` is clamped.
    func isClamped(query b: Int, entry j: Int, dim: Int) -> Bool {
        switch self {
        case .none: false
        case .shared(let mask): mask[j]
        case .perQuery(let mask): mask[b * dim + j]
        }
    }

    /// The mask of each of `batch` queries of dimension `dim`, [batch, D] row-major (for merging the
    /// masks of several batches into one `.perQuery`). The mask must fit (`validate`).
    package func perQueryRows(batch: Int, dim: Int) -> [Bool] {
        switch self {
        case .none: [Bool](repeating: false, count: batch * dim)
        case .shared(let mask): [[Bool]](repeating: mask, count: batch).flatMap { $0 }
        case .perQuery(let mask): mask
        }
    }
}
