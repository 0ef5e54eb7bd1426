/// An energy over states x ∈ R^D that can be evaluated for a batch of states at once, with its
/// gradient. `ExactMemory` (MrDAM) and `DistributedMemory` (DrDAM) are the two models.
package protocol EnergyModel: Sendable {
    /// Buffers one evaluation needs, sized for a batch; made once per recall and reused every step.
    associatedtype Workspace

    /// The dimension D of the states.
    var dim: Int { get }

    /// The bytes of the row matrix the two products read (Ξ for MrDAM, Ω for DrDAM); `Descent.run`
    /// splits it over threads rather than the queries past `RowProducts.splitRowsBeyondBytes`.
    var productBytes: Int { get }

    /// A workspace for batches of up to `batch` states, whose products run on `productThreads` threads
    /// (`RowProducts`: the same bits on any number).
    func makeWorkspace(batch: Int, productThreads: Int) -> Workspace

    /// Evaluates the batch X [rows, D] (row-major, rows ≤ the workspace's batch):
    /// writes E(x_b) to `energies` [rows] and, when `gradients` is given, ∇E(x_b) to it [rows, D].
    func evaluate(
        _ x: UnsafePointer<Float>, rows: Int,
        energies: UnsafeMutablePointer<Float>, gradients: UnsafeMutablePointer<Float>?,
        workspace: Workspace)

    /// Whether the last `evaluate` on `workspace` held row `row` at a clip, where the energy is flat and
    /// the gradient zero (DrDAM's lse energy with s(x) ≤ ε). False for models without a clip.
    func clipped(row: Int, in workspace: Workspace) -> Bool
}

extension EnergyModel {
    /// No clip: every row's gradient is the energy's own.
    package func clipped(row: Int, in workspace: Workspace) -> Bool { false }

    /// The energies E(x_b) [B] of the points [B, D].
    package func energies(_ points: Matrix) throws -> [Float] {
        try evaluate(points, gradients: false).energies
    }

    /// The energies [B] and gradients [B, D] of the points [B, D].
    package func energiesAndGradients(_ points: Matrix) throws -> (energies: [Float], gradients: Matrix) {
        let result = try evaluate(points, gradients: true)
        return (result.energies, result.gradients!)
    }

    private func evaluate(_ points: Matrix, gradients wantGradients: Bool) throws -> (energies: [Float], gradients: Matrix?) {
        guard points.cols == dim else {
            throw CoreError.shape("points have dimension \(points.cols), the model has dimension \(dim)")
        }
        guard points.isFinite else { throw CoreError.nonFinite("points contain NaN or infinity") }
        var energies = [Float](repeating: 0, count: points.rows)
        var gradients = wantGradients ? Matrix(rows: points.rows, cols: dim) : nil
        guard points.rows > 0 else { return (energies, gradients) }
        let workspace = makeWorkspace(batch: points.rows, productThreads: 1)
        points.values.withUnsafeBufferPointer { x in
            energies.withUnsafeMutableBufferPointer { e in
                if gradients != nil {
                    gradients!.values.withUnsafeMutableBufferPointer { g in
                        evaluate(x.baseAddress!, rows: points.rows, energies: e.baseAddress!, gradients: g.baseAddress!, workspace: workspace)
                    }
                } else {
                    evaluate(x.baseAddress!, rows: points.rows, energies: e.baseAddress!, gradients: nil, workspace: workspace)
                }
            }
        }
        return (energies, gradients)
    }
}
