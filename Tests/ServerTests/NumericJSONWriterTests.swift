import Foundation
import Testing
import TestSupport
@testable import Core
@testable import Server
@testable import Store

/// `NumericJSONWriter`'s floats read back (by `strtof`) as the same bits, with the digits of Swift's
/// `description` (the shortest, the nearest of them on a tie) and no longer; its strings escape; and
/// the recall and energy responses decode with `JSONDecoder` into what the Codable types they replaced
/// would have written.
@Suite struct NumericJSONWriterTests {
    /// What `write` writes, from an almost empty buffer (so that it has to grow).
    static func text(_ write: (inout NumericJSONWriter) -> Void) -> String {
        var json = NumericJSONWriter(capacity: 16)
        write(&json)
        return String(buffer: json.buffer)
    }

    /// Up to five of `floats` written wrong: not valid JSON, not read back (by `strtof`) as the same
    /// bits, longer than Swift's shortest `description` or with other digits than it (the nearest of
    /// the shortest on a tie).
    static func wronglyWritten(_ floats: [Float]) throws -> [String] {
        let text = Self.text { $0.floats(floats) }
        guard try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [Any] != nil else { return ["not a JSON array"] }
        let tokens = text.dropFirst().dropLast().split(separator: ",").map(String.init)
        guard tokens.count == floats.count else { return ["\(tokens.count) numbers for \(floats.count)"] }
        return zip(tokens, floats).filter { token, f in
            var shortest = f.description
            if shortest.hasSuffix(".0") { shortest.removeLast(2) }
            return NumericJSONParserTests.strtofOracle(token).bitPattern != f.bitPattern || token.count > shortest.count
                || Decimal(string: token) != Decimal(string: shortest)
        }.prefix(5).map { "\($0.0) for \($0.1)" }
    }

    @Test func randomFloatsReadBackExactlyAndShortest() throws {
        let wrong = try Self.wronglyWritten(NumericJSONParserTests.randomFloats(50000, seed: 11))
        #expect(wrong == [])
    }

    /// Decimals of up to three places (which skip Ryū) and their neighbours (which do not).
    @Test func shortDecimalsReadBackExactlyAndShortest() throws {
        let floats = stride(from: -4_100_000, through: 4_100_000, by: 37).flatMap { k -> [Float] in
            let f = Float(Double(k) / 1000)
            return [f, f.nextUp, f.nextDown, Float(k) / 10, Float(k) / 1_000_000]
        }
        let wrong = try Self.wronglyWritten(floats)
        #expect(wrong == [])
    }

    @Test(arguments: [
        (Float(0), "0"), (-0.0, "-0"), (1, "1"), (-1, "-1"), (0.5, "0.5"), (0.3, "0.3"), (2.25, "2.25"), (100, "100"), (1000, "1e3"),
        (123_456, "123456"), (16_777_216, "16777216"), (1e10, "1e10"), (1e-5, "1e-5"), (0.001, "1e-3"), (0.01, "0.01"), (0.0012, "0.0012"), (1.5e-7, "1.5e-7"),
        (0.1, "0.1"), (1.0 / 3, "0.33333334"), (.leastNonzeroMagnitude, "1e-45"), (-.leastNonzeroMagnitude, "-1e-45"),
        (.leastNormalMagnitude, "1.1754944e-38"), (.greatestFiniteMagnitude, "3.4028235e38"), (123_456_792, "123456790"),
        (-1.00010075e-36, "-1.00010075e-36"),
        (.infinity, "\"Infinity\""), (-.infinity, "\"-Infinity\""), (.nan, "\"NaN\""),
    ] as [(Float, String)])
    func knownForms(value: Float, text: String) {
        #expect(Self.text { $0.float(value) } == text)
    }

    /// Rows of the longest entries, each row written into the room reserved for it.
    @Test func longestEntries() {
        for (value, text) in [(Float(-1.00010075e-36), "-1.00010075e-36"), (-.infinity, "\"-Infinity\"")] {
            for count in [1, 7, 1000, 4097] {
                #expect(Self.text { $0.floats(Array(repeating: value, count: count)) } == "[" + Array(repeating: text, count: count).joined(separator: ",") + "]")
            }
        }
    }

    @Test func nonFiniteNumbersAreStringsInValidJSON() throws {
        let text = Self.text { $0.floats([1, .infinity, -.infinity, .nan, -2]) }
        #expect(text == "[1,\"Infinity\",\"-Infinity\",\"NaN\",-2]")
        #expect(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [Any] != nil)
    }

    @Test(arguments: ["plain", "", "quote \" and back\\slash", "slash/", "new\nline\ttab\r", "bell \u{7} nul \u{0} esc \u{1B} \u{1F}", "ünïcødé ✓ 🧠", "\u{7F}"])
    func stringsEscape(value: String) throws {
        let text = Self.text { $0.string(value) }
        #expect(try JSONSerialization.jsonObject(with: Data(text.utf8), options: .fragmentsAllowed) as? String == value, "\(text)")
        #expect(!text.utf8.dropFirst().dropLast().contains { $0 < 0x20 }, "no raw control characters")
    }

    @Test func integers() {
        #expect(Self.text { $0.integer(0); $0.raw(","); $0.integer(-12); $0.raw(","); $0.integer(UInt64.max) } == "0,-12,18446744073709551615")
    }

    /// The recall response's shape, as the Codable types it replaced wrote it (keys sorted, `energies`
    /// only when traced, `nearest` only for mrdam).
    struct Recall: Codable, Equatable {
        struct Result: Codable, Equatable {
            struct Nearest: Codable, Equatable {
                var id: String
                var index: Int
                var distance: Float
            }

            var state: [Float]
            var energies: [Float]?
            var steps: Int
            var energy: Float
            var nearest: Nearest?
        }

        var results: [Result]
        var version: UInt64
    }

    struct Energy: Codable, Equatable {
        var energies: [Float]
        var gradients: [[Float]]?
        var version: UInt64
    }

    /// A descent of `batch` queries of dimension `dim` and depth `depth` with random numbers (the
    /// second query stopping early), and nearest memories when `nearest`.
    static func outcome(batch: Int, dim: Int, depth: Int, nearest: Bool, values: () -> Float) -> RecallOutcome {
        let steps = (0..<batch).map { $0 == 1 ? max(1, depth - 2) : depth }
        let descent = DescentResult(
            states: Matrix(rows: batch, cols: dim, values: (0..<(batch * dim)).map { _ in values() }),
            energies: Matrix(rows: batch, cols: depth, values: (0..<(batch * depth)).map { _ in values() }),
            steps: steps, finalEnergies: (0..<batch).map { _ in values() })
        let ids = ["a", "quote\"d", "slash/and\\back", "ünï\ncode"]
        return RecallOutcome(
            descent: descent,
            nearest: nearest ? (0..<batch).map { NearestNeighbour(id: ids[$0 % ids.count], index: $0 * 7, distance: values()) } : nil,
            version: 42)
    }

    static func expected(_ outcome: RecallOutcome, trace: Bool) -> Recall {
        let descent = outcome.descent
        return Recall(results: (0..<descent.states.rows).map { b in
            Recall.Result(state: descent.states.row(b), energies: trace ? descent.trace(b) : nil, steps: descent.steps[b], energy: descent.finalEnergies[b],
                          nearest: outcome.nearest.map { Recall.Result.Nearest(id: $0[b].id, index: $0[b].index, distance: $0[b].distance) })
        }, version: outcome.version)
    }

    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }

    @Test(arguments: [(true, true), (true, false), (false, true), (false, false)])
    func recallResponseDecodesAsBefore(trace: Bool, nearest: Bool) throws {
        var generator = SeededGenerator(seed: 12)
        let outcome = Self.outcome(batch: 5, dim: 7, depth: 6, nearest: nearest) {
            Float(bitPattern: UInt32.random(in: 0...0x7F7F_FFFF, using: &generator)) * (Bool.random(using: &generator) ? 1 : -1)
        }
        let text = Self.text { RecallResponse(outcome, trace: trace).write(to: &$0) }
        let decoded = try JSONDecoder().decode(Recall.self, from: Data(text.utf8))
        let expected = Self.expected(outcome, trace: trace)
        #expect(decoded == expected)
        #expect(try JSONDecoder().decode(Recall.self, from: Self.encoder().encode(expected)) == decoded, "the same values as the Codable encoding gives")
        #expect(text.contains("\"energies\"") == trace && text.contains("\"nearest\"") == nearest)
    }

    /// With numbers whose shortest form has no exponent and ids with no `/` (which JSONEncoder escapes),
    /// the text is exactly what JSONEncoder wrote before.
    @Test func recallResponseTextMatchesTheCodableEncoding() throws {
        var next: Float = 0
        let outcome = Self.outcome(batch: 3, dim: 4, depth: 5, nearest: true) {
            next += 0.25
            return next * (Int(next * 4) % 3 == 0 ? -1 : 1)
        }
        let rewritten = RecallOutcome(descent: outcome.descent, nearest: outcome.nearest?.map { NearestNeighbour(id: "id \($0.index) \"q\"", index: $0.index, distance: $0.distance) }, version: 9)
        for trace in [true, false] {
            let text = Self.text { RecallResponse(rewritten, trace: trace).write(to: &$0) }
            #expect(text == String(decoding: try Self.encoder().encode(Self.expected(rewritten, trace: trace)), as: UTF8.self))
        }
    }

    @Test func energyResponseDecodesAsBefore() throws {
        let floats = NumericJSONParserTests.randomFloats(3 * 5 + 3, seed: 13)
        for gradients in [nil, (0..<3).map { Array(floats[(3 + 5 * $0)..<(8 + 5 * $0)]) }] {
            let response = EnergyResponse(energies: Array(floats[0..<3]), gradients: gradients, version: 7)
            let text = Self.text { response.write(to: &$0) }
            let decoded = try JSONDecoder().decode(Energy.self, from: Data(text.utf8))
            #expect(decoded == Energy(energies: response.energies, gradients: gradients, version: 7))
            #expect(text.contains("\"gradients\"") == (gradients != nil))
        }
        let simple = EnergyResponse(energies: [0.5, -1.25], gradients: [[1, 2], [0.75, -3]], version: 3)
        #expect(Self.text { simple.write(to: &$0) } == String(decoding: try Self.encoder().encode(Energy(energies: [0.5, -1.25], gradients: [[1, 2], [0.75, -3]], version: 3)), as: UTF8.self))
    }
}
