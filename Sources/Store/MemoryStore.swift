import Core
import Synchronization

/// A named store: its current immutable `StoreState` behind a lock held only to read or swap it.
/// Writes are serialised among themselves and compute their new state without blocking readers, so a
/// recall never waits for a write and never sees half of one.
public final class MemoryStore: Sendable {
    /// The store's name.
    public let name: String
    private let current: Mutex<StoreState>
    private let writer = Mutex(())

    /// A store named `name` starting from `state`.
    public init(name: String, state: StoreState) {
        self.name = name
        self.current = Mutex(state)
    }

    /// The current version, to read from without any lock.
    public var state: StoreState { current.withLock { $0 } }

    /// Adds memories [K, D]: mrdam rows with `ids` (assigned when nil), or drdam sums into T.
    /// Returns the ids (empty for drdam) and the new state.
    public func add(_ memories: Matrix, ids: [String]?) throws -> (ids: [String], state: StoreState) {
        var assigned: [String] = []
        let (state, _) = try write { state in
            switch state.model {
            case .exact: assigned = try state.resolveIDs(ids, count: memories.rows).ids
            case .distributed:
                if ids != nil { throw StoreError.invalid("drdam stores do not keep memories, so they take no ids") }
            }
            return .add(memories, ids: assigned)
        }
        return (assigned, state)
    }

    /// Forgets memories [K, D]; returns how many were forgotten and the new state.
    public func forget(_ memories: Matrix) throws -> (forgotten: Int, state: StoreState) {
        let (state, forgotten) = try write { _ in .forget(memories) }
        return (forgotten, state)
    }

    /// Removes the mrdam memory with `id`; returns the new state.
    public func remove(id: String) throws -> StoreState {
        try write { _ in .remove(id: id) }.state
    }

    /// Serialises one write: makes the mutation from the current state, applies it (readers carry on
    /// with the old state meanwhile), then swaps the new state in. Returns it and how many memories
    /// the mutation changed.
    private func write(_ makeMutation: (StoreState) throws -> StoreMutation) throws -> (state: StoreState, changed: Int) {
        try writer.withLock { _ in
            let old = state
            let (new, changed) = try old.applying(makeMutation(old))
            current.withLock { $0 = new }
            return (new, changed)
        }
    }
}
