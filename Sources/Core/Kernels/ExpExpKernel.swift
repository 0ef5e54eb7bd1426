/// `expexp` (F = 2Y, positive features): φ(x) = (2Y)^{-1/2} [exp(h − β‖x‖²); exp(−h − β‖x‖²)].
/// J_φᵀ T = √β Ωᵀ (φ₊ ⊙ T₊ − φ₋ ⊙ T₋) − 2β s x, with s = ⟨φ(x), T⟩.
struct ExpExpKernel: FeatureKernel {
    init() {}
    var multiplicity: Int { 2 }
    var usesBias: Bool { false }

    func features(h: UnsafePointer<Float>, bias: UnsafePointer<Float>, y: Int, betaSquaredNorm q: Float,
                         phi: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>) {
        for i in 0..<y {
            phi[i] = h[i] - q
            phi[y + i] = -h[i] - q
        }
        VectorMath.exp(phi, into: phi, count: 2 * y)
        BLAS.scale(2 * y, 1 / Float(2 * y).squareRoot(), phi)
    }

    func contract(h: UnsafeMutablePointer<Float>, bias: UnsafePointer<Float>, y: Int, betaSquaredNorm q: Float, beta: Float,
                         t: UnsafePointer<Float>, scratch: UnsafeMutablePointer<Float>) -> (s: Float, c: Float) {
        let phi = scratch
        features(h: h, bias: bias, y: y, betaSquaredNorm: q, phi: phi, scratch: h)
        let s = BLAS.dot(2 * y, phi, t)
        for i in 0..<y { h[i] = phi[i] * t[i] - phi[y + i] * t[y + i] }
        return (s, -2 * beta * s)
    }
}
