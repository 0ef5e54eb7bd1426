/// `sincos` (default, F = 2Y): φ(x) = Y^{-1/2} [cos(h + b); sin(h + b)].
/// J_φᵀ T = √β Ωᵀ [Y^{-1/2}(−sin(h+b) ⊙ T_cos + cos(h+b) ⊙ T_sin)].
public struct SinCosKernel: FeatureKernel {
    public init() {}
    public var multiplicity: Int { 2 }
    public var usesBias: Bool { true }

    public func features(h: UnsafePointer<Float>, y: Int, betaSquaredNorm q: Float,
                         phi: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>) {
        VectorMath.sincos(h, sin: phi + y, cos: phi, count: y)
        BLAS.scale(2 * y, 1 / Float(y).squareRoot(), phi)
    }

    public func contract(h: UnsafeMutablePointer<Float>, y: Int, betaSquaredNorm q: Float, beta: Float,
                         t: UnsafePointer<Float>, scratch: UnsafeMutablePointer<Float>) -> (s: Float, c: Float) {
        let sine = scratch, cosine = scratch + y
        let tCos = t, tSin = t + y
        VectorMath.sincos(h, sin: sine, cos: cosine, count: y)
        let scale = 1 / Float(y).squareRoot()
        let s = scale * (BLAS.dot(y, cosine, tCos) + BLAS.dot(y, sine, tSin))
        for i in 0..<y { h[i] = scale * (cosine[i] * tSin[i] - sine[i] * tCos[i]) }
        return (s, 0)
    }
}
