import Testing
import TestSupport
@testable import Core

/// Block-orthogonal Ω by LAPACK's QR (`RandomFeatures+Orthogonal.swift`): each block orthonormal,
/// row norms from stream 3, Gram–Schmidt's basis (checked against Gram–Schmidt written out here),
/// partial blocks, blocks generated on their own, and deterministic signs.
@Suite struct OrthogonalFeaturesTests {
    /// Ω as an independent reference: modified Gram–Schmidt (twice) in Double on each block of the
    /// Gaussian rows of stream 2, scaled by the norms of the rows of stream 3.
    static func gramSchmidt(seed: UInt64, count: Int, dim d: Int) -> [Double] {
        let generator = Philox(seed: seed)
        var out = [Double]()
        for start in stride(from: 0, to: count, by: d) {
            let rows = start..<min(start + d, count)
            var g = RandomFeatures.gaussianRowsDouble(generator, rows: rows, dim: d, stream: 2)
            let n = RandomFeatures.gaussianRowsDouble(generator, rows: rows, dim: d, stream: 3)
            func dot(_ x: [Double], _ i: Int, _ y: [Double], _ k: Int) -> Double { (0..<d).reduce(0) { $0 + x[i * d + $1] * y[k * d + $1] } }
            for r in 0..<rows.count {
                for _ in 0..<2 {
                    for p in 0..<r {
                        let projection = dot(g, r, g, p)
                        for j in 0..<d { g[r * d + j] -= projection * g[p * d + j] }
                    }
                }
                let norm = dot(g, r, g, r).squareRoot()
                for j in 0..<d { g[r * d + j] /= norm }
                let length = dot(n, r, n, r).squareRoot()
                out += (0..<d).map { g[r * d + $0] * length }
            }
        }
        return out
    }

    /// Rows `rows` of Ω [count, D] in Double, each divided by its norm, and the norms.
    static func unitRows(_ omega: [Float], rows: Range<Int>, dim d: Int) -> (units: [[Double]], norms: [Double]) {
        let vectors = rows.map { i in (0..<d).map { Double(omega[i * d + $0]) } }
        let norms = vectors.map { v in v.reduce(0) { $0 + $1 * $1 }.squareRoot() }
        return (zip(vectors, norms).map { v, n in v.map { $0 / n } }, norms)
    }

    /// Q Qᵀ = I (to 1e-5, in Float) for every block once the row norms are divided out, including the
    /// partial last block, at a D above LAPACK's crossover to its blocked kernels (128).
    @Test(arguments: [(7, 20), (160, 400), (10, 3)])
    func blocksAreOrthonormal(dim d: Int, count y: Int) throws {
        let omega = try RandomFeatures(kind: .sincos, dim: d, count: y, beta: 1, seed: 5, orthogonal: true).omega
        #expect(omega.count == y * d)
        for start in stride(from: 0, to: y, by: d) {
            let q = Self.unitRows(omega, rows: start..<min(start + d, y), dim: d).units
            var worst = 0.0
            for i in q.indices {
                for k in q.indices {
                    let product = (0..<d).reduce(0.0) { $0 + q[i][$1] * q[k][$1] }
                    worst = max(worst, abs(product - (i == k ? 1 : 0)))
                }
            }
            #expect(worst < 1e-5, "block at row \(start): |QQᵀ − I| up to \(worst)")
        }
    }

    /// Row i's norm is the norm of Gaussian row i of stream 3 (chi-distributed with D degrees of freedom).
    @Test func rowNormsAreTheNormsOfStreamThree() throws {
        let d = 9, y = 25
        let omega = try RandomFeatures(kind: .cos, dim: d, count: y, beta: 1, seed: 12, orthogonal: true).omega
        let norms = Self.unitRows(omega, rows: 0..<y, dim: d).norms
        let gaussian = RandomFeatures.gaussianRowsDouble(Philox(seed: 12), rows: 0..<y, dim: d, stream: 3)
        for i in 0..<y {
            let expected = (0..<d).reduce(0.0) { $0 + gaussian[i * d + $1] * gaussian[i * d + $1] }.squareRoot()
            #expect(approximatelyEqual(norms[i], expected, relative: 1e-6), "row \(i): norm \(norms[i]), stream 3 gives \(expected)")
        }
    }

    /// The QR basis with diag(R) > 0 is Gram–Schmidt's: equal to 1e-5 to the reference above, for
    /// full and partial blocks, unblocked (D = 7) and blocked (D = 160) LAPACK.
    @Test(arguments: [(7, 20), (160, 200), (10, 3)])
    func agreesWithGramSchmidt(dim d: Int, count y: Int) throws {
        let omega = try RandomFeatures(kind: .sincos, dim: d, count: y, beta: 1, seed: 31, orthogonal: true).omega
        let reference = Self.gramSchmidt(seed: 31, count: y, dim: d)
        let omega64 = omega.map(Double.init)
        #expect(approximatelyEqual(omega64, reference, absolute: 1e-5), "D = \(d), Y = \(y): differs from Gram–Schmidt by up to \(maxDifference(omega64, reference))")
    }

    /// In Double, before the rounding to Float, the QR basis is Gram–Schmidt's to about 1e-12.
    @Test func orthonormalColumnsAreGramSchmidtsInDouble() {
        let d = 150, n = 140
        let g = RandomFeatures.gaussianRowsDouble(Philox(seed: 2), rows: 0..<n, dim: d, stream: 2)
        let q = RandomFeatures.orthonormalColumns(g, count: n, dim: d)
        var r = g
        for i in 0..<n {
            for _ in 0..<2 {
                for p in 0..<i {
                    let projection = (0..<d).reduce(0.0) { $0 + r[i * d + $1] * r[p * d + $1] }
                    for j in 0..<d { r[i * d + j] -= projection * r[p * d + j] }
                }
            }
            let norm = (0..<d).reduce(0.0) { $0 + r[i * d + $1] * r[i * d + $1] }.squareRoot()
            for j in 0..<d { r[i * d + j] /= norm }
        }
        let worst = maxDifference(q, r)
        #expect(worst < 1e-12, "QR and Gram–Schmidt differ by up to \(worst) in Double")
    }

    /// The sign convention: every row points the way of its own Gaussian row (⟨q_i, g_i⟩ = R_ii > 0),
    /// and two generations are equal bit for bit.
    @Test func signsAreFixedAndGenerationIsDeterministic() throws {
        let d = 160, y = 400
        let one = try RandomFeatures(kind: .sincos, dim: d, count: y, beta: 1, seed: 77, orthogonal: true).omega
        let two = try RandomFeatures(kind: .sincos, dim: d, count: y, beta: 1, seed: 77, orthogonal: true).omega
        #expect(one.bitPatterns == two.bitPatterns)
        let g = RandomFeatures.gaussianRowsDouble(Philox(seed: 77), rows: 0..<y, dim: d, stream: 2)
        let negative = (0..<y).filter { i in (0..<d).reduce(0.0) { $0 + Double(one[i * d + $1]) * g[i * d + $1] } <= 0 }
        #expect(negative.isEmpty, "rows pointing against their Gaussian rows: \(negative)")
    }

    /// Blocks of rows generated on their own: bit for bit those rows of Ω when they end on a multiple
    /// of D or where Ω ends; to rounding when they end inside a block (LAPACK then factors fewer
    /// columns of that block and may block its work differently).
    @Test func rowBlocksGenerateIndependently() throws {
        let d = 160, y = 420
        let omega = try RandomFeatures(kind: .cos, dim: d, count: y, beta: 1, seed: 8, orthogonal: true).omega
        func rows(_ r: Range<Int>) -> [Float] { Array(omega[(r.lowerBound * d)..<(r.upperBound * d)]) }
        for r in [0..<160, 160..<320, 50..<320, 330..<420, 320..<420, 419..<420] {
            #expect(RandomFeatures.orthogonalRows(Philox(seed: 8), rows: r, dim: d).bitPatterns == rows(r).bitPatterns, "rows \(r)")
        }
        for r in [0..<150, 10..<130, 170..<171, 300..<400] {
            let alone = RandomFeatures.orthogonalRows(Philox(seed: 8), rows: r, dim: d)
            let worst = maxDifference(alone, rows(r))
            #expect(worst < 1e-5, "rows \(r) differ by up to \(worst)")
        }
        #expect(RandomFeatures.orthogonalRows(Philox(seed: 8), rows: 5..<5, dim: d).isEmpty)
    }
}
