import Foundation
import Testing
import TestSupport
@testable import Core

@Suite struct PhiloxTests {
    /// Random123's known-answer vectors for Philox4x32-10.
    @Test(arguments: [
        ((0, 0, 0, 0), (0, 0), (0x6627_E8D5, 0xE169_C58D, 0xBC57_AC4C, 0x9B00_DBD8)),
        ((0xFFFF_FFFF, 0xFFFF_FFFF, 0xFFFF_FFFF, 0xFFFF_FFFF), (0xFFFF_FFFF, 0xFFFF_FFFF), (0x408F_276D, 0x41C8_3B0E, 0xA20B_C7C6, 0x6D54_51FD)),
        ((0x243F_6A88, 0x85A3_08D3, 0x1319_8A2E, 0x0370_7344), (0xA409_3822, 0x299F_31D0), (0xD16C_FE09, 0x94FD_CCEB, 0x5001_E420, 0x2412_6EA1)),
    ] as [((UInt32, UInt32, UInt32, UInt32), (UInt32, UInt32), (UInt32, UInt32, UInt32, UInt32))])
    func knownAnswers(counter: (UInt32, UInt32, UInt32, UInt32), key: (UInt32, UInt32), expected: (UInt32, UInt32, UInt32, UInt32)) {
        let out = Philox(key: key).block(counter)
        #expect([out.0, out.1, out.2, out.3] == [expected.0, expected.1, expected.2, expected.3])
    }

    @Test func seedIsSplitIntoTheTwoKeyWords() {
        let g = Philox(seed: 0x299F_31D0_A409_3822)
        #expect(g.key.0 == 0xA409_3822 && g.key.1 == 0x299F_31D0)
    }

    /// Ω's first four entries for seed 0 are Box–Muller of the zero-counter known answer: the documented
    /// generator, not whatever the implementation happens to do.
    @Test func omegaFollowsTheDocumentedGenerator() throws {
        let words: [Double] = [0x6627_E8D5, 0xE169_C58D, 0xBC57_AC4C, 0x9B00_DBD8]
        let u = words.map { ($0 + 0.5) / 4_294_967_296.0 }
        let r0 = (-2 * log(u[0])).squareRoot(), r1 = (-2 * log(u[2])).squareRoot()
        let expected = [r0 * cos(2 * .pi * u[1]), r0 * sin(2 * .pi * u[1]), r1 * cos(2 * .pi * u[3]), r1 * sin(2 * .pi * u[3])].map { Float($0) }
        let features = try RandomFeatures(kind: .sincos, dim: 4, count: 3, beta: 1, seed: 0)
        #expect(Array(features.omega[0..<4]).bitPatterns == expected.bitPatterns)
    }

    @Test func uniformsAndNormalsHaveTheRightMoments() {
        let g = Philox(seed: 5)
        var uniforms: [Double] = [], normals: [Double] = []
        for i in 0..<20_000 {
            let c = (UInt32(i), UInt32(0), UInt32(0), UInt32(0))
            let u = g.uniforms(c), z = g.normals(c)
            for lane in 0..<4 {
                uniforms.append(u[lane])
                normals.append(z[lane])
            }
        }
        #expect(uniforms.allSatisfy { $0 > 0 && $0 < 1 })
        let mean = { (x: [Double]) in x.reduce(0, +) / Double(x.count) }
        #expect(approximatelyEqual(mean(uniforms), 0.5, absolute: 0.01))
        #expect(approximatelyEqual(mean(normals), 0, absolute: 0.02))
        #expect(approximatelyEqual(mean(normals.map { $0 * $0 }), 1, absolute: 0.03))
    }
}
