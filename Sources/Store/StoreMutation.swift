import Core

/// One write to a store, the unit the write-ahead log records: applying the same mutations in the
/// same order to the same configuration gives the same state, bit for bit.
package enum StoreMutation: Sendable, Equatable {
    /// Appends rows Ξ [K, D] with these ids (mrdam), after which the id counter is `nextID`; or sums
    /// φ(ξ) into T (drdam: ids empty, `nextID` unused).
    case add(Matrix, ids: [String], nextID: UInt64)
    /// Subtracts φ(ξ) from T (drdam) or removes the rows equal to these vectors (mrdam). Memories [K, D].
    case forget(Matrix)
    /// Removes the row with this id (mrdam).
    case remove(id: String)
    /// Sets β > 0, finite (mrdam: the memories stay; drdam stores refuse it, their features depend on β).
    case setBeta(Float)
}
