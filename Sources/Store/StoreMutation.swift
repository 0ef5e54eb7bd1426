import Core

/// One write to a store, the unit a write-ahead log records: applying the same mutations in the same
/// order to the same configuration gives the same state.
public enum StoreMutation: Sendable, Equatable {
    /// Appends rows (mrdam, with these ids) or sums φ(ξ) into T (drdam, ids empty). Memories [K, D].
    case add(Matrix, ids: [String])
    /// Subtracts φ(ξ) from T (drdam) or removes the rows equal to these vectors (mrdam). Memories [K, D].
    case forget(Matrix)
    /// Removes the row with this id (mrdam).
    case remove(id: String)
}
