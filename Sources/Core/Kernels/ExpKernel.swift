/// `exp` (F = Y, positive features): φ(x) = Y^{-1/2} exp(h − β‖x‖²), no phase.
/// J_φᵀ T = √β Ωᵀ (φ ⊙ T) − 2β s x, with s = ⟨φ(x), T⟩.
struct ExpKernel: FeatureKernel {
    init() {}
    var multiplicity: Int { 1 }
    var usesBias: Bool { false }

    func features(h: UnsafePointer<Float>, bias: UnsafePointer<Float>, y: Int, betaSquaredNorm q: Float,
                         phi: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>) {
        for i in 0..<y { phi[i] = h[i] - q }
        VectorMath.exp(phi, into: phi, count: y)
        BLAS.scale(y, 1 / Float(y).squareRoot(), phi)
    }

    func contract(h: UnsafeMutablePointer<Float>, bias: UnsafePointer<Float>, y: Int, betaSquaredNorm q: Float, beta: Float,
                         t: UnsafePointer<Float>, scratch: UnsafeMutablePointer<Float>) -> (s: Float, c: Float) {
        features(h: h, bias: bias, y: y, betaSquaredNorm: q, phi: h, scratch: scratch)
        let s = BLAS.dot(y, h, t)
        for i in 0..<y { h[i] *= t[i] }
        return (s, -2 * beta * s)
    }
}
