/// `sincos` (default, F = 2Y): φ(x) = Y^{-1/2} [cos(h + b); sin(h + b)].
/// J_φᵀ T = √β Ωᵀ [Y^{-1/2}(−sin(h+b) ⊙ T_cos + cos(h+b) ⊙ T_sin)].
struct SinCosKernel: FeatureKernel {
    init() {}
    var multiplicity: Int { 2 }
    var usesBias: Bool { true }

    func features(h: UnsafePointer<Float>, bias: UnsafePointer<Float>, y: Int, betaSquaredNorm q: Float,
                         phi: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>) {
        for i in 0..<y { scratch[i] = h[i] + bias[i] }
        VectorMath.sincos(scratch, sin: phi + y, cos: phi, count: y)
        BLAS.scale(2 * y, 1 / Float(y).squareRoot(), phi)
    }

    func contract(h: UnsafeMutablePointer<Float>, bias: UnsafePointer<Float>, y: Int, betaSquaredNorm q: Float, beta: Float,
                         t: UnsafePointer<Float>, scratch: UnsafeMutablePointer<Float>) -> (s: Float, c: Float) {
        return (VectorMath.sincosContract(h, bias: bias, tCos: t, tSin: t + y, scale: 1 / Float(y).squareRoot(), count: y), 0)
    }
}
