/// The outcome of a batched descent over B queries.
package struct DescentResult: Sendable, Equatable {
    /// The final states x⁽ˢᵗᵉᵖˢ⁾ [B, D].
    package var states: Matrix
    /// The energy traces [B, depth]: row b holds E(x⁽⁰⁾) … E(x⁽ˢᵗᵉᵖˢ⁻¹⁾) of query b, then, for a query
    /// that stopped early, the energy of its final (frozen) state in the remaining entries.
    package var energies: Matrix
    /// The steps each query took [B]: `depth`, or fewer when it stopped early.
    package var steps: [Int]
    /// E(x) of each final state [B].
    package var finalEnergies: [Float]
    /// The steps each query spent at the energy's clip [B] (DrDAM lse: s(x) ≤ ε, zero gradient, the
    /// state did not move); 0 for models without a clip. At most `steps`.
    package var clippedSteps: [Int]

    /// The trace of query b, E(x⁽⁰⁾) … E(x⁽ˢᵗᵉᵖˢ⁻¹⁾): `steps[b]` entries.
    package func trace(_ b: Int) -> [Float] {
        Array(energies.values[(b * energies.cols)..<(b * energies.cols + steps[b])])
    }

    /// The results of the queries `range` (a batch merged from several requests, split back).
    package func queries(_ range: Range<Int>) -> DescentResult {
        func rows(_ m: Matrix) -> Matrix {
            Matrix(rows: range.count, cols: m.cols, values: Array(m.values[(range.lowerBound * m.cols)..<(range.upperBound * m.cols)]))
        }
        return DescentResult(states: rows(states), energies: rows(energies), steps: Array(steps[range]), finalEnergies: Array(finalEnergies[range]),
                             clippedSteps: Array(clippedSteps[range]))
    }
}

extension DescentResult {
    /// The results of consecutive groups of queries, as one result (their rows in order).
    init(joining parts: [DescentResult]) {
        func rows(_ matrices: [Matrix]) -> Matrix {
            Matrix(rows: matrices.reduce(0) { $0 + $1.rows }, cols: matrices[0].cols, values: matrices.flatMap(\.values))
        }
        self.init(states: rows(parts.map(\.states)), energies: rows(parts.map(\.energies)), steps: parts.flatMap(\.steps),
                  finalEnergies: parts.flatMap(\.finalEnergies), clippedSteps: parts.flatMap(\.clippedSteps))
    }
}
