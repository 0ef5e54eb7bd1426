import Foundation

/// A JSON number read as (−1)^negative × significand × 10^exponent, with its first 19 significant
/// digits in `significand` (`exact` is false when a non-zero digit came after them), and its nearest
/// float32.
package struct DecimalNumber {
    package var negative = false
    package var significand: UInt64 = 0
    package var exponent = 0
    package var exact = true

    /// The float32 nearest the number (ties to even), as `strtof` gives it; ±infinity beyond float32's
    /// range. `text` is the number's JSON text, read by `strtof` in the rare cases the fast path cannot
    /// vouch for.
    ///
    /// The fast path: d = significand × 10^exponent in double arithmetic, exact powers of ten (10²² at
    /// most) applied once or twice, so |d − x| ≤ 3·2⁻⁵³·|x| (significand rounding and at most two
    /// products; a truncated significand adds less than 10⁻¹⁸) — a few of d's ulps. Rounding d to
    /// float32 then gives x's float unless a float32 midpoint lies within that error of d: the
    /// midpoints are the doubles whose low 29 significand bits are 1 followed by 28 zeros (the float's
    /// 24 bits, then a half), so d is accepted when its low 29 bits are more than `slack` ulps from
    /// that. Float32 subnormals (other midpoints) and |exponent| > 44 go to `strtof`.
    package func float32(text: UnsafeBufferPointer<UInt8>) -> Float {
        if significand == 0 { return negative ? -0.0 : 0 }
        if exponent >= -44 && exponent <= 44 {
            var d = Double(significand)
            var e = exponent
            if e < -22 {
                d /= 1e22
                e += 22
            } else if e > 22 {
                d *= 1e22
                e -= 22
            }
            d = e < 0 ? d / Self.powersOfTen[-e] : d * Self.powersOfTen[e]
            let low = Int(d.bitPattern & (1 << 29 - 1))
            if d >= Double(Float.leastNormalMagnitude) && abs(low - 1 << 28) > Self.slack {
                let f = Float(d)
                return negative ? -f : f
            }
        }
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: text.count + 1) { buffer in
            for (i, b) in text.enumerated() { buffer[i] = CChar(bitPattern: b) }
            buffer[text.count] = 0
            return strtof(buffer.baseAddress!, nil)
        }
    }

    /// How many of d's ulps from a float32 midpoint send the number to `strtof`: the error is under 7
    /// (3·2⁻⁵³·|x| is 3 ulps of d, 6 in the binade below a power of two).
    private static let slack = 64

    /// 10⁰ … 10²², all exact in double.
    private static let powersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]
}
