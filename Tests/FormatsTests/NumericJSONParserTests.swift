import Formats
import Foundation
import Testing
import TestSupport

/// `NumericJSON`'s numbers against C's `strtof` (the nearest float32, ties to even) and Foundation's
/// `JSONDecoder`, and its validation.
@Suite struct NumericJSONParserTests {
    /// `{"points": <points>}` parsed with `points` as a matrix.
    static func parse(_ points: String, maxRows: Int = 1_000_000, dim: Int? = nil) throws -> NumericJSON.Rows {
        let body = Array("{\"points\": \(points), \"gradients\": true}".utf8)
        let numbers = try body.withUnsafeBytes { try NumericJSON($0, fields: ["points": .matrix], maxRows: maxRows, dim: dim) }
        return try #require(numbers.matrices["points"])
    }

    /// The numbers `texts` as one row, parsed.
    static func row(_ texts: [String]) throws -> [Float] {
        try parse("[[" + texts.joined(separator: ", ") + "]]").values
    }

    /// What `points` is refused with: the status the server answers (400 malformed, 422 out of range)
    /// and the detail.
    static func refusal(_ points: String, maxRows: Int = 1_000_000, dim: Int? = nil) -> (status: Int, detail: String)? {
        do {
            _ = try parse(points, maxRows: maxRows, dim: dim)
            return nil
        } catch {
            return (error as? NumericJSONError).map { ($0.kind == .malformed ? 400 : 422, $0.description) }
        }
    }

    static func strtofOracle(_ text: String) -> Float { text.withCString { strtof($0, nil) } }

    /// Up to five of `texts` whose parsed float is not bit for bit the expected one, to read in a failure.
    static func mismatches(_ texts: [String], parsed: [Float], expected: [Float]) -> [String] {
        guard parsed.count == texts.count && expected.count == texts.count else { return ["\(parsed.count) parsed, \(expected.count) expected for \(texts.count)"] }
        return texts.indices.filter { parsed[$0].bitPattern != expected[$0].bitPattern }.prefix(5).map { "\(texts[$0]) → \(parsed[$0]), not \(expected[$0])" }
    }

    /// Finite float32 from uniformly random bit patterns: every binade, subnormals, both zeros.
    static func randomFloats(_ count: Int, seed: UInt64) -> [Float] {
        var generator = SeededGenerator(seed: seed)
        var floats: [Float] = []
        while floats.count < count {
            let f = Float(bitPattern: UInt32.random(in: .min ... .max, using: &generator))
            if f.isFinite { floats.append(f) }
        }
        return floats + [0, -0.0, .leastNonzeroMagnitude, -.leastNonzeroMagnitude, .leastNormalMagnitude, .greatestFiniteMagnitude, -.greatestFiniteMagnitude]
    }

    @Test func randomFloatsWithNineDigitsReadBackExactly() throws {
        let floats = Self.randomFloats(20000, seed: 1)
        let texts = floats.map { String(format: "%.9g", Double($0)) }
        let parsed = try Self.row(texts)
        #expect(Self.mismatches(texts, parsed: parsed, expected: floats) == [])
        #expect(Self.mismatches(texts, parsed: parsed, expected: texts.map(Self.strtofOracle)) == [])
    }

    @Test func randomFloatsInShortestFormReadBackExactly() throws {
        let floats = Self.randomFloats(20000, seed: 2)
        let texts = floats.map(\.description)
        #expect(Self.mismatches(texts, parsed: try Self.row(texts), expected: floats) == [])
    }

    /// Python's `json.dumps` of float32 values turned into floats: the double's shortest repr, up to
    /// 17 digits.
    @Test func doublesOfFloatsReadBackExactly() throws {
        let floats = Self.randomFloats(20000, seed: 3)
        let texts = floats.map { "\(Double($0))" }
        #expect(Self.mismatches(texts, parsed: try Self.row(texts), expected: floats) == [])
    }

    /// Decimals of up to 45 digits, with or without a point and an exponent (`e`/`E`, signed,
    /// zero-padded), over and beyond float32's range and precision.
    @Test func longDecimalsRoundAsStrtof() throws {
        var generator = SeededGenerator(seed: 4)
        func digits(_ count: Int) -> String { String((0..<count).map { _ in Character(String(Int.random(in: 0...9, using: &generator))) }) }
        var texts: [String] = []
        for _ in 0..<20000 {
            var text = Bool.random(using: &generator) ? "-" : ""
            let integer = Int.random(in: 0...25, using: &generator)
            text += integer == 0 ? "0" : String(Int.random(in: 1...9, using: &generator)) + digits(integer - 1)
            if Bool.random(using: &generator) { text += "." + digits(Int.random(in: 1...20, using: &generator)) }
            if Bool.random(using: &generator) || integer == 0 {
                let exponent = Int.random(in: -70...40, using: &generator)
                text += (Bool.random(using: &generator) ? "e" : "E") + (exponent < 0 ? "-" : Bool.random(using: &generator) ? "+" : "")
                text += String(repeating: "0", count: Int.random(in: 0...2, using: &generator)) + String(exponent.magnitude)
            }
            if Self.strtofOracle(text).isFinite { texts.append(text) }
        }
        #expect(Self.mismatches(texts, parsed: try Self.row(texts), expected: texts.map(Self.strtofOracle)) == [])
    }

    /// Float32 midpoints (halfway between neighbours: ties go to the even one), and the doubles just
    /// either side of them, written out in full.
    @Test func midpointsRoundAsStrtof() throws {
        var texts: [String] = []
        for f in Self.randomFloats(5000, seed: 5) where f.isNormal && f.nextUp.isFinite {
            let midpoint = (Double(f) + Double(f.nextUp)) / 2
            for d in [midpoint, midpoint.nextUp, midpoint.nextDown] { texts.append(String(format: "%.70g", d)) }
        }
        #expect(Self.mismatches(texts, parsed: try Self.row(texts), expected: texts.map(Self.strtofOracle)) == [])
    }

    @Test func agreesWithFoundation() throws {
        let floats = Self.randomFloats(5000, seed: 6).map { $0.isNormal || $0 == 0 ? $0 : 1 }
        let texts = floats.prefix(floats.count - floats.count % 8).enumerated().map { i, f in i % 2 == 0 ? String(format: "%.9g", Double(f)) : "\(Double(f))" }
        let text = "[" + stride(from: 0, to: texts.count, by: 8).map { "[" + texts[$0..<($0 + 8)].joined(separator: ",") + "]" }.joined(separator: ",") + "]"
        let foundation = try JSONDecoder().decode([[Float]].self, from: Data(text.utf8))
        let rows = try Self.parse(text)
        #expect(rows.rows == foundation.count && rows.cols == 8)
        #expect(Self.mismatches(texts, parsed: rows.values, expected: foundation.flatMap { $0 }) == [])
    }

    @Test(arguments: [
        ("1e-45", Float.leastNonzeroMagnitude), ("1.4e-45", .leastNonzeroMagnitude), ("1e-46", 0), ("-1e-46", -0.0),
        ("7e-46", 0), ("7.1e-46", .leastNonzeroMagnitude), ("1e-50", 0), ("0e999999", 0),
        ("1.1754942e-38", Float(bitPattern: 0x007F_FFFF)), ("1.17549435e-38", .leastNormalMagnitude),
        ("-0", -0.0), ("-0.0", -0.0), ("-0e5", -0.0), ("0", 0), ("0.0", 0),
        ("1E+2", 100), ("1e+002", 100), ("1e-0002", 0.01), ("0.5E1", 5), ("25e-1", 2.5), ("123456789", 123_456_792),
        ("3.4028235e38", .greatestFiniteMagnitude), ("-3.4028235e38", -.greatestFiniteMagnitude), ("3.40282356e38", .greatestFiniteMagnitude),
        ("16777217", 16_777_216), ("16777219", 16_777_220), ("16777217.000000001", 16_777_218),
        ("1.000000059604644775390625", 1), ("1.0000000596046447753906250000001", Float(1).nextUp),
        ("1.0000000596046447753906249999999", 1),
        ("0.1000000000000000000000000000000000000001", 0.1), ("0.10000000149011612", 0.1),
        ("100000000000000000000000000000000000000", 1e38), ("0.000000000000000000000000000000000000000000001", .leastNonzeroMagnitude),
    ] as [(String, Float)])
    func edgeInputs(text: String, expected: Float) throws {
        let parsed = try Self.row([text])
        #expect(parsed.map(\.bitPattern) == [expected.bitPattern], "\(text) → \(parsed)")
        #expect(Self.strtofOracle(text).bitPattern == expected.bitPattern, "the test's own expectation for \(text)")
    }

    @Test(arguments: [
        ("[[1, 3.5e38]]", 400, "points[0][1]: 3.5e38 is beyond float32's range"),
        ("[[1e39]]", 400, "points[0][0]: 1e39 is beyond float32's range"),
        ("[[0, -1e39]]", 400, "points[0][1]: -1e39 is beyond float32's range"),
        ("[[1e999]]", 400, "points[0][0]: 1e999 is beyond float32's range"),
        ("[[3.4028235677973366163753939545814256845e38]]", 400, "beyond float32's range"),
        ("[[1, NaN]]", 400, "points[0][1]: NaN and Infinity are not valid JSON numbers"),
        ("[[Infinity]]", 400, "points[0][0]: NaN and Infinity are not valid JSON numbers"),
        ("[[1], [-Infinity]]", 400, "NaN and Infinity are not JSON numbers"),
        ("[[01]]", 400, "not valid JSON"), ("[[1.]]", 400, "no digits after its point"), ("[[.5]]", 400, "points[0][0]: expected a number"),
        ("[[1e]]", 400, "no exponent digits"), ("[[1e+]]", 400, "no exponent digits"), ("[[+1]]", 400, "points[0][0]: expected a number"),
        ("[[0x10]]", 400, "not valid JSON"), ("[[1 2]]", 400, "not valid JSON"), ("[[1,]]", 400, "points[0][1]: expected a number"),
        ("[[1, \"2\"]]", 400, "points[0][1]: expected a number"), ("[[true]]", 400, "points[0][0]: expected a number"),
        ("[[null]]", 400, "points[0][0]: expected a number"), ("[[[1]]]", 400, "points[0][0]: expected a number"),
        ("[1, 2]", 400, "points[0]: expected an array of numbers"), ("5", 400, "points: expected an array of arrays of numbers"),
        ("{\"a\": 1}", 400, "points: expected an array of arrays of numbers"),
        ("[[1, 2], [1, 2, 3]]", 422, "points[1] has 3 numbers, points[0] has 2"),
        ("[[1, 2], [3, 4], []]", 422, "points[2] has 0 numbers, points[0] has 2"),
    ] as [(String, Int, String)])
    func refusals(points: String, status: Int, detail: String) {
        let problem = Self.refusal(points)
        #expect(problem?.status == status && problem?.detail.contains(detail) == true, "\(String(describing: problem))")
    }

    @Test func rowsAreCheckedAgainstTheDimensionAndTheLimitAsTheyArrive() throws {
        #expect(Self.refusal("[[1, 2, 3], [1, 2]]", dim: 3)?.detail == "points[1] has 2 numbers; the store has dimension 3")
        #expect(Self.refusal("[[1, 2, 3, 4]]", dim: 3)?.detail == "points[0] has 4 numbers; the store has dimension 3")
        let eleven = "[" + Array(repeating: "[1, 2]", count: 11).joined(separator: ",") + "]"
        #expect(Self.refusal(eleven, maxRows: 10)?.status == 422)
        #expect(Self.refusal(eleven, maxRows: 10)?.detail == "'points' has more than 10 vectors: the limit is 10")
        // The limit is checked before the row past it is read: a bad number there is never reached.
        #expect(Self.refusal("[" + Array(repeating: "[1, 2]", count: 10).joined(separator: ",") + ", [NaN]]", maxRows: 10)?.status == 422)
        #expect(try Self.parse(eleven, maxRows: 11).rows == 11)
    }

    /// 200 000 numbers in 250 rows of 800, in one body, as strtof reads each.
    @Test func hugeArrays() throws {
        var generator = SeededGenerator(seed: 7)
        let rows = (0..<250).map { _ in (0..<800).map { _ in String(format: "%.9g", Double(Float.random(in: -10...10, using: &generator))) } }
        let parsed = try Self.parse("[" + rows.map { "[" + $0.joined(separator: ",") + "]" }.joined(separator: ",\n") + "]", maxRows: 4096, dim: 800)
        #expect(parsed.rows == 250 && parsed.cols == 800)
        #expect(Self.mismatches(rows.flatMap { $0 }, parsed: parsed.values, expected: rows.flatMap { $0 }.map(Self.strtofOracle)) == [])
    }
}
