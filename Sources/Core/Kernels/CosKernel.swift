/// `cos` (F = Y): φ(x) = (2/Y)^{1/2} cos(h + b). J_φᵀ T = √β Ωᵀ [−(2/Y)^{1/2} sin(h+b) ⊙ T].
struct CosKernel: FeatureKernel {
    init() {}
    var multiplicity: Int { 1 }
    var usesBias: Bool { true }

    func features(h: UnsafePointer<Float>, bias: UnsafePointer<Float>, y: Int, betaSquaredNorm q: Float,
                         phi: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>) {
        for i in 0..<y { scratch[y + i] = h[i] + bias[i] }
        VectorMath.sincos(scratch + y, sin: scratch, cos: phi, count: y)
        BLAS.scale(y, (2 / Float(y)).squareRoot(), phi)
    }

    func contract(h: UnsafeMutablePointer<Float>, bias: UnsafePointer<Float>, y: Int, betaSquaredNorm q: Float, beta: Float,
                         t: UnsafePointer<Float>, scratch: UnsafeMutablePointer<Float>) -> (s: Float, c: Float) {
        let sine = scratch, cosine = scratch + y
        for i in 0..<y { h[i] += bias[i] }
        VectorMath.sincos(h, sin: sine, cos: cosine, count: y)
        let scale = (2 / Float(y)).squareRoot()
        let s = scale * BLAS.dot(y, cosine, t)
        for i in 0..<y { h[i] = -scale * sine[i] * t[i] }
        return (s, 0)
    }
}
