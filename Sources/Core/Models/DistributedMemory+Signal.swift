extension DistributedMemory {
    /// s(x) and its noise at each point of X [B, D] (docs/mathematics.md, "Signal and noise").
    ///
    /// s(x) = Σ_i c_i is a sum over the Y random directions, c_i = Σ_m φ_{mY+i}(x) T_{mY+i} (m over the
    /// map's F / Y blocks), and with independent directions (dense Gaussian Ω) the c_i are independent
    /// and identically distributed, so Var s = Y Var c_i: the noise is √(Y · Σ_i (c_i − s/Y)² / (Y − 1)),
    /// the spread s would have over other seeds, for every map. Block-orthogonal and structured directions are not
    /// independent and their true spread is no larger: the estimate is then an upper one. Costs one
    /// feature pass over the points; Y = 1 gives a noise of 0.
    package func signal(of points: Matrix) throws -> [SignalEstimate] {
        guard points.cols == dim else { throw CoreError.shape("points have dimension \(points.cols), the store has dimension \(dim)") }
        guard points.isFinite else { throw CoreError.nonFinite("points contain NaN or infinity") }
        guard points.rows > 0 else { return [] }
        let y = features.count, blocks = features.kind.multiplicity
        var estimates: [SignalEstimate] = []
        estimates.reserveCapacity(points.rows)
        points.values.withUnsafeBufferPointer { x in
            accumulator.withUnsafeBufferPointer { t in
                var c = [Double](repeating: 0, count: y)
                features.forEachFeatureRow(x.baseAddress!, rows: points.rows) { _, phi in
                    for i in 0..<y {
                        var sum = 0.0
                        for m in 0..<blocks { sum += Double(phi[m * y + i]) * t[m * y + i] }
                        c[i] = sum
                    }
                    let s = c.reduce(0, +), mean = s / Double(y)
                    let squares = c.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
                    let noise = y > 1 ? (Double(y) * squares / Double(y - 1)).squareRoot() : 0
                    estimates.append(SignalEstimate(s: Float(s), noise: Float(noise)))
                }
            }
        }
        return estimates
    }
}
