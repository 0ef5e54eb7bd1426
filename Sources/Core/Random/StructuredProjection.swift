import CVectorMath
import Foundation

/// Structured orthogonal random features (SORF, Yu et al., NeurIPS 2016): Ω [Y, D] is never stored.
/// With P the smallest power of two ≥ D and H = H_P/√P the normalised Walsh–Hadamard matrix (natural
/// order), block k of P rows (rows [kP, min((k+1)P, Y))) is the first columns D of
/// W⁽ᵏ⁾ = diag(S⁽ᵏ⁾) · H · D₁⁽ᵏ⁾ · H · D₂⁽ᵏ⁾ · H · D₃⁽ᵏ⁾ [P, P], the state zero-padded to P.
/// The projection holds the signs D_m [P] and the row norms S [P] of each block, 4·P·⌈Y/P⌉ floats, and
/// computes Ω x and Ωᵀ g by three fast transforms each per block: O(Y log P) per row instead of O(Y D).
///
/// Generation (Philox4x32-10 keyed by the seed, counter (c0, c1, c2, 0); docs/mathematics.md):
/// - D_m⁽ᵏ⁾[j] = +1 when output word j mod 4 of counter (j / 4, k, 3 + m, 0) is < 2³¹, else −1;
/// - S[i] ~ χ_P for row i: Marsaglia–Tsang's Gamma(P/2) sampler on counters (a, i, 7, 0), attempt a < 64,
///   then √(2·Gamma), in Double rounded once to Float.
package struct StructuredProjection: FeatureProjection {
    package let dim: Int
    package let count: Int
    /// P, the power of two the states are padded to.
    package let order: Int
    /// D₁, D₂, D₃ of each block, [blocks, 3, P], entries ±1.
    let signs: [Float]
    /// S of each block, [blocks, P]; zero past row Y − 1.
    let norms: [Float]

    /// The projection of `count` rows over states of dimension `dim`, from `seed`. Throws when D or Y is
    /// not positive or too large for Philox's 32-bit counter words (P ≤ 2³², Y < 2³²).
    package init(seed: UInt64, dim: Int, count: Int) throws {
        guard dim > 0, count > 0 else { throw CoreError.parameter("dim and features must be positive, got \(dim) and \(count)") }
        guard dim <= 1 << 32, count < 1 << 32, let order = Self.paddedLength(dim) else {
            throw CoreError.parameter("structured features need dim ≤ 2^32 and features < 2^32, got \(dim) and \(count)")
        }
        let blocks = (count + order - 1) / order
        let generator = Philox(seed: seed)
        self.dim = dim
        self.count = count
        self.order = order
        signs = Self.signs(generator, order: order, blocks: blocks)
        var norms = [Float](repeating: 0, count: blocks * order)
        for i in 0..<count { norms[i] = Float(Self.chi(generator, row: i, degrees: order)) }
        self.norms = norms
    }

    /// P for states of dimension `dim` > 0: the smallest power of two ≥ `dim`; nil past Int.
    package static func paddedLength(_ dim: Int) -> Int? {
        let p = dim <= 1 ? 1 : 1 << (Int.bitWidth - (dim - 1).leadingZeroBitCount)
        return p > 0 ? p : nil
    }

    /// The floats a projection of `count` rows over dimension `dim` holds, 4·P·⌈Y/P⌉ (`storedFloats`),
    /// computed before generating anything (a store's limits); nil when a size is not positive or the
    /// count overflows Int.
    package static func storedFloats(dim: Int, count: Int) -> Int? {
        guard dim > 0, count > 0, let p = paddedLength(dim) else { return nil }
        let blocks = count / p + (count % p == 0 ? 0 : 1)
        let (perBlock, overflowP) = p.multipliedReportingOverflow(by: 4)
        let (floats, overflow) = perBlock.multipliedReportingOverflow(by: blocks)
        return overflowP || overflow ? nil : floats
    }

    /// The number of blocks, ⌈Y/P⌉.
    var blocks: Int { norms.count / order }

    package var storedFloats: Int { signs.count + norms.count }
    package var scratchCount: Int { order }

    /// D₁, D₂, D₃ of every block, [blocks, 3, P].
    private static func signs(_ generator: Philox, order: Int, blocks: Int) -> [Float] {
        var out = [Float](repeating: 0, count: blocks * 3 * order)
        for k in 0..<blocks {
            for m in 0..<3 {
                let base = (3 * k + m) * order
                for q in stride(from: 0, to: order, by: 4) {
                    let (w0, w1, w2, w3) = generator.block((UInt32(q / 4), UInt32(k), UInt32(4 + m), 0))
                    let words = SIMD4(w0, w1, w2, w3)
                    for lane in 0..<Swift.min(4, order - q) { out[base + q + lane] = words[lane] < 1 << 31 ? 1 : -1 }
                }
            }
        }
        return out
    }

    /// A χ-distributed length with `degrees` degrees of freedom for row `row`: Marsaglia–Tsang for
    /// Gamma(degrees/2, 1), d = degrees/2 − 1/3, c = 1/√(9d), attempt a on the uniforms of counter
    /// (a, row, 7, 0): z = √(−2 ln u₀) cos 2πu₁, v = (1 + cz)³, accepted when v > 0 and
    /// ln u₂ < z²/2 + d − dv + d ln v; returns √(2dv), or √(2d) when 64 attempts all fail.
    static func chi(_ generator: Philox, row: Int, degrees: Int) -> Double {
        let d = Double(degrees) / 2 - 1.0 / 3, c = 1 / (9 * d).squareRoot()
        for attempt in 0..<64 {
            let u = generator.uniforms((UInt32(attempt), UInt32(row), 7, 0))
            let z = (-2 * Foundation.log(u[0])).squareRoot() * Foundation.cos(2 * Double.pi * u[1])
            let base = 1 + c * z
            let v = base * base * base
            if v > 0, Foundation.log(u[2]) < z * z / 2 + d - d * v + d * Foundation.log(v) { return (2 * d * v).squareRoot() }
        }
        return (2 * d).squareRoot()
    }

    /// On one thread whatever `threads` says: its products are small enough that the descent splits the
    /// queries over the threads instead (`Descent`, `productBytes`).
    package func project(_ x: UnsafePointer<Float>, rows: Int, alpha: Float, into h: UnsafeMutablePointer<Float>, ldh: Int,
                         scratch: UnsafeMutablePointer<Float>, threads: Int) {
        project(x, rows: rows, alpha: alpha, into: h, ldh: ldh, scratch: scratch, width: .inUse)
    }

    /// On one thread, as `project`.
    package func backProject(_ p: UnsafePointer<Float>, rows: Int, ldp: Int, into g: UnsafeMutablePointer<Float>,
                             scratch: UnsafeMutablePointer<Float>, threads: Int) {
        backProject(p, rows: rows, ldp: ldp, into: g, scratch: scratch, width: .inUse)
    }

    /// `project` with the loops of `width`.
    func project(_ x: UnsafePointer<Float>, rows: Int, alpha: Float, into h: UnsafeMutablePointer<Float>, ldh: Int,
                 scratch: UnsafeMutablePointer<Float>, width: VectorWidth) {
        signs.withUnsafeBufferPointer { signs in
            norms.withUnsafeBufferPointer { norms in
                for r in 0..<rows {
                    for k in 0..<blocks {
                        let start = k * order
                        engram_sorf_forward(Int32(width.bits), x + r * dim, dim, signs.baseAddress! + 3 * start, norms.baseAddress! + start,
                                            Swift.min(order, count - start), order, alpha, scratch, h + r * ldh + start)
                    }
                }
            }
        }
    }

    /// `backProject` with the loops of `width`; the blocks are added in order.
    func backProject(_ p: UnsafePointer<Float>, rows: Int, ldp: Int, into g: UnsafeMutablePointer<Float>,
                     scratch: UnsafeMutablePointer<Float>, width: VectorWidth) {
        g.update(repeating: 0, count: rows * dim)
        signs.withUnsafeBufferPointer { signs in
            norms.withUnsafeBufferPointer { norms in
                for r in 0..<rows {
                    for k in 0..<blocks {
                        let start = k * order
                        engram_sorf_backward(Int32(width.bits), p + r * ldp + start, Swift.min(order, count - start),
                                             signs.baseAddress! + 3 * start, norms.baseAddress! + start, order, 1, scratch,
                                             g + r * dim, dim)
                    }
                }
            }
        }
    }

    /// Rows `rows` of Ω [rows.count, D], row i as Ωᵀ eᵢ: O(Y) work per row, for tests at small sizes.
    package func materialise(rows: Range<Int>) -> [Float] {
        var out = [Float](repeating: 0, count: rows.count * dim)
        var unit = [Float](repeating: 0, count: count), scratch = [Float](repeating: 0, count: scratchCount)
        for (r, i) in rows.enumerated() {
            unit[i] = 1
            unit.withUnsafeBufferPointer { e in
                out.withUnsafeMutableBufferPointer { o in
                    scratch.withUnsafeMutableBufferPointer { s in
                        backProject(e.baseAddress!, rows: 1, ldp: count, into: o.baseAddress! + r * dim, scratch: s.baseAddress!, width: .inUse)
                    }
                }
            }
            unit[i] = 0
        }
        return out
    }
}
