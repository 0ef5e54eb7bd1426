import Formats
import Foundation
import Testing

/// `NumericJSON`'s fields beside its numbers: the option fields are kept as written (each within its
/// bound), every other field is skipped (its syntax checked, nothing of it kept or converted) and only
/// its name collected.
@Suite struct NumericJSONFieldTests {
    /// `text` parsed as a recall body: `queries` [≤ 10, 2] and `clamp`, options `depth` (at most 100
    /// bytes of text) and `ids` (at most 1000).
    static func parse(_ text: String) throws -> NumericJSON {
        try Array(text.utf8).withUnsafeBytes {
            try NumericJSON($0, fields: ["queries": .matrix, "clamp": .mask], options: ["depth": 100, "ids": 1000], maxRows: 10, dim: 2)
        }
    }

    /// The status the server answers for `error` (400 malformed, 422 otherwise) and its description.
    static func refusal(_ text: String) -> (status: Int, detail: String)? {
        do {
            _ = try parse(text)
            return nil
        } catch {
            return (error as? NumericJSONError).map { ($0.kind == .malformed ? 400 : 422, $0.description) }
        }
    }

    @Test func onlyTheOptionFieldsAreKept() throws {
        let parsed = try Self.parse(#"{"steps": 5, "queries": [[1, 2]], "depth" : 7, "extra": {"a": [1, "x", null]}, "clamp": [true, false]}"#)
        #expect(String(decoding: parsed.rest, as: UTF8.self) == #"{"depth":7}"#)
        #expect(parsed.unknown == ["steps", "extra"] && !parsed.moreUnknown)
        #expect(parsed.matrices["queries"]?.values == [1, 2] && parsed.masks["clamp"]?.values == [true, false])
    }

    /// A field's name is compared unescaped, and its raw text kept for Codable.
    @Test func escapedNamesAreKnown() throws {
        let parsed = try Self.parse(#"{"queries": [[1, 2]], "dep\u0074h": 3}"#)
        #expect(parsed.unknown == [])
        #expect(String(decoding: parsed.rest, as: UTF8.self) == #"{"dep\u0074h":3}"#)
    }

    /// Values that no decoder could take (a number far beyond any float, 10 MB of string, a few MiB of
    /// numbers) cost nothing in an unknown field: no error of their own, nothing kept.
    @Test func unknownValuesAreSkippedUnread() throws {
        let text = String(repeating: "x", count: 10 << 20)
        let numbers = "[" + Array(repeating: "[1e999999, -1e-999999, 12345678901234567890123456789e40]", count: 60_000).joined(separator: ",") + "]"
        let parsed = try Self.parse(#"{"huge": 1e999999, "text": ""# + text + #"", "queries": [[1, 2]], "numbers": "# + numbers + "}")
        #expect(parsed.unknown == ["huge", "text", "numbers"])
        #expect(parsed.rest.count == 2, "nothing but {} kept")
        #expect(parsed.matrices.keys.sorted() == ["queries"])
    }

    /// A name longer than any known one is read only so far: 10 MB of name is named by its first 64 bytes.
    @Test func longNamesAreCut() throws {
        let name = String(repeating: "n", count: 10 << 20)
        let parsed = try Self.parse(#"{""# + name + #"": 1, "queries": [[1, 2]]}"#)
        #expect(parsed.unknown.map(\.utf8.count) == [NumericJSON.maxNameBytes + "…".utf8.count] && parsed.unknown.first?.hasPrefix("nnnn") == true)
    }

    @Test func unknownNamesAreListedOnceAndAtMostSixteen() throws {
        let twice = try Self.parse(#"{"a": 1, "b": 2, "a": 3, "queries": [[1, 2]]}"#)
        #expect(twice.unknown == ["a", "b"] && !twice.moreUnknown)
        let names = (0..<20).map { "f\($0)" }
        let many = try Self.parse("{" + names.map { "\"\($0)\": 0" }.joined(separator: ", ") + "}")
        #expect(many.unknown == Array(names.prefix(16)) && many.moreUnknown)
        let sixteen = try Self.parse("{" + names.prefix(16).map { "\"\($0)\": 0" }.joined(separator: ", ") + "}")
        #expect(sixteen.unknown.count == 16 && !sixteen.moreUnknown)
    }

    /// An option field may take its bound of bytes of text, not one more.
    @Test func optionFieldsAreBounded() throws {
        let atBound = "1." + String(repeating: "0", count: 98)
        #expect(try Self.parse(#"{"depth": "# + atBound + "}").rest == Data((#"{"depth":"# + atBound + "}").utf8))
        let refusal = Self.refusal(#"{"depth": "# + atBound + "0}")
        #expect(refusal?.status == 422 && refusal?.detail == "'depth' takes 101 bytes of JSON text, more than the 100 it may take", "\(String(describing: refusal))")
        let ids = "[" + Array(repeating: "\"abcdefgh\"", count: 100).joined(separator: ",") + "]"
        #expect(Self.refusal(#"{"ids": "# + ids + "}")?.status == 422, "1101 bytes of ids, over its 1000")
    }

    @Test(arguments: [
        (#"{"depth": 1, "depth": 2}"#, "field 'depth' is given twice"),
        (#"{"queries": [[1, 2]], "queries": [[3, 4]]}"#, "field 'queries' is given twice"),
        (#"{"x": [1, 2}"#, "the body is not valid JSON"),
        (#"{"x": 01}"#, "the body is not valid JSON"),
        (#"{"x": "a\qb"}"#, "the body is not valid JSON: a bad escape in a string"),
        (#"{"x": tru}"#, "the body is not valid JSON"),
    ])
    func unknownAndRepeatedFieldsAreStillChecked(text: String, detail: String) {
        let refusal = Self.refusal(text)
        #expect(refusal?.status == 400 && refusal?.detail.hasPrefix(detail) == true, "\(String(describing: refusal))")
    }
}
