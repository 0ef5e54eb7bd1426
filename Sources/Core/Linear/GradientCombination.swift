/// The per-row coefficients of a batched gradient ∇_r = a_r · P_r + c_r · x_r, where P [rows, D] is the
/// back-projection product's result (`RowProducts.combine`) (W Ξ for MrDAM, G Ω for DrDAM). Both models fill in a and c while they
/// compute the energies, then combine in place over P. Sized for a batch, made once per recall.
final class GradientCombination {
    private let projectionScale: ScratchBuffer
    private let stateScale: ScratchBuffer

    /// Coefficients for up to `batch` rows.
    init(batch: Int) {
        projectionScale = ScratchBuffer(count: batch)
        stateScale = ScratchBuffer(count: batch)
    }

    /// Sets row r's coefficients: a (on the back-projection) and c (on the state).
    func set(row r: Int, projection a: Float, state c: Float) {
        projectionScale.pointer[r] = a
        stateScale.pointer[r] = c
    }

    /// g_r ← a_r · g_r + c_r · x_r for the rows of G, X [rows, d].
    func apply(to g: UnsafeMutablePointer<Float>, states x: UnsafePointer<Float>, rows: Int, dim d: Int) {
        for r in 0..<rows {
            let a = projectionScale.pointer[r], c = stateScale.pointer[r]
            let gr = g + r * d, xr = x + r * d
            for j in 0..<d { gr[j] = a * gr[j] + c * xr[j] }
        }
    }
}
