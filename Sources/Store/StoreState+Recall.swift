import Core

extension StoreState {
    /// Descends from each query of Q [B, D] on this version's energy, with, for drdam, s(x) and its noise at
    /// the queries and the final states (two feature passes), and each query's warnings (`tolerances` [B]: each query's own
    /// early stop, see `Descent.run`; `threads`: the threads its products may use). Throws
    /// `StoreError.conflict` for a store with no memories,
    /// `CoreError` for shapes or parameters that do not fit, and `Cancellation.Stopped` within one step
    /// of `cancellation`.
    package func recall(queries: Matrix, parameters: DescentParameters, clamp: ClampMask, tolerances: [Float]? = nil,
                       threads: Int = 1, cancellation: Cancellation? = nil) throws -> RecallOutcome {
        try checkNotEmpty()
        switch model {
        case .exact(let exact):
            let descent = try Descent.run(exact, queries: queries, parameters: parameters, clamp: clamp, tolerances: tolerances, threads: threads, cancellation: cancellation)
            let nearest = try exact.nearest(to: descent.states).map { NearestNeighbour(id: ids[$0.index], index: $0.index, distance: $0.distance) }
            return RecallOutcome(queries: queries, descent: descent, nearest: nearest, signal: nil, version: version)
        case .distributed(let distributed):
            let descent = try Descent.run(distributed, queries: queries, parameters: parameters, clamp: clamp, tolerances: tolerances, threads: threads, cancellation: cancellation)
            let signal = (start: try distributed.signal(of: queries), end: try distributed.signal(of: descent.states))
            return RecallOutcome(queries: queries, descent: descent, nearest: nil, signal: signal, version: version)
        }
    }

    /// The energies [B] of the points [B, D] and, when asked, their gradients [B, D].
    package func energies(of points: Matrix, gradients: Bool) throws -> (energies: [Float], gradients: Matrix?) {
        try checkNotEmpty()
        switch (model, gradients) {
        case (.exact(let m), false): return (try m.energies(points), nil)
        case (.exact(let m), true): return try m.energiesAndGradients(points)
        case (.distributed(let m), false): return (try m.energies(points), nil)
        case (.distributed(let m), true): return try m.energiesAndGradients(points)
        }
    }

    private func checkNotEmpty() throws {
        guard count > 0 else { throw StoreError.conflict("the store has no memories: add some first") }
    }
}
