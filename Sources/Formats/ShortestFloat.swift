/// The shortest decimal that reads back as the same float32 (and, among the shortest, the one nearest
/// the float's exact value): Ulf Adams's Ryū (PLDI 2018, `f2s.c`), on 32- and 64-bit integers only.
///
/// `write` gives JSON number text: `-` when negative, then whichever of the plain form (`0.00123`,
/// `12.5`, `300`) and the exponent form (`1.23e-3`, `3e38`) is shorter, the plain one on a tie. So
/// the text is never longer than Swift's `Float.description` (same digits, no `.0`, no `+` or padded
/// exponent). `-0.0` is `-0`.
package enum ShortestFloat {
    /// The longest text `write` gives: a sign, 9 digits, a point and a two-digit negative exponent
    /// (`-1.00010075e-36`).
    package static let maxLength = 15

    /// Writes finite `value` at `out` (room for `maxLength` bytes); returns the bytes written.
    package static func write(_ value: Float, to out: UnsafeMutablePointer<UInt8>) -> Int {
        var at = 0
        if value.sign == .minus {
            out[0] = UInt8(ascii: "-")
            at = 1
        }
        if value == 0 {
            out[at] = UInt8(ascii: "0")
            return at + 1
        }
        let (significand, exponent) = decimal(value)
        let n = digitCount(significand)
        // value = 0.d₁…dₙ × 10^point = d₁.d₂…dₙ × 10^(point - 1).
        let point = n + exponent
        let plainLength = exponent >= 0 ? point : point > 0 ? n + 1 : 2 - point + n
        let scientific = point - 1
        let scientificLength = n + (n > 1 ? 1 : 0) + 1 + (scientific < 0 ? 1 : 0) + digitCount(UInt32(scientific.magnitude))
        if plainLength <= scientificLength {
            if exponent >= 0 {
                writeDigits(significand, count: n, to: out + at)
                for i in n..<point { out[at + i] = UInt8(ascii: "0") }
            } else if point > 0 {
                // d₁…d_point . the rest: write all digits one place right, then pull the head back.
                writeDigits(significand, count: n, to: out + at + 1)
                for i in 0..<point { out[at + i] = out[at + i + 1] }
                out[at + point] = UInt8(ascii: ".")
            } else {
                out[at] = UInt8(ascii: "0")
                out[at + 1] = UInt8(ascii: ".")
                for i in 0..<(-point) { out[at + 2 + i] = UInt8(ascii: "0") }
                writeDigits(significand, count: n, to: out + at + 2 - point)
            }
            return at + plainLength
        }
        // d₁ . d₂…dₙ e [-] exponent
        writeDigits(significand, count: n, to: out + at + 1)
        out[at] = out[at + 1]
        var end = at + 1
        if n > 1 {
            out[end] = UInt8(ascii: ".")
            end = at + n + 1
        }
        out[end] = UInt8(ascii: "e")
        end += 1
        if scientific < 0 {
            out[end] = UInt8(ascii: "-")
            end += 1
        }
        let m = UInt32(scientific.magnitude), width = digitCount(m)
        writeDigits(m, count: width, to: out + end)
        return end + width
    }

    /// Finite, non-zero |`value`| as `significand` × 10^`exponent` with the fewest significand digits
    /// that read back as `value`, the nearest such on a tie.
    package static func decimal(_ value: Float) -> (significand: UInt32, exponent: Int) {
        if let short = threePlaces(value) { return short }
        let bits = value.bitPattern
        let ieeeMantissa = bits & 0x7F_FFFF
        let ieeeExponent = Int((bits >> 23) & 0xFF)
        // value = m2 × 2^e2, with two extra bits to make room for the halfway points.
        let e2: Int
        let m2: UInt32
        if ieeeExponent == 0 {
            e2 = 1 - 127 - 23 - 2
            m2 = ieeeMantissa
        } else {
            e2 = ieeeExponent - 127 - 23 - 2
            m2 = (1 << 23) | ieeeMantissa
        }
        let acceptBounds = m2 & 1 == 0

        // The rounding interval [mm, mp] around mv (4·m2), in units of 2^e2.
        let mv = 4 &* m2
        let mp = 4 &* m2 &+ 2
        let mmShift: UInt32 = ieeeMantissa != 0 || ieeeExponent <= 1 ? 1 : 0
        let mm = 4 &* m2 &- 1 &- mmShift

        // The interval in decimal: vr, vp, vm = mv, mp, mm × 2^e2 / 10^e10 (floored).
        var vr: UInt32, vp: UInt32, vm: UInt32
        let e10: Int
        var vmIsTrailingZeros = false, vrIsTrailingZeros = false
        var lastRemovedDigit: UInt32 = 0
        if e2 >= 0 {
            let q = log10Pow2(e2)
            e10 = q
            let k = pow5InverseBits + pow5Bits(q) - 1
            let i = -e2 + q + k
            vr = mulShift(mv, pow5InverseSplit[q], i)
            vp = mulShift(mp, pow5InverseSplit[q], i)
            vm = mulShift(mm, pow5InverseSplit[q], i)
            if q != 0 && (vp &- 1) / 10 <= vm / 10 {
                // One removed digit is needed even when the loop below removes none.
                let l = pow5InverseBits + pow5Bits(q - 1) - 1
                lastRemovedDigit = mulShift(mv, pow5InverseSplit[q - 1], -e2 + q - 1 + l) % 10
            }
            if q <= 9 {
                // At most one of mp, mv and mm is a multiple of 5.
                if mv % 5 == 0 {
                    vrIsTrailingZeros = multipleOfPowerOf5(mv, q)
                } else if acceptBounds {
                    vmIsTrailingZeros = multipleOfPowerOf5(mm, q)
                } else if multipleOfPowerOf5(mp, q) {
                    vp &-= 1
                }
            }
        } else {
            let q = log10Pow5(-e2)
            e10 = q + e2
            let i = -e2 - q
            let k = pow5Bits(i) - pow5Bits61
            var j = q - k
            vr = mulShift(mv, pow5Split[i], j)
            vp = mulShift(mp, pow5Split[i], j)
            vm = mulShift(mm, pow5Split[i], j)
            if q != 0 && (vp &- 1) / 10 <= vm / 10 {
                j = q - 1 - (pow5Bits(i + 1) - pow5Bits61)
                lastRemovedDigit = mulShift(mv, pow5Split[i + 1], j) % 10
            }
            if q <= 1 {
                // mv = 4·m2 has at least two trailing zero bits; mm has one exactly when mmShift is 1.
                vrIsTrailingZeros = true
                if acceptBounds {
                    vmIsTrailingZeros = mmShift == 1
                } else {
                    vp &-= 1
                }
            } else if q < 31 {
                vrIsTrailingZeros = mv & ((1 << (q - 1)) - 1) == 0
            }
        }

        // The shortest in the interval: drop digits while vp and vm still differ above them.
        var removed = 0
        let output: UInt32
        if vmIsTrailingZeros || vrIsTrailingZeros {
            while vp / 10 > vm / 10 {
                vmIsTrailingZeros = vmIsTrailingZeros && vm % 10 == 0
                vrIsTrailingZeros = vrIsTrailingZeros && lastRemovedDigit == 0
                lastRemovedDigit = vr % 10
                vr /= 10
                vp /= 10
                vm /= 10
                removed += 1
            }
            if vmIsTrailingZeros {
                while vm % 10 == 0 {
                    vrIsTrailingZeros = vrIsTrailingZeros && lastRemovedDigit == 0
                    lastRemovedDigit = vr % 10
                    vr /= 10
                    vp /= 10
                    vm /= 10
                    removed += 1
                }
            }
            if vrIsTrailingZeros && lastRemovedDigit == 5 && vr % 2 == 0 {
                // Exactly halfway: round to even.
                lastRemovedDigit = 4
            }
            output = vr &+ ((vr == vm && (!acceptBounds || !vmIsTrailingZeros)) || lastRemovedDigit >= 5 ? 1 : 0)
        } else {
            // The common case (~96%): only whether the removed digits round vr up matters, so they go
            // four and two at a time first (removing k at once is allowed exactly when removing them
            // one by one would be).
            var roundUp = lastRemovedDigit >= 5
            if vp / 10000 > vm / 10000 {
                let quotient = vr / 10000
                roundUp = vr &- quotient &* 10000 >= 5000
                vr = quotient
                vp /= 10000
                vm /= 10000
                removed += 4
            }
            if vp / 100 > vm / 100 {
                let quotient = vr / 100
                roundUp = vr &- quotient &* 100 >= 50
                vr = quotient
                vp /= 100
                vm /= 100
                removed += 2
            }
            while vp / 10 > vm / 10 {
                roundUp = vr % 10 >= 5
                vr /= 10
                vp /= 10
                vm /= 10
                removed += 1
            }
            output = vr &+ (vr == vm || roundUp ? 1 : 0)
        }
        return (output, e10 + removed)
    }

    /// The answer for a float with at most three decimal places (0.5, 12.25, 300), without Ryū, or nil.
    ///
    /// For 10⁻³ ≤ |value| < 4096 half an ulp is under 0.000123, so a decimal with at most three places
    /// that reads back as `value` can only be the multiple of 0.001 nearest it, m/1000; and with the
    /// fewest digits, it is also Ryū's answer. m/1000 reads back as `value` when the double nearest it
    /// does, unless that double lies exactly on a float32 midpoint (low 29 significand bits 1 then 28
    /// zeros), where the two roundings could part: those are left to Ryū.
    @inline(__always)
    private static func threePlaces(_ value: Float) -> (significand: UInt32, exponent: Int)? {
        let d = Double(value.magnitude)
        guard d >= 1e-3 && d < 4096 else { return nil }
        let scaled = d * 1000  // exact: 24 bits times 10 bits
        let m = (scaled + 0x1p52) - 0x1p52  // rounded to an integer (scaled < 2⁵²), without a libm call
        // Within half an ulp (exact arithmetic, and a cheap refusal for most floats), then reading back.
        guard abs(scaled - m) <= 500 * Double(value.ulp) else { return nil }
        let q = m / 1000
        guard Float(q) == value.magnitude && q.bitPattern & (1 << 29 - 1) != 1 << 28 else { return nil }
        var significand = UInt32(m), exponent = -3
        while significand % 10 == 0 {
            significand /= 10
            exponent += 1
        }
        return (significand, exponent)
    }

    /// Writes the `count` decimal digits of `value` at `out`, two at a time.
    @inline(__always)
    private static func writeDigits(_ value: UInt32, count: Int, to out: UnsafeMutablePointer<UInt8>) {
        let pairs = digitPairs.utf8Start
        var v = value, i = count
        while i >= 2 {
            let pair = Int(v % 100) * 2
            v /= 100
            i -= 2
            out[i] = pairs[pair]
            out[i + 1] = pairs[pair + 1]
        }
        if i == 1 { out[0] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: v) }
    }

    /// "00" "01" … "99".
    private static let digitPairs: StaticString = """
        00010203040506070809101112131415161718192021222324252627282930313233343536373839\
        40414243444546474849505152535455565758596061626364656667686970717273747576777879\
        8081828384858687888990919293949596979899
        """

    /// The number of decimal digits of `v` (1 for 0).
    @inline(__always)
    private static func digitCount(_ v: UInt32) -> Int {
        // ⌊log₁₀ 2⌋ ≈ 1233/4096 turns the bit length into the digit count or one less.
        let guess = ((32 - v.leadingZeroBitCount) &* 1233) >> 12
        return max(1, guess + (v >= powersOfTen[guess] ? 1 : 0))
    }

    /// 10⁰ … 10⁹.
    private static let powersOfTen: [UInt32] = [1, 10, 100, 1000, 10000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000]

    /// ⌈log₂ 5^e⌉ (1 for e = 0), for 0 ≤ e ≤ 3528.
    @inline(__always)
    private static func pow5Bits(_ e: Int) -> Int { Int((UInt32(e) &* 1_217_359) >> 19) + 1 }
    /// ⌊log₁₀ 2^e⌋, for 0 ≤ e ≤ 1650.
    @inline(__always)
    private static func log10Pow2(_ e: Int) -> Int { Int((UInt32(e) &* 78913) >> 18) }
    /// ⌊log₁₀ 5^e⌋, for 0 ≤ e ≤ 2620.
    @inline(__always)
    private static func log10Pow5(_ e: Int) -> Int { Int((UInt32(e) &* 732_923) >> 20) }

    private static func multipleOfPowerOf5(_ value: UInt32, _ p: Int) -> Bool {
        var v = value, count = 0
        while v % 5 == 0 && v != 0 {
            v /= 5
            count += 1
        }
        return count >= p
    }

    /// ⌊m × factor / 2^shift⌋ (shift > 32), as 32 bits.
    @inline(__always)
    private static func mulShift(_ m: UInt32, _ factor: UInt64, _ shift: Int) -> UInt32 {
        let low = UInt64(m) &* (factor & 0xFFFF_FFFF)
        let high = UInt64(m) &* (factor >> 32)
        return UInt32(truncatingIfNeeded: ((low >> 32) &+ high) >> (shift - 32))
    }

    private static let pow5InverseBits = 59
    private static let pow5Bits61 = 61

    /// ⌊2^(pow5Bits(i) - 1 + 59) / 5^i⌋ + 1 for i in 0...30: 10^-q scaled to 59 bits, rounded up.
    private static let pow5InverseSplit: [UInt64] = (0...30).map { i in
        let power = pow5(i), shift = pow5Bits(i) - 1 + pow5InverseBits
        // shift reaches 128 at i = 30; 5^i is no power of two there, so ⌊(2^128 - 1) / 5^i⌋ is the same.
        let quotient = shift == 128 ? UInt128.max / power : (UInt128(1) << shift) / power
        return UInt64(quotient + 1)
    }

    /// 5^i to 61 bits (⌊5^i / 2^(pow5Bits(i) - 61)⌋) for i in 0...47.
    private static let pow5Split: [UInt64] = (0...47).map { i in
        let power = pow5(i), bits = pow5Bits(i)
        return UInt64(bits <= pow5Bits61 ? power << (pow5Bits61 - bits) : power >> (bits - pow5Bits61))
    }

    private static func pow5(_ i: Int) -> UInt128 { (0..<i).reduce(1) { p, _ in p * 5 } }
}
