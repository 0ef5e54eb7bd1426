/// The memory nearest to a state: its row index in Ξ and its Euclidean distance.
package struct NearestMemory: Sendable, Equatable {
    /// Row index μ in Ξ.
    package let index: Int
    /// ‖x − ξ_μ‖.
    package let distance: Float
}

extension ExactMemory {
    /// For each state x_b of X [B, D], the nearest memory (one product X Ξᵀ). Empty when K = 0.
    package func nearest(to states: Matrix) throws -> [NearestMemory] {
        guard states.cols == dim else { throw CoreError.shape("states have dimension \(states.cols), the memory has dimension \(dim)") }
        let k = count, d = dim, b = states.rows
        guard k > 0, b > 0 else { return [] }
        var dots = [Float](repeating: 0, count: b * k)
        let stateNorms = Self.squaredNorms(states)
        states.values.withUnsafeBufferPointer { x in
            dots.withUnsafeMutableBufferPointer { w in
                RowProducts.scores(x.baseAddress!, queries: b, rows: storage.values, count: k, dim: d, into: w.baseAddress!, lds: k)
            }
        }
        return (0..<b).map { r in
            var best = 0
            var bestDistance = Float.infinity
            for m in 0..<k {
                let squared = Swift.max(stateNorms[r] + storage.norms[m] - 2 * dots[r * k + m], 0)
                if squared < bestDistance {
                    bestDistance = squared
                    best = m
                }
            }
            // The expansion above ranks the memories; the reported distance is computed directly.
            var squared: Float = 0
            for j in 0..<d {
                let delta = states[r, j] - storage.values[best * d + j]
                squared += delta * delta
            }
            return NearestMemory(index: best, distance: squared.squareRoot())
        }
    }
}
