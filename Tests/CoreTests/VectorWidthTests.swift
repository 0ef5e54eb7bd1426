import Testing
import TestSupport
@testable import Core

/// Each SIMD width the CPU runs computes what the scalar loops compute, for every loop of `VectorMath`:
/// sin/cos and exp within 2 ulp (SLEEF's functions are within 1 ulp of the exact value at every width),
/// the fused per-row passes within the rounding their arithmetic allows. Each call names the loops it
/// runs, so nothing process-wide is switched while other suites run; a width the CPU lacks shows as
/// skipped instead of comparing the scalar loops with themselves. The lengths cover the masked tails
/// (not multiples of 16 or 8) and a long row.
@Suite struct VectorWidthTests {
    static let lengths = [1, 7, 8, 15, 16, 17, 33, 1013]

    @Test(.enabled(if: VectorWidth(bits: 512) != nil, "the CPU has no AVX-512F"))
    func avx512MatchesScalar() throws {
        try expectMatchesScalar(#require(VectorWidth(bits: 512)))
    }

    @Test(.enabled(if: VectorWidth(bits: 256) != nil, "the CPU has no AVX2 with FMA"))
    func avx2MatchesScalar() throws {
        try expectMatchesScalar(#require(VectorWidth(bits: 256)))
    }

    /// Only 512, 256 and 32 are widths, and the scalar loops run everywhere.
    @Test func widthsAreTheThreeLoops() {
        #expect(VectorWidth(bits: 32) == .scalar)
        #expect(VectorWidth(bits: 128) == nil && VectorWidth(bits: 1024) == nil && VectorWidth(bits: 0) == nil)
    }

    func expectMatchesScalar(_ width: VectorWidth) {
        for n in Self.lengths {
            expectSincos(width, n)
            expectExp(width, n)
            expectGaussianWeights(width, n, shift: true)
            expectGaussianWeights(width, n, shift: false)
            expectSincosContract(width, n)
        }
    }

    /// |a − b| in units in the last place of the larger of the two.
    func ulps(_ a: Float, _ b: Float) -> Float { abs(a - b) / max(a.ulp, b.ulp) }

    /// n inputs of `scale` standard normals from Philox seed `seed`.
    func inputs(_ n: Int, seed: UInt64, scale: Float) -> [Float] { randomMatrix(rows: 1, cols: n, seed: seed, scale: scale).values }

    /// Arguments up to about ±150, where the range reduction does real work.
    func expectSincos(_ width: VectorWidth, _ n: Int) {
        let x = inputs(n, seed: 61, scale: 40)
        func run(_ w: VectorWidth) -> (sin: [Float], cos: [Float]) {
            var s = [Float](repeating: .nan, count: n), c = s
            VectorMath.sincos(x, sin: &s, cos: &c, count: n, width: w)
            return (s, c)
        }
        let (wide, scalar) = (run(width), run(.scalar))
        for i in 0..<n {
            #expect(ulps(wide.sin[i], scalar.sin[i]) <= 2, "\(width) sin(\(x[i])), n = \(n): \(wide.sin[i]) vs \(scalar.sin[i])")
            #expect(ulps(wide.cos[i], scalar.cos[i]) <= 2, "\(width) cos(\(x[i])), n = \(n): \(wide.cos[i]) vs \(scalar.cos[i])")
        }
    }

    /// Arguments across Float's range of normal results, (−87, 87).
    func expectExp(_ width: VectorWidth, _ n: Int) {
        let x = inputs(n, seed: 62, scale: 25).map { min(max($0, -87), 87) }
        func run(_ w: VectorWidth) -> [Float] {
            var y = [Float](repeating: .nan, count: n)
            VectorMath.exp(x, into: &y, count: n, width: w)
            return y
        }
        let (wide, scalar) = (run(width), run(.scalar))
        for i in 0..<n {
            #expect(ulps(wide[i], scalar[i]) <= 2, "\(width) exp(\(x[i])), n = \(n): \(wide[i]) vs \(scalar[i])")
        }
    }

    /// Rows x·ξ_i of a state against n memories in D = 5. A small β keeps every weight well above the sum's
    /// rounding, so a lost, doubled or stray lane changes the sum by far more than the tolerance. Each weight
    /// is exp of the same Float exponent at every width (same operations, no fused multiply-add), so it agrees
    /// within 2 ulp; the sum of n positive terms in another order within 1e-5 of itself; the maximum exactly.
    func expectGaussianWeights(_ width: VectorWidth, _ n: Int, shift: Bool) {
        let d = 5, x = inputs(d, seed: 63, scale: 1), memories = randomMatrix(rows: n, cols: d, seed: 64)
        let dot = { (i: Int) in (0..<d).reduce(Float(0)) { $0 + x[$1] * memories[i, $1] } }
        let products = (0..<n).map(dot)
        let norms = (0..<n).map { i in (0..<d).reduce(Float(0)) { $0 + memories[i, $1] * memories[i, $1] } }
        let xNorm = x.reduce(0) { $0 + $1 * $1 }
        func run(_ w: VectorWidth) -> (row: [Float], sum: Float, max: Float) {
            var row = products
            let (sum, top) = VectorMath.gaussianWeights(&row, norms: norms, xNorm: xNorm, beta: 0.2, shift: shift, count: n, width: w)
            return (row, sum, top)
        }
        let (wide, scalar) = (run(width), run(.scalar))
        let label = "\(width) gaussian weights, n = \(n), shift \(shift)"
        for i in 0..<n {
            #expect(ulps(wide.row[i], scalar.row[i]) <= 2, "\(label), entry \(i): \(wide.row[i]) vs \(scalar.row[i])")
        }
        #expect(wide.max.bitPattern == scalar.max.bitPattern, "\(label): max \(wide.max) vs \(scalar.max)")
        #expect(approximatelyEqual(wide.sum, scalar.sum, relative: 1e-5), "\(label): sum \(wide.sum) vs \(scalar.sum)")
    }

    /// The sincos contraction of random h, b and T. Each output entry scale·(cos θ T_sin − sin θ T_cos) may
    /// differ by the 2-ulp differences of sin and cos, the fused multiply-subtract of the SIMD loops and the
    /// final product: at most 4ε·scale·(|T_cos| + |T_sin|). The sum, computed in another order and with fused
    /// multiply-adds, within 3e-5 of scale·Σ(|T_cos| + |T_sin|), where each term weighs about 1/n of it.
    func expectSincosContract(_ width: VectorWidth, _ n: Int) {
        let h = inputs(n, seed: 65, scale: 10), bias = inputs(n, seed: 66, scale: 3)
        let tCos = inputs(n, seed: 67, scale: 1), tSin = inputs(n, seed: 68, scale: 1)
        let scale = 1 / Float(n).squareRoot()
        func run(_ w: VectorWidth) -> (g: [Float], s: Float) {
            var g = h
            let s = VectorMath.sincosContract(&g, bias: bias, tCos: tCos, tSin: tSin, scale: scale, count: n, width: w)
            return (g, s)
        }
        let (wide, scalar) = (run(width), run(.scalar))
        let magnitudes = (0..<n).map { abs(tCos[$0]) + abs(tSin[$0]) }
        for i in 0..<n {
            let tolerance = 4 * Float.ulpOfOne * scale * magnitudes[i]
            #expect(approximatelyEqual(wide.g[i], scalar.g[i], absolute: tolerance), "\(width) contraction, n = \(n), entry \(i): \(wide.g[i]) vs \(scalar.g[i])")
        }
        let tolerance = 3e-5 * scale * magnitudes.reduce(0, +)
        #expect(approximatelyEqual(wide.s, scalar.s, absolute: tolerance), "\(width) contraction, n = \(n): s = \(wide.s) vs \(scalar.s)")
    }
}
