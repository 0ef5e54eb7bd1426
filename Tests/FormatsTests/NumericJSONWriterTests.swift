import Formats
import Foundation
import NIOCore
import Testing

/// `NumericJSONWriter`'s floats read back (by `strtof`) as the same bits, with the digits of Swift's
/// `description` (the shortest, the nearest of them on a tie) and no longer; and its strings escape.
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
}
