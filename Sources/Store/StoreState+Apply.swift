import Core

extension StoreState {
    /// The state after `mutation`, and how many memories it added, forgot or removed. Throws
    /// `StoreError` (or `CoreError`) and changes nothing when the mutation does not fit the store.
    public func applying(_ mutation: StoreMutation) throws -> (state: StoreState, changed: Int) {
        switch (mutation, model) {
        case (.add(let memories, let newIDs), .exact(let exact)):
            try checkVectors(memories)
            let resolved = try resolveIDs(newIDs, count: memories.rows)
            let all = Matrix(rows: exact.count + memories.rows, cols: exact.dim, values: exact.memories.values + memories.values)
            let model = StoreModel.exact(try ExactMemory(memories: all, beta: exact.beta, energy: exact.energy))
            return (next(model: model, ids: ids + resolved.ids, nextID: resolved.nextID), memories.rows)

        case (.add(let memories, let newIDs), .distributed(var distributed)):
            guard newIDs.isEmpty else { throw StoreError.invalid("drdam stores do not keep memories, so they take no ids") }
            try checkVectors(memories)
            try distributed.add(memories)
            return (next(model: .distributed(distributed)), memories.rows)

        case (.forget(let memories), .exact(let exact)):
            try checkVectors(memories)
            let targets = Set((0..<memories.rows).map { memories.row($0) })
            let keep = (0..<exact.count).filter { !targets.contains(exact.memories.row($0)) }
            return (try keeping(rows: keep, of: exact), exact.count - keep.count)

        case (.forget(let memories), .distributed(var distributed)):
            try checkVectors(memories)
            guard memories.rows <= distributed.count else {
                throw StoreError.conflict("cannot forget \(memories.rows) memories: the store holds \(distributed.count)")
            }
            try distributed.forget(memories)
            return (next(model: .distributed(distributed)), memories.rows)

        case (.remove(let id), .exact(let exact)):
            guard let row = row(of: id) else { throw StoreError.notFound("no memory with id '\(id)'") }
            return (try keeping(rows: (0..<exact.count).filter { $0 != row }, of: exact), 1)

        case (.remove, .distributed):
            throw StoreError.conflict("drdam stores do not keep individual memories: forget them by value")
        }
    }

    /// Checks memories [K, D] against the store's dimension and for finiteness.
    func checkVectors(_ memories: Matrix) throws {
        guard memories.cols == configuration.dim else {
            throw StoreError.invalid("memories have dimension \(memories.cols), the store has dimension \(configuration.dim)")
        }
        guard memories.isFinite else { throw StoreError.invalid("memories contain NaN or infinity") }
    }

    private func keeping(rows keep: [Int], of exact: ExactMemory) throws -> StoreState {
        let memories = Matrix(rows: keep.count, cols: exact.dim, values: keep.flatMap { exact.memories.row($0) })
        let model = StoreModel.exact(try ExactMemory(memories: memories, beta: exact.beta, energy: exact.energy))
        return next(model: model, ids: keep.map { ids[$0] }, nextID: nextID)
    }

    private func next(model: StoreModel, ids: [String]? = nil, nextID: UInt64? = nil) -> StoreState {
        StoreState(configuration: configuration, version: version + 1, model: model, ids: ids ?? self.ids, nextID: nextID ?? self.nextID)
    }
}
