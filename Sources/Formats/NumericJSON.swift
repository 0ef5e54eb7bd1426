import Foundation

/// A streaming reader for JSON bodies whose bulk is arrays of numbers. The fields named as matrices
/// (`[[number]]`) or masks (`[bool]` or `[[bool]]`) are parsed straight into one contiguous array, with
/// their row count checked against a limit and every row's length against the store's dimension as
/// the rows arrive; the option fields (small values, each bounded) are kept as raw JSON for Codable;
/// any other field is skipped (its syntax checked, nothing of it kept, no number of it converted) and
/// only its name is collected, for the caller to refuse. So a body of n bytes costs at most about 2n
/// bytes of floats (a number takes at least 2 bytes of text and 4 in memory), never a tree of boxed
/// values. Numbers are read straight from the bytes and rounded to the nearest float32 (`DecimalNumber`).
package struct NumericJSON {
    /// A parsed matrix field: [rows, cols] row-major.
    package struct Rows {
        package var rows = 0
        package var cols = 0
        package var values: [Float] = []
    }

    /// A parsed mask field: one row (`[bool]`) or one per query (`[[bool]]`), row-major.
    package struct Mask {
        package var nested = false
        package var rows = 0
        package var cols = 0
        package var values: [Bool] = []
    }

    /// What a field holds.
    package enum Kind {
        case matrix
        case mask
    }

    /// The matrix fields found.
    package private(set) var matrices: [String: Rows] = [:]
    /// The mask fields found.
    package private(set) var masks: [String: Mask] = [:]
    /// The option fields found (those named in `options`, nothing else), as one JSON object.
    package private(set) var rest = Data()
    /// The fields found that are neither numeric fields nor options: the first
    /// `NumericJSON.maxUnknownNames` distinct names, in order, each cut to `maxNameBytes` bytes.
    package private(set) var unknown: [String] = []
    /// Whether more fields were unknown than `unknown` names.
    package private(set) var moreUnknown = false

    /// How many unknown fields' names are kept.
    package static let maxUnknownNames = 16
    /// The bytes of a field's name that are read (the rest is checked and skipped): more than any
    /// known field's name, enough to show an unknown one.
    package static let maxNameBytes = 64

    /// Parses `bytes`, a JSON object. `fields` names the numeric fields; rows beyond `maxRows` are
    /// refused as they arrive (`NumericJSONError.Kind.outOfRange`), and so is a row whose length is not
    /// `dim` (when given). `options` names the option fields, each with the most bytes of JSON text its
    /// value may take (`outOfRange` naming it beyond). Any other field is skipped and named in
    /// `unknown`. Throws `NumericJSONError.Kind.malformed` for JSON that is not valid or has the wrong
    /// types, naming the field, and for a numeric or option field given twice. `interrupt` is called
    /// about every MiB read and throws to stop the parse (the client left).
    package init(_ bytes: UnsafeRawBufferPointer, fields: [String: Kind], options: [String: Int] = [:], maxRows: Int, dim: Int?,
                 interrupt: @escaping () throws -> Void = {}) throws {
        var parser = Parser(bytes: bytes.bindMemory(to: UInt8.self), maxRows: maxRows, dim: dim, interrupt: interrupt)
        var restParts: [String] = []
        var seen: Set<String> = []
        parser.skipSpace()
        guard parser.peek() == UInt8(ascii: "{") else { throw NumericJSONError(.malformed, "the body must be a JSON object (expected an object)") }
        parser.index += 1
        parser.skipSpace()
        if parser.peek() == UInt8(ascii: "}") {
            parser.index += 1
        } else {
            while true {
                parser.skipSpace()
                let keyStart = parser.index
                let (key, whole) = try parser.string(keeping: Self.maxNameBytes)
                let keyText = keyStart..<parser.index
                parser.skipSpace()
                try parser.expect(UInt8(ascii: ":"))
                parser.skipSpace()
                let kind = whole ? fields[key] : nil, most = whole ? options[key] : nil
                if kind != nil || most != nil {
                    guard seen.insert(key).inserted else { throw NumericJSONError(.malformed, "field '\(key)' is given twice") }
                }
                switch kind {
                case .matrix: matrices[key] = try parser.matrix(field: key)
                case .mask: masks[key] = try parser.mask(field: key)
                case nil:
                    let start = parser.index
                    try parser.skipValue(depth: 0)
                    if let most {
                        guard parser.index - start <= most else {
                            throw NumericJSONError(.outOfRange, "'\(key)' takes \(parser.index - start) bytes of JSON text, more than the \(most) it may take")
                        }
                        restParts.append(parser.text(keyText) + ":" + parser.text(start..<parser.index))
                    } else {
                        noteUnknown(whole ? key : key + "…")
                    }
                }
                parser.skipSpace()
                if parser.peek() == UInt8(ascii: ",") { parser.index += 1; continue }
                try parser.expect(UInt8(ascii: "}"))
                break
            }
        }
        parser.skipSpace()
        guard parser.index == parser.bytes.count else { throw Parser.invalid("text after the end of the object") }
        rest = Data(("{" + restParts.joined(separator: ",") + "}").utf8)
    }

    /// Adds `name` to `unknown`, or notes that there are more.
    private mutating func noteUnknown(_ name: String) {
        guard !unknown.contains(name) else { return }
        if unknown.count < Self.maxUnknownNames { unknown.append(name) } else { moreUnknown = true }
    }

    /// A field that must be there: `malformed` when it is missing, `outOfRange` when it has no rows.
    package func required(_ field: String) throws -> Rows {
        guard let rows = matrices[field] else { throw NumericJSONError(.malformed, "missing field '\(field)'") }
        guard rows.rows > 0 else { throw NumericJSONError(.outOfRange, "'\(field)' is empty") }
        return rows
    }

    /// The byte-level parser.
    private struct Parser {
        let bytes: UnsafeBufferPointer<UInt8>
        let maxRows: Int
        let dim: Int?
        var index = 0
        /// Called by `poll` once `index` passes `nextPoll`, every `pollBytes`.
        let interrupt: () throws -> Void
        var nextPoll = 0
        static let pollBytes = 1 << 20

        init(bytes: UnsafeBufferPointer<UInt8>, maxRows: Int, dim: Int?, interrupt: @escaping () throws -> Void) {
            self.bytes = bytes
            self.maxRows = maxRows
            self.dim = dim
            self.interrupt = interrupt
        }

        /// Calls `interrupt` when another MiB has been read since it last did.
        mutating func poll() throws {
            guard index >= nextPoll else { return }
            nextPoll = index + Self.pollBytes
            try interrupt()
        }

        static func invalid(_ what: String) -> NumericJSONError {
            NumericJSONError(.malformed, "the body is not valid JSON: \(what)")
        }

        func peek() -> UInt8? { index < bytes.count ? bytes[index] : nil }

        /// The bytes in `range`, as text.
        func text(_ range: Range<Int>) -> String { String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self) }

        mutating func skipSpace() {
            while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == 0x09 { index += 1 }
        }

        mutating func expect(_ byte: UInt8) throws {
            guard peek() == byte else {
                throw Self.invalid(index < bytes.count ? "expected '\(Character(Unicode.Scalar(byte)))' at byte \(index)" : "it ends early")
            }
            index += 1
        }

        /// A JSON string (all of it checked), unescaped: its first `keeping` bytes (at most a few more,
        /// to end an escaped character), and whether that is the whole string. Keeping 0 bytes skips it
        /// without allocating.
        mutating func string(keeping most: Int) throws -> (text: String, whole: Bool) {
            try expect(UInt8(ascii: "\""))
            var out: [UInt8] = []
            var whole = true
            while true {
                guard let c = peek() else { throw Self.invalid("a string does not end") }
                index += 1
                var unescaped: UInt8? = c
                switch c {
                case UInt8(ascii: "\""): return (String(decoding: out, as: UTF8.self), whole)
                case UInt8(ascii: "\\"):
                    guard let e = peek() else { throw Self.invalid("a string does not end") }
                    index += 1
                    switch e {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): unescaped = e
                    case UInt8(ascii: "b"): unescaped = 0x08
                    case UInt8(ascii: "f"): unescaped = 0x0C
                    case UInt8(ascii: "n"): unescaped = 0x0A
                    case UInt8(ascii: "r"): unescaped = 0x0D
                    case UInt8(ascii: "t"): unescaped = 0x09
                    case UInt8(ascii: "u"):
                        guard index + 4 <= bytes.count, let code = UInt32(text(index..<(index + 4)), radix: 16) else {
                            throw Self.invalid("a bad \\u escape")
                        }
                        index += 4
                        unescaped = nil
                        if out.count < most {
                            out.append(contentsOf: Array(String(Unicode.Scalar(code).map(Character.init) ?? "\u{FFFD}").utf8))
                        } else {
                            whole = false
                        }
                    default: throw Self.invalid("a bad escape in a string")
                    }
                case 0..<0x20: throw Self.invalid("a control character in a string")
                default: break
                }
                if let unescaped {
                    if out.count < most { out.append(unescaped) } else { whole = false }
                }
            }
        }

        /// Skips any JSON value, checking it.
        mutating func skipValue(depth: Int) throws {
            guard depth < 64 else { throw NumericJSONError(.malformed, "the body nests deeper than 64 levels") }
            skipSpace()
            switch peek() {
            case UInt8(ascii: "{"):
                index += 1
                skipSpace()
                if peek() == UInt8(ascii: "}") { index += 1; return }
                while true {
                    skipSpace()
                    _ = try string(keeping: 0)
                    skipSpace()
                    try expect(UInt8(ascii: ":"))
                    try skipValue(depth: depth + 1)
                    skipSpace()
                    if peek() == UInt8(ascii: ",") { index += 1; continue }
                    try expect(UInt8(ascii: "}"))
                    return
                }
            case UInt8(ascii: "["):
                index += 1
                skipSpace()
                if peek() == UInt8(ascii: "]") { index += 1; return }
                while true {
                    try skipValue(depth: depth + 1)
                    skipSpace()
                    if peek() == UInt8(ascii: ",") { index += 1; continue }
                    try expect(UInt8(ascii: "]"))
                    return
                }
            case UInt8(ascii: "\""): _ = try string(keeping: 0)
            case UInt8(ascii: "t"): try literal("true")
            case UInt8(ascii: "f"): try literal("false")
            case UInt8(ascii: "n"): try literal("null")
            case nil: throw Self.invalid("it ends early")
            default: _ = try number()
            }
        }

        private mutating func literal(_ word: String) throws {
            for c in word.utf8 {
                guard peek() == c else { throw Self.invalid("unexpected text at byte \(index)") }
                index += 1
            }
        }

        /// A JSON number (grammar checked) as a decimal, and the range of its text.
        mutating func number() throws -> (value: DecimalNumber, text: Range<Int>) {
            let start = index
            var number = DecimalNumber()
            var digits = 0  // significant digits in number.significand
            if peek() == UInt8(ascii: "-") {
                number.negative = true
                index += 1
            }
            let integerStart = index
            while index < bytes.count, case let d = bytes[index] &- UInt8(ascii: "0"), d < 10 {
                if digits < 19 {
                    number.significand = number.significand &* 10 &+ UInt64(d)
                    if number.significand != 0 { digits += 1 }
                } else {
                    number.exponent += 1
                    if d != 0 { number.exact = false }
                }
                index += 1
            }
            let integer = index - integerStart
            guard integer > 0, !(integer > 1 && bytes[integerStart] == UInt8(ascii: "0")) else {
                throw Self.invalid(start < bytes.count && (bytes[start] == UInt8(ascii: "N") || bytes[start] == UInt8(ascii: "I") || bytes[start] == UInt8(ascii: "-"))
                    ? "NaN and Infinity are not JSON numbers" : "unexpected text at byte \(start)")
            }
            if peek() == UInt8(ascii: ".") {
                index += 1
                let fractionStart = index
                while index < bytes.count, case let d = bytes[index] &- UInt8(ascii: "0"), d < 10 {
                    if digits < 19 {
                        number.significand = number.significand &* 10 &+ UInt64(d)
                        if number.significand != 0 { digits += 1 }
                        number.exponent -= 1
                    } else if d != 0 {
                        number.exact = false
                    }
                    index += 1
                }
                guard index > fractionStart else { throw Self.invalid("a number has no digits after its point at byte \(start)") }
            }
            if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
                index += 1
                let negativeExponent = peek() == UInt8(ascii: "-")
                if negativeExponent || peek() == UInt8(ascii: "+") { index += 1 }
                let exponentStart = index
                var exponent = 0
                while index < bytes.count, case let d = bytes[index] &- UInt8(ascii: "0"), d < 10 {
                    // Far beyond float32's range either way; capped so that it cannot overflow.
                    if exponent < 1_000_000 { exponent = exponent * 10 + Int(d) }
                    index += 1
                }
                guard index > exponentStart else { throw Self.invalid("a number has no exponent digits at byte \(start)") }
                number.exponent += negativeExponent ? -exponent : exponent
            }
            return (number, start..<index)
        }

        /// A JSON number as the nearest float32; a number beyond float32's range is refused.
        mutating func float(field: @autoclosure () -> String) throws -> Float {
            guard let c = peek(), c == UInt8(ascii: "-") || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) else {
                if peek() == UInt8(ascii: "N") || peek() == UInt8(ascii: "I") {
                    throw NumericJSONError(.malformed, "\(field()): NaN and Infinity are not valid JSON numbers")
                }
                throw NumericJSONError(.malformed, "\(field()): expected a number")
            }
            let (number, token) = try number()
            let value = number.float32(text: UnsafeBufferPointer(rebasing: bytes[token]))
            guard value.isFinite else {
                throw NumericJSONError(.malformed, "\(field()): \(text(token)) is beyond float32's range (not valid JSON for this field: numbers must be finite float32)")
            }
            return value
        }

        /// `[[number, …], …]` into one row-major array.
        mutating func matrix(field: String) throws -> Rows {
            guard peek() == UInt8(ascii: "[") else { throw NumericJSONError(.malformed, "\(field): expected an array of arrays of numbers") }
            index += 1
            var out = Rows()
            let keep = dim ?? .max
            skipSpace()
            if peek() == UInt8(ascii: "]") { index += 1; return out }
            while true {
                skipSpace()
                guard out.rows < maxRows else {
                    throw NumericJSONError(.outOfRange, "'\(field)' has more than \(maxRows) vectors: the limit is \(maxRows)")
                }
                guard peek() == UInt8(ascii: "[") else { throw NumericJSONError(.malformed, "\(field)[\(out.rows)]: expected an array of numbers") }
                let rowStart = index
                index += 1
                var count = 0
                skipSpace()
                if peek() != UInt8(ascii: "]") {
                    while true {
                        skipSpace()
                        try poll()
                        let value = try float(field: "\(field)[\(out.rows)][\(count)]")
                        count += 1
                        // A row longer than the store's dimension is counted, not kept.
                        if count <= keep { out.values.append(value) }
                        skipSpace()
                        if peek() == UInt8(ascii: ",") { index += 1; continue }
                        try expect(UInt8(ascii: "]"))
                        break
                    }
                } else {
                    index += 1
                }
                if let dim, count != dim { throw Self.rowLength(field, out.rows, count: count, dim: dim) }
                if out.rows == 0 { out.cols = count } else if count != out.cols {
                    throw NumericJSONError(.outOfRange, "\(field)[\(out.rows)] has \(count) numbers, \(field)[0] has \(out.cols)")
                }
                out.rows += 1
                if out.rows == 1 {
                    // Room for as many more rows as the rest of the body would hold if written like
                    // this one (at most 2 bytes of floats per byte of text), so the array grows rarely.
                    let rowBytes = index - rowStart + 1
                    out.values.reserveCapacity(count * min(maxRows, 1 + (bytes.count - index) / rowBytes))
                }
                skipSpace()
                if peek() == UInt8(ascii: ",") { index += 1; continue }
                try expect(UInt8(ascii: "]"))
                return out
            }
        }

        private static func rowLength(_ field: String, _ row: Int, count: Int, dim: Int) -> NumericJSONError {
            NumericJSONError(.outOfRange, "\(field)[\(row)] has \(count) numbers; the store has dimension \(dim)")
        }

        /// `[bool, …]` or `[[bool, …], …]`.
        mutating func mask(field: String) throws -> Mask {
            var out = Mask()
            let problem = NumericJSONError(.malformed, "\(field): expected a list of booleans, or a list of such lists (one per query)")
            guard peek() == UInt8(ascii: "[") else { throw problem }
            index += 1
            skipSpace()
            out.nested = peek() == UInt8(ascii: "[")
            if peek() == UInt8(ascii: "]") { index += 1; return out }
            while true {
                skipSpace()
                try poll()
                if out.nested {
                    guard out.rows < maxRows else { throw NumericJSONError(.outOfRange, "'\(field)' has more than \(maxRows) masks: the limit is \(maxRows)") }
                    guard peek() == UInt8(ascii: "[") else { throw problem }
                    index += 1
                    var count = 0
                    skipSpace()
                    if peek() == UInt8(ascii: "]") { index += 1 } else {
                        while true {
                            skipSpace()
                            out.values.append(try boolean(problem))
                            count += 1
                            if let dim, count > dim { throw NumericJSONError(.outOfRange, "\(field)[\(out.rows)] has more than \(dim) entries; the store has dimension \(dim)") }
                            skipSpace()
                            if peek() == UInt8(ascii: ",") { index += 1; continue }
                            try expect(UInt8(ascii: "]"))
                            break
                        }
                    }
                    if let dim, count != dim { throw NumericJSONError(.outOfRange, "\(field)[\(out.rows)] has \(count) entries; the store has dimension \(dim)") }
                    out.cols = count
                    out.rows += 1
                } else {
                    out.values.append(try boolean(problem))
                    if let dim, out.values.count > dim { throw NumericJSONError(.outOfRange, "\(field) has more than \(dim) entries; the store has dimension \(dim)") }
                }
                skipSpace()
                if peek() == UInt8(ascii: ",") { index += 1; continue }
                try expect(UInt8(ascii: "]"))
                if !out.nested { out.rows = 1; out.cols = out.values.count }
                return out
            }
        }

        private mutating func boolean(_ problem: NumericJSONError) throws -> Bool {
            if peek() == UInt8(ascii: "t") { try literal("true"); return true }
            if peek() == UInt8(ascii: "f") { try literal("false"); return false }
            throw problem
        }
    }
}
