import Foundation

/// Philox4x32-10, the counter-based generator of Salmon et al. (SC 2011, "Parallel random numbers:
/// as easy as 1, 2, 3"): a keyed bijection of a 128-bit counter. Output i depends only on (key,
/// counter i), so any block of random numbers can be generated on its own, in any order, on any
/// machine, with the same result. Checked against Random123's known-answer vectors.
package struct Philox: Sendable {
    /// The 64-bit key (a store's `seed`), as two 32-bit words.
    package let key: (UInt32, UInt32)

    /// A generator keyed by `seed`.
    package init(seed: UInt64) {
        key = (UInt32(truncatingIfNeeded: seed), UInt32(truncatingIfNeeded: seed >> 32))
    }

    /// A generator with an explicit two-word key.
    package init(key: (UInt32, UInt32)) { self.key = key }

    /// The four 32-bit outputs for counter `c`.
    package func block(_ c: (UInt32, UInt32, UInt32, UInt32)) -> (UInt32, UInt32, UInt32, UInt32) {
        var (c0, c1, c2, c3) = c
        var (k0, k1) = key
        for round in 0..<10 {
            if round > 0 {
                k0 &+= 0x9E37_79B9
                k1 &+= 0xBB67_AE85
            }
            let p0 = UInt64(0xD251_1F53) * UInt64(c0)
            let p1 = UInt64(0xCD9E_8D57) * UInt64(c2)
            let (hi0, lo0) = (UInt32(p0 >> 32), UInt32(truncatingIfNeeded: p0))
            let (hi1, lo1) = (UInt32(p1 >> 32), UInt32(truncatingIfNeeded: p1))
            (c0, c1, c2, c3) = (hi1 ^ c1 ^ k0, lo1, hi0 ^ c3 ^ k1, lo0)
        }
        return (c0, c1, c2, c3)
    }

    /// Four uniforms in the open interval (0, 1) for counter `c`: (w + 0.5) / 2³² per output word w.
    package func uniforms(_ c: (UInt32, UInt32, UInt32, UInt32)) -> SIMD4<Double> {
        let (a, b, cc, d) = block(c)
        return (SIMD4<Double>(Double(a), Double(b), Double(cc), Double(d)) + 0.5) / 4_294_967_296.0
    }

    /// Four standard normals for counter `c`, by Box–Muller on the two pairs of `uniforms(c)`:
    /// (u₀, u₁) ↦ r cos 2πu₁, r sin 2πu₁ with r = √(−2 ln u₀), and likewise (u₂, u₃).
    package func normals(_ c: (UInt32, UInt32, UInt32, UInt32)) -> SIMD4<Double> {
        let u = uniforms(c)
        let r0 = (-2 * Foundation.log(u[0])).squareRoot(), r1 = (-2 * Foundation.log(u[2])).squareRoot()
        let t0 = 2 * Double.pi * u[1], t1 = 2 * Double.pi * u[3]
        return SIMD4(r0 * Foundation.cos(t0), r0 * Foundation.sin(t0), r1 * Foundation.cos(t1), r1 * Foundation.sin(t1))
    }
}
