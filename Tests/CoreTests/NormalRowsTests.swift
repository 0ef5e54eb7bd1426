import CVectorMath
import Foundation
import Testing
import TestSupport
@testable import Core

/// Dense Ω's generator version 2 (`engram_normal_rows`, `RandomFeatures.normalRows`) against the Swift
/// reference (`Philox`, version 1's `gaussianRows`), across the vector widths this CPU runs and across
/// thread counts, and version 1 against a fixture written before version 2 existed.
@Suite struct NormalRowsTests {
    /// The widths this CPU runs (the scalar loops always).
    static let widths = [512, 256, 32].compactMap { VectorWidth(bits: $0) }
    static let seed: UInt64 = 0x0123_4567_89AB_CDEF

    /// Version 1's Ω for seed 0x0123456789ABCDEF, D = 13 (so a partial counter ends each row), rows 0,
    /// 1 and 70 000, as float32 bit patterns: computed by the Python client's numpy generator (float64
    /// Box–Muller, clients/python/engram_client/features.py) before generator version 2 was written.
    static let version1Rows: [Int: [UInt32]] = [
        0: [0x3DE1_6BED, 0xBF4D_97EC, 0xC00E_4DB4, 0x3E9A_0FB4, 0xBEC3_17B0, 0x3F4B_1BEB, 0xBEE1_39AF, 0xBFA4_FFAF, 0xBE82_6801,
            0xBC65_6516, 0x3F9B_3DF7, 0x3F6C_FABF, 0xBF63_FD1B],
        1: [0xBEAD_F295, 0x3EEC_2E89, 0xBF25_C8BC, 0x3F3E_B610, 0xBF8E_8BB1, 0x3F8F_3A24, 0xBF97_706A, 0x3FB2_242D, 0xBF70_A85A,
            0xBFA5_99F7, 0x3DE6_E04D, 0x3FF5_1C7E, 0xBF69_626B],
        70_000: [0xBF15_C14F, 0x3E8E_B571, 0xBE22_4A7C, 0xBF76_DEDE, 0xBFA1_0D22, 0x3FF9_9F00, 0x3F3B_B063, 0xBF05_0D9A, 0x3F26_42CC,
                 0x3F44_1BEC, 0xBF83_E84E, 0xBF38_C6E0, 0xBEF2_8CD3],
    ]

    /// Version 1 is unchanged: stores made before version 2 keep their Ω bit for bit.
    @Test func version1KeepsItsBits() throws {
        let features = try RandomFeatures(kind: .sincos, dim: 13, count: 2, beta: 1, seed: Self.seed, generator: .version1)
        #expect(features.generator == .version1)
        #expect(Array(features.omega[0..<13]).bitPatterns == Self.version1Rows[0])
        #expect(Array(features.omega[13..<26]).bitPatterns == Self.version1Rows[1])
        #expect(RandomFeatures.gaussianRows(Philox(seed: Self.seed), rows: 70_000..<70_001, dim: 13, stream: 0).bitPatterns == Self.version1Rows[70_000])
    }

    /// Version 2 is what new features get, and its normals are version 1's formula: within one float
    /// ulp of the fixture (SLEEF's and Foundation's log, cos and sin differ by at most about 1 ulp in
    /// Double, which rarely moves a float rounding).
    @Test func version2IsVersion1sFormula() throws {
        let features = try RandomFeatures(kind: .sincos, dim: 13, count: 2, beta: 1, seed: Self.seed)
        #expect(features.generator == .version2)
        let far = RandomFeatures.normalRows(Philox(seed: Self.seed), rows: 70_000..<70_001, dim: 13, stream: 0)
        for (got, row) in [(Array(features.omega[0..<13]), 0), (Array(features.omega[13..<26]), 1), (far, 70_000)] {
            let expected = try #require(Self.version1Rows[row]).map(Float.init(bitPattern:))
            #expect(zip(got, expected).allSatisfy { abs($0 - $1) <= $1.ulp }, "row \(row): \(got) against \(expected)")
        }
    }

    /// Over a million entries, version 2 and version 1 differ by at most one float ulp, in at most a
    /// few entries in 10⁵ (none were seen in 1.6·10⁷ while it was written).
    @Test func version2AgreesWithVersion1OnAMillionEntries() {
        let philox = Philox(seed: 11), rows = 3..<1027, dim = 1001
        let old = RandomFeatures.gaussianRows(philox, rows: rows, dim: dim, stream: 0)
        let new = RandomFeatures.normalRows(philox, rows: rows, dim: dim, stream: 0)
        #expect(zip(old, new).allSatisfy { abs($0 - $1) <= $0.ulp })
        #expect(zip(old, new).count { $0.bitPattern != $1.bitPattern } <= old.count / 10_000)
    }

    /// The integer part: every width's Philox words are `Philox.block`'s bit for bit, over counters
    /// that end in a partial vector.
    @Test(arguments: widths)
    func philoxWordsAreTheReference(width: VectorWidth) {
        let philox = Philox(seed: 0xFEDC_BA98_7654_3210), first = 4_294_967_000, count = 37
        var words = [UInt32](repeating: 0, count: 4 * count)
        engram_philox_words(Int32(width.bits), philox.key.0, philox.key.1, 5, 3, first, count, &words)
        let expected = (0..<count).flatMap { k in
            let b = philox.block((UInt32(first + k), 5, 3, 0))
            return [b.0, b.1, b.2, b.3]
        }
        #expect(words == expected)
    }

    /// Every width writes the scalar loops' bits, for row lengths that end in a partial counter and a
    /// partial vector, from rows that do not start at 0.
    @Test(arguments: [1, 3, 4, 5, 13, 31, 32, 33, 784])
    func everyWidthWritesTheSameBits(dim: Int) {
        let philox = Philox(seed: 99), rows = 17..<40
        let scalar = RandomFeatures.normalRows(philox, rows: rows, dim: dim, stream: 0, threads: 1, width: .scalar)
        for width in Self.widths {
            #expect(RandomFeatures.normalRows(philox, rows: rows, dim: dim, stream: 0, threads: 1, width: width).bitPatterns == scalar.bitPatterns,
                    "\(width)")
        }
    }

    /// Any split into blocks of rows gives the same bits: 1 to 8 threads, and a block generated alone.
    @Test func threadCountDoesNotChangeTheBits() {
        let philox = Philox(seed: 4), rows = 0..<97, dim = 45
        let one = RandomFeatures.normalRows(philox, rows: rows, dim: dim, stream: 0, threads: 1)
        for threads in [2, 3, 8] {
            #expect(RandomFeatures.normalRows(philox, rows: rows, dim: dim, stream: 0, threads: threads).bitPatterns == one.bitPatterns, "\(threads) threads")
        }
        #expect(RandomFeatures.normalRows(philox, rows: 50..<61, dim: dim, stream: 0, threads: 1).bitPatterns == Array(one[(50 * dim)..<(61 * dim)]).bitPatterns)
    }

    /// The normals are standard: over n = 2²⁰ entries, the mean within 0.005 of 0 and the mean square
    /// within 0.007 of 1 (5 standard errors: 1/√n and √(2/n)); |z| > 3 in 2 831 ± 265 entries and
    /// |z| > 4 in 66 ± 40 (P = 0.0027 and 6.3·10⁻⁵, 5 standard errors); every |z| at most
    /// √(−2 ln 2⁻³³) ≈ 6.77, the largest Box–Muller radius of the uniforms (w + 0.5)/2³².
    @Test func normalsAreStandard() {
        let z = RandomFeatures.normalRows(Philox(seed: 2026), rows: 0..<1024, dim: 1024, stream: 0).map(Double.init)
        let n = Double(z.count)
        #expect(abs(z.reduce(0, +) / n) < 0.005)
        #expect(abs(z.reduce(0) { $0 + $1 * $1 } / n - 1) < 0.007)
        let over3 = z.count { abs($0) > 3 }, over4 = z.count { abs($0) > 4 }
        #expect((2_831 - 265)...(2_831 + 265) ~= over3, "\(over3)")
        #expect((66 - 40)...(66 + 40) ~= over4, "\(over4)")
        #expect(z.allSatisfy { $0.isFinite && abs($0) <= 6.77 })
    }
}
