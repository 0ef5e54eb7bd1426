import Core
import Foundation
import Synchronization

/// A named store. Its writes run one at a time, in order, on the registry's work pool (a slow write to
/// one store never holds up another's): each builds the next state from the newest, appends its record
/// to the log and, once the log has synced it, publishes the state to readers. Readers take the
/// published state without waiting for anything, so a recall never waits for a write, never sees half
/// of one, and never sees a write that is not yet durable.
package final class MemoryStore: Sendable {
    /// The store's name.
    package let name: String
    /// The sequence number of the record that created this store (its create, or the replace of an
    /// upload): checkpoint files with a lower one belong to an earlier store of the same name.
    let origin: UInt64
    private let log: any MutationLog
    /// The threads writes run on, and the lock that runs them one at a time ("the queue" below).
    private let pool: WorkPool
    private let queue = AsyncLock()
    /// The newest state, changed only on `queue`; it may include records not yet synced.
    private let head: Mutex<StoreState>
    /// The newest durable state: what readers see.
    private let published: Mutex<StoreState>
    /// Set (on `queue`) once the store is deleted: later writes fail with 404.
    private let removed = Atomic<Bool>(false)
    /// The sequence number of the newest checkpoint of this store (0: none yet).
    let checkpointed: Atomic<UInt64>
    /// Called after every acknowledged write (the registry checks whether a checkpoint is due).
    private let afterWrite: @Sendable () -> Void
    /// What the store may hold, and the bytes all stores hold now.
    private let limits: Limits
    private let reservations: ByteReservations
    /// Bytes all stores hold as published.
    private let totalBytes: @Sendable () -> Int

    init(name: String, state: StoreState, origin: UInt64, checkpointed: UInt64, log: any MutationLog, pool: WorkPool, limits: Limits,
         reservations: ByteReservations, totalBytes: @escaping @Sendable () -> Int, afterWrite: @escaping @Sendable () -> Void) {
        self.limits = limits
        self.reservations = reservations
        self.totalBytes = totalBytes
        self.name = name
        self.origin = origin
        self.log = log
        self.pool = pool
        self.head = Mutex(state)
        self.published = Mutex(state)
        self.checkpointed = Atomic(checkpointed)
        self.afterWrite = afterWrite
    }

    /// The current version, to read from without any lock.
    package var state: StoreState { published.withLock { $0 } }

    /// Adds memories [K, D]: mrdam rows with `ids` (assigned from the store's counter when nil), or
    /// drdam sums into T. Returns the ids (empty for drdam) and the new state, once durable.
    package func add(_ memories: Matrix, ids: [String]?) async throws -> (ids: [String], state: StoreState) {
        let (state, mutation, _) = try await write { state in
            switch state.model {
            case .exact(let exact):
                // The limits, before anything grows.
                guard exact.count + memories.rows <= self.limits.maxMemoriesPerStore else {
                    throw StoreError.invalid("the store would hold \(exact.count + memories.rows) memories, over the limit of \(self.limits.maxMemoriesPerStore)")
                }
                let more = Limits.bytes(rows: memories.rows, dim: exact.dim)
                try self.limits.check(storeBytes: state.model.bytes + more)
                let (ids, next) = try state.resolveIDs(ids, count: memories.rows)
                return .add(memories, ids: ids, nextID: next)
            case .distributed:
                if ids != nil { throw StoreError.invalid("drdam stores do not keep memories, so they take no ids") }
                return .add(memories, ids: [], nextID: state.nextID)
            }
        }
        guard case .add(_, let assigned, _) = mutation else { return ([], state) }
        return (assigned, state)
    }

    /// Forgets memories [K, D]; returns how many were forgotten and the new state, once durable.
    package func forget(_ memories: Matrix) async throws -> (forgotten: Int, state: StoreState) {
        let (state, _, forgotten) = try await write { _ in .forget(memories) }
        return (forgotten, state)
    }

    /// Removes the mrdam memory with `id`; returns the new state, once durable.
    package func remove(id: String) async throws -> StoreState {
        try await write { _ in .remove(id: id) }.state
    }

    /// Sets the mrdam store's β (logged like every write); returns the new state, once durable.
    package func setBeta(_ beta: Float) async throws -> StoreState {
        try await write { _ in .setBeta(beta) }.state
    }

    /// Makes the store exactly `image` (a decoded snapshot), logging `snapshot`, its bytes; returns the
    /// new state once durable. The version keeps growing and the id counter never goes back.
    func replace(with image: StoreState, snapshot: Data) async throws -> StoreState {
        let (state, reserved) = try await serially { [self] in
            let old = try liveHead()
            let new = old.replaced(by: image)
            return try appending(.replace(snapshot), growing: new.model.bytes - old.model.bytes) { setHead(new.at(sequence: $0)) }
        }
        defer { reservations.release(reserved) }
        return try await publish(state)
    }

    /// One write: the mutation made from the newest state, applied, logged, synced, published.
    private func write(_ makeMutation: @escaping @Sendable (StoreState) throws -> StoreMutation) async throws -> (state: StoreState, mutation: StoreMutation, changed: Int) {
        let (state, mutation, changed, reserved) = try await serially { [self] in
            let old = try liveHead()
            let mutation = try makeMutation(old)
            let (new, changed) = try old.applying(mutation)
            let (state, reserved) = try appending(.mutation(mutation), growing: new.model.bytes - old.model.bytes) { setHead(new.at(sequence: $0)) }
            return (state, mutation, changed, reserved)
        }
        defer { reservations.release(reserved) }
        return (try await publish(state), mutation, changed)
    }

    /// Reserves `growth` bytes against the server's total (atomically with every other write), appends
    /// `entry` and makes the head with its sequence number; returns the head and the reservation, to
    /// be released once the write is published or has failed. Call on the queue.
    private func appending(_ entry: LogEntry, growing growth: Int, head: (UInt64) -> StoreState) throws -> (StoreState, Int) {
        let reserved = try reservations.reserve(growth, held: totalBytes)
        do {
            return (head(try log.append(store: name, entry: entry)), reserved)
        } catch {
            reservations.release(reserved)
            throw error
        }
    }

    /// Runs `body` on the work pool, after every write queued before it and before any queued after.
    func serially<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await queue.withLock { try await pool.run(body) }
    }

    /// The newest state; throws 404 once the store is deleted. Call on the queue.
    func liveHead() throws -> StoreState {
        guard !removed.load(ordering: .acquiring) else { throw StoreError.notFound("no store named '\(name)'") }
        return head.withLock { $0 }
    }

    /// Marks the store deleted. Call on the queue.
    func markRemoved() { removed.store(true, ordering: .releasing) }

    private func setHead(_ state: StoreState) -> StoreState {
        head.withLock { $0 = state }
        return state
    }

    /// Waits until `state`'s record is durable, then shows it to readers (unless a newer one is shown).
    private func publish(_ state: StoreState) async throws -> StoreState {
        try await log.sync(through: state.sequence)
        published.withLock { if state.version > $0.version { $0 = state } }
        afterWrite()
        return state
    }
}
