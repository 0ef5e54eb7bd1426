import Core

extension StoreState {
    /// The state after `mutation`, and how many memories it added, forgot or removed. Throws
    /// `StoreError` (or `CoreError`) and changes nothing when the mutation does not fit the store.
    /// An mrdam add costs O(rows added) amortised (see `ExactMemory.appending` and `MemoryIDs`).
    package func applying(_ mutation: StoreMutation) throws -> (state: StoreState, changed: Int) {
        switch (mutation, model) {
        case (.add(let memories, let newIDs, let counter), .exact(let exact)):
            guard counter <= Self.counterLimit else { throw StoreError.invalid("the id counter \(counter) is over the largest a store can carry forward") }
            try checkVectors(memories)
            try checkNewIDs(newIDs, count: memories.rows)
            let model = StoreModel.exact(try exact.appending(memories))
            return (next(model: model, ids: ids.appending(newIDs), nextID: Swift.max(nextID, counter)), memories.rows)

        case (.add(let memories, let newIDs, _), .distributed(var distributed)):
            guard newIDs.isEmpty else { throw StoreError.invalid("drdam stores do not keep memories, so they take no ids") }
            try checkVectors(memories)
            guard UInt64(distributed.count + memories.rows) <= Self.counterLimit else {
                throw StoreError.invalid("the store would count more than \(Self.counterLimit) memories")
            }
            try distributed.add(memories)
            return (next(model: .distributed(distributed)), memories.rows)

        case (.forget(let memories), .exact(let exact)):
            try checkVectors(memories)
            let targets = Set((0..<memories.rows).map { memories.row($0) })
            let keep = (0..<exact.count).filter { !targets.contains(exact.memory(at: $0)) }
            return (keeping(rows: keep, of: exact), exact.count - keep.count)

        case (.forget(let memories), .distributed(var distributed)):
            try checkVectors(memories)
            guard memories.rows <= distributed.count else {
                throw StoreError.conflict("cannot forget \(memories.rows) memories: the store holds \(distributed.count)")
            }
            try distributed.forget(memories)
            return (next(model: .distributed(distributed)), memories.rows)

        case (.remove(let id), .exact(let exact)):
            guard let row = row(of: id) else { throw StoreError.notFound("no memory with id '\(id)'") }
            return (keeping(rows: (0..<exact.count).filter { $0 != row }, of: exact), 1)

        case (.remove, .distributed):
            throw StoreError.conflict("drdam stores do not keep individual memories: forget them by value")

        case (.setBeta(let beta), .exact(let exact)):
            guard beta.isFinite, beta > 0 else { throw StoreError.invalid("beta must be a positive finite number, got \(beta)") }
            var configuration = configuration
            configuration.beta = beta
            let model = StoreModel.exact(try ExactMemory(memories: exact.memories, beta: beta, energy: exact.energy))
            return (StoreState(configuration: configuration, version: version + 1, model: model, ids: ids, nextID: nextID, sequence: sequence), 0)

        case (.setBeta, .distributed):
            throw StoreError.conflict("a drdam store's features are drawn for its β, which therefore cannot change: create a new store with the β wanted")
        }
    }

    /// Checks memories [K, D] against the store's dimension and for finiteness.
    func checkVectors(_ memories: Matrix) throws {
        guard memories.cols == configuration.dim else {
            throw StoreError.invalid("memories have dimension \(memories.cols), the store has dimension \(configuration.dim)")
        }
        guard memories.isFinite else { throw StoreError.invalid("memories contain NaN or infinity") }
    }

    private func keeping(rows keep: [Int], of exact: ExactMemory) -> StoreState {
        next(model: .exact(exact.keeping(rows: keep)), ids: ids.keeping(rows: keep), nextID: nextID)
    }

    private func next(model: StoreModel, ids: MemoryIDs? = nil, nextID: UInt64? = nil) -> StoreState {
        StoreState(configuration: configuration, version: version + 1, model: model, ids: ids ?? self.ids, nextID: nextID ?? self.nextID, sequence: sequence)
    }
}
