import Dispatch
import Synchronization

/// Batched gradient descent on an energy (docs/mathematics.md, "Descent").
///
/// x⁽⁰⁾ = q; for t = 0 … depth−1: record E(x⁽ᵗ⁾), then x⁽ᵗ⁺¹⁾ = x⁽ᵗ⁾ − α ∇E(x⁽ᵗ⁾) on the entries that are
/// not clamped (clamped entries are not touched at all). With a tolerance, a query whose step moved no
/// entry by `tolerance` or more stops there; the remaining queries are packed together so the products
/// shrink with the batch. Each query's steps at the model's clip (`EnergyModel.clipped`) are counted.
/// Buffers are allocated once per call.
package enum Descent {
    /// Descends from each query of Q [B, D] on `model`, checking `cancellation` before every step.
    /// `tolerances` [B], when given, sets each query's own early-stop tolerance in place of
    /// `parameters.tolerance` (a batch merged from several requests). With `threads` > 1, a model whose
    /// row matrix exceeds `RowProducts.splitRowsBeyondBytes` has its products split over the threads (A
    /// read once in all, not once per thread: where memory bandwidth binds); otherwise a batch of 2 to
    /// `RowProducts.smallBatchLimit` queries is split into that many groups that descend side by side.
    /// The small-batch products make each query's results the same bits either way. Throws for shapes that do not fit,
    /// non-finite queries, or invalid parameters, and `Cancellation.Stopped` within one step of a cancellation.
    package static func run<Model: EnergyModel>(
        _ model: Model, queries: Matrix, parameters: DescentParameters = DescentParameters(), clamp: ClampMask = .none,
        tolerances: [Float]? = nil, threads: Int = 1, cancellation: Cancellation? = nil
    ) throws -> DescentResult {
        try parameters.validate()
        let b = queries.rows, d = model.dim, depth = parameters.depth
        guard queries.cols == d else { throw CoreError.shape("queries have dimension \(queries.cols), the store has dimension \(d)") }
        guard queries.isFinite else { throw CoreError.nonFinite("queries contain NaN or infinity") }
        try clamp.validate(batch: b, dim: d)
        if let tolerances {
            guard tolerances.count == b else { throw CoreError.shape("\(tolerances.count) tolerances for \(b) queries") }
            for tolerance in tolerances { try DescentParameters(alpha: parameters.alpha, depth: depth, tolerance: tolerance).validate() }
        }
        let tolerance = tolerances ?? [Float](repeating: parameters.tolerance, count: b)
        let productThreads = threads > 1 && model.productBytes > RowProducts.splitRowsBeyondBytes ? threads : 1
        if threads > 1, productThreads == 1, b > 1, b <= RowProducts.smallBatchLimit {
            return try split(model, queries: queries, parameters: parameters, clamp: clamp, tolerances: tolerance,
                             groups: Swift.min(threads, b), cancellation: cancellation)
        }

        var result = DescentResult(
            states: queries, energies: Matrix(rows: b, cols: depth), steps: [Int](repeating: depth, count: b),
            finalEnergies: [Float](repeating: 0, count: b), clippedSteps: [Int](repeating: 0, count: b))
        guard b > 0 else { return result }

        let workspace = model.makeWorkspace(batch: b, productThreads: productThreads)
        let x = ScratchBuffer(count: b * d), gradient = ScratchBuffer(count: b * d), energy = ScratchBuffer(count: b)
        queries.values.withUnsafeBufferPointer { x.pointer.update(from: $0.baseAddress!, count: b * d) }
        var active = Array(0..<b)
        let alpha = parameters.alpha

        for t in 0..<depth where !active.isEmpty {
            if let why = cancellation?.why { throw Cancellation.Stopped(reason: why, steps: t) }
            let rows = active.count
            model.evaluate(x.pointer, rows: rows, energies: energy.pointer, gradients: gradient.pointer, workspace: workspace)
            var stopped: [Int] = []
            for r in 0..<rows {
                let query = active[r]
                result.energies.values[query * depth + t] = energy.pointer[r]
                if model.clipped(row: r, in: workspace) { result.clippedSteps[query] += 1 }
                let xr = x.pointer + r * d, gr = gradient.pointer + r * d
                var largest: Float = 0
                for j in 0..<d where !clamp.isClamped(query: query, entry: j, dim: d) {
                    let delta = alpha * gr[j]
                    xr[j] -= delta
                    largest = Swift.max(largest, Swift.abs(delta))
                }
                if tolerance[query] > 0, largest < tolerance[query], t + 1 < depth {
                    result.steps[query] = t + 1
                    stopped.append(r)
                }
            }
            if !stopped.isEmpty { pack(x.pointer, dim: d, active: &active, removing: stopped, into: &result.states) }
        }
        for (r, query) in active.enumerated() {
            for j in 0..<d { result.states[query, j] = x.pointer[r * d + j] }
        }

        // E of the final states, on the same workspace.
        result.states.values.withUnsafeBufferPointer { states in
            result.finalEnergies.withUnsafeMutableBufferPointer { e in
                model.evaluate(states.baseAddress!, rows: b, energies: e.baseAddress!, gradients: nil, workspace: workspace)
            }
        }
        for query in 0..<b where result.steps[query] < depth {
            for t in result.steps[query]..<depth { result.energies[query, t] = result.finalEnergies[query] }
        }
        return result
    }

    /// The descent of Q [B, D] as `groups` contiguous groups of queries, each on its own thread.
    private static func split<Model: EnergyModel>(
        _ model: Model, queries: Matrix, parameters: DescentParameters, clamp: ClampMask, tolerances: [Float], groups: Int,
        cancellation: Cancellation?
    ) throws -> DescentResult {
        let b = queries.rows, d = queries.cols
        let bounds = (0...groups).map { $0 * b / groups }
        let parts = Mutex([Int: Result<DescentResult, any Error>]())
        DispatchQueue.concurrentPerform(iterations: groups) { g in
            let range = bounds[g]..<bounds[g + 1]
            let entries = (range.lowerBound * d)..<(range.upperBound * d)
            let group = Matrix(rows: range.count, cols: d, values: Array(queries.values[entries]))
            let groupClamp: ClampMask = switch clamp {
            case .none: .none
            case .shared(let mask): .shared(mask)
            case .perQuery(let mask): .perQuery(Array(mask[entries]))
            }
            let result = Result {
                try run(model, queries: group, parameters: parameters, clamp: groupClamp, tolerances: Array(tolerances[range]), cancellation: cancellation)
            }
            parts.withLock { $0[g] = result }
        }
        let results = try parts.withLock { parts in try (0..<groups).map { try parts[$0]!.get() } }
        return DescentResult(joining: results)
    }

    /// Copies the rows `removing` (ascending working-row indices) of X out to their queries' rows of
    /// `states`, then closes the gaps so that the remaining active rows are contiguous.
    private static func pack(_ x: UnsafeMutablePointer<Float>, dim d: Int, active: inout [Int], removing: [Int], into states: inout Matrix) {
        let removed = Set(removing)
        var kept: [Int] = []
        for r in 0..<active.count {
            if removed.contains(r) {
                for j in 0..<d { states[active[r], j] = x[r * d + j] }
            } else {
                if kept.count != r { (x + kept.count * d).update(from: x + r * d, count: d) }
                kept.append(active[r])
            }
        }
        active = kept
    }
}
