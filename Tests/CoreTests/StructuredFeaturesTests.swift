import CVectorMath
import Foundation
import Testing
import TestSupport
@testable import Core

/// The structured (SORF) transform's pieces against oracles written here: the fast Walsh–Hadamard
/// transform against the Hadamard matrix's entries (−1)^popcount(a & b) summed in Double, the same bits
/// from every SIMD width the CPU runs, the row norms against the chi distribution's moments, and what
/// the features refuse. (Against numpy and scipy.linalg.hadamard: ServerTests' StructuredFixtureTests.)
@Suite struct StructuredFeaturesTests {
    /// The widths this CPU runs; the comparisons are skipped for the others.
    static let widths = [512, 256, 32].compactMap { VectorWidth(bits: $0) }

    /// Uniform data in [−1, 1) and random signs, [p] each.
    static func data(_ p: Int, seed: UInt64) -> (values: [Float], signs: [Float]) {
        let values = uniformMatrix(rows: 1, cols: p, seed: seed).values
        return (values, uniformMatrix(rows: 1, cols: p, seed: seed + 1).values.map { $0 < 0 ? -1 : 1 })
    }

    static func fwht(_ v: [Float], signs: [Float]?, width: VectorWidth) -> [Float] {
        var out = v
        out.withUnsafeMutableBufferPointer { o in
            if let signs {
                signs.withUnsafeBufferPointer { engram_fwht(Int32(width.bits), o.baseAddress!, $0.baseAddress!, v.count) }
            } else {
                engram_fwht(Int32(width.bits), o.baseAddress!, nil, v.count)
            }
        }
        return out
    }

    /// Entry a of H_p (sign ⊙ v), in Double from the matrix's definition.
    static func hadamardEntry(_ a: Int, _ v: [Float], signs: [Float]) -> Double {
        v.indices.reduce(0.0) { total, b in total + ((a & b).nonzeroBitCount.isMultiple(of: 2) ? 1 : -1) * Double(signs[b] * v[b]) }
    }

    /// Every width against the matrix: all entries up to p = 1024, 64 spread entries at the PINF order
    /// 16 384 (past the cache chunk of 2048, so the chunked stages run), with signs and without.
    @Test(arguments: [1, 2, 4, 8, 16, 32, 64, 128, 1024, 16_384], widths)
    func fwhtIsTheHadamardMatrix(p: Int, width: VectorWidth) {
        let (v, signs) = Self.data(p, seed: UInt64(p))
        let entries = p <= 1024 ? Array(0..<p) : Array(stride(from: 5, to: p, by: p / 64))
        for useSigns in [false, true] {
            let out = Self.fwht(v, signs: useSigns ? signs : nil, width: width)
            let s = useSigns ? signs : [Float](repeating: 1, count: p)
            // Sums of p terms of size ≤ 1 in Float: within p · 2⁻²⁰ of the exact sum (log₂ p roundings each).
            let bad = entries.filter { abs(Double(out[$0]) - Self.hadamardEntry($0, v, signs: s)) > Double(p) * 1e-6 }
            #expect(bad.isEmpty, "p = \(p), \(width), signs \(useSigns): entries \(bad.prefix(5)) differ")
        }
    }

    /// Every width gives the scalar loop's bits: the transform alone, and a projection and
    /// back-projection at D = 100 (P = 128, a partial last block) and D = 12 288 (P = 16 384).
    @Test(arguments: widths)
    func widthsGiveTheSameBits(width: VectorWidth) throws {
        for p in [8, 16, 64, 2048, 16_384] {
            let (v, signs) = Self.data(p, seed: 40 + UInt64(p))
            #expect(Self.fwht(v, signs: signs, width: width).bitPatterns == Self.fwht(v, signs: signs, width: .scalar).bitPatterns, "p = \(p)")
        }
        for (d, y) in [(100, 300), (12_288, 20_000)] {
            let projection = try StructuredProjection(seed: 9, dim: d, count: y)
            let x = randomMatrix(rows: 2, cols: d, seed: 3), g = randomMatrix(rows: 2, cols: y, seed: 4)
            func run(_ width: VectorWidth) -> (h: [Float], back: [Float]) {
                var h = [Float](repeating: 0, count: 2 * y), back = [Float](repeating: 0, count: 2 * d)
                var scratch = [Float](repeating: 0, count: projection.scratchCount)
                scratch.withUnsafeMutableBufferPointer { s in
                    x.values.withUnsafeBufferPointer { projection.project($0.baseAddress!, rows: 2, alpha: 0.7, into: &h, ldh: y, scratch: s.baseAddress!, width: width) }
                    g.values.withUnsafeBufferPointer { projection.backProject($0.baseAddress!, rows: 2, ldp: y, into: &back, scratch: s.baseAddress!, width: width) }
                }
                return (h, back)
            }
            let (wide, scalar) = (run(width), run(.scalar))
            #expect(wide.h.bitPatterns == scalar.h.bitPatterns && wide.back.bitPatterns == scalar.back.bitPatterns, "D = \(d), \(width)")
        }
    }

    /// The row norms S follow χ_P: over 20 000 rows at P = 64, the sample mean and variance within five
    /// standard errors of E[χ_P] = √2 Γ((P+1)/2) / Γ(P/2) and Var = P − E², (standard errors from
    /// Var/n and, for the variance, 2Var²/(n − 1), the normal approximation).
    @Test func rowNormsAreChiDistributed() throws {
        let p = 64, n = 20_000
        let projection = try StructuredProjection(seed: 17, dim: 40, count: n)
        #expect(projection.order == p)
        let s = projection.norms.prefix(n).map(Double.init)
        let mean = s.reduce(0, +) / Double(n)
        let variance = s.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n - 1)
        let expectedMean = 2.0.squareRoot() * Foundation.exp(lgamma(Double(p + 1) / 2) - lgamma(Double(p) / 2))
        let expectedVariance = Double(p) - expectedMean * expectedMean
        #expect(abs(mean - expectedMean) < 5 * (expectedVariance / Double(n)).squareRoot(), "mean \(mean), χ_64's \(expectedMean)")
        #expect(abs(variance - expectedVariance) < 5 * expectedVariance * (2 / Double(n - 1)).squareRoot(),
                "variance \(variance), χ_64's \(expectedVariance)")
    }

    /// Ω restricted to the first D columns has Gaussian rows' length: the mean of ‖ω_i‖² over Y = 3 000 rows
    /// is D within five standard errors (√(2D/Y)), at D = 100 (P = 128) and D = 64 (P = D).
    @Test(arguments: [100, 64])
    func rowsHaveGaussianLength(d: Int) throws {
        let y = 3000
        let features = try RandomFeatures(kind: .sincos, dim: d, count: y, beta: 1, seed: 23, transform: .structured)
        let rows = try #require(features.projection as? StructuredProjection).materialise(rows: 0..<y)
        let meanSquare = (0..<y).reduce(0.0) { total, i in total + (0..<d).reduce(0.0) { $0 + Double(rows[i * d + $1] * rows[i * d + $1]) } } / Double(y)
        #expect(abs(meanSquare - Double(d)) < 5 * (2 * Double(d) / Double(y)).squareRoot(), "mean ‖ω‖² \(meanSquare), D = \(d)")
    }

    /// Rows within a block are orthogonal (P = D = 64: the whole block's columns are used).
    @Test func rowsWithinABlockAreOrthogonal() throws {
        let d = 64
        let rows = try StructuredProjection(seed: 2, dim: d, count: 2 * d).materialise(rows: 0..<(2 * d))
        func dot(_ i: Int, _ j: Int) -> Double { (0..<d).reduce(0.0) { $0 + Double(rows[i * d + $1]) * Double(rows[j * d + $1]) } }
        for block in 0..<2 {
            for i in (block * d)..<((block + 1) * d) {
                for j in (block * d)..<i { #expect(abs(dot(i, j)) < 1e-4 * (dot(i, i) * dot(j, j)).squareRoot(), "rows \(i), \(j)") }
            }
        }
    }

    /// Structured features hold 4·P·⌈Y/P⌉ floats and b, never Ω; orthogonal is refused; the same seed gives
    /// the same features.
    @Test func sizeRefusalsAndSeeds() throws {
        let features = try RandomFeatures(kind: .cos, dim: 12_288, count: 180_000, beta: 60, seed: 1, transform: .structured)
        #expect(features.omega.isEmpty && features.storedFloats == 4 * 16_384 * 11 + 180_000)
        #expect(throws: CoreError.self) { try RandomFeatures(kind: .cos, dim: 8, count: 16, beta: 1, seed: 1, orthogonal: true, transform: .structured) }
        #expect(throws: CoreError.self) { try RandomFeatures(kind: .cos, dim: 8, count: 16, beta: 0, seed: 1, transform: .structured) }
        #expect(throws: CoreError.self) { try RandomFeatures(kind: .cos, dim: 8, count: 0, beta: 1, seed: 1, transform: .structured) }
        let one = try StructuredProjection(seed: 5, dim: 10, count: 40), two = try StructuredProjection(seed: 5, dim: 10, count: 40)
        let other = try StructuredProjection(seed: 6, dim: 10, count: 40)
        #expect(one.materialise(rows: 0..<40).bitPatterns == two.materialise(rows: 0..<40).bitPatterns)
        #expect(one.materialise(rows: 0..<40) != other.materialise(rows: 0..<40))
    }
}
