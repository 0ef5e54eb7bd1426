/// The header of a `.npy` file: a Python dict literal such as
/// `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }`.
package struct NPYHeader: Equatable {
    /// The dtype string, e.g. `<f4`.
    package var descr: String
    /// Whether the data is in Fortran (column-major) order.
    package var fortranOrder: Bool
    /// The shape; empty for a scalar.
    package var shape: [Int]

    /// Parses the dict literal; every one of the three keys is required.
    package init(parsing text: String) throws {
        var parser = Parser(text: Array(text.unicodeScalars))
        let dict = try parser.dictionary()
        guard case .string(let descr)? = dict["descr"] else { throw NPYError("the header has no 'descr' string") }
        guard case .bool(let fortran)? = dict["fortran_order"] else { throw NPYError("the header has no 'fortran_order' boolean") }
        guard case .tuple(let shape)? = dict["shape"] else { throw NPYError("the header has no 'shape' tuple") }
        self.init(descr: descr, fortranOrder: fortran, shape: shape)
    }

    package init(descr: String, fortranOrder: Bool, shape: [Int]) {
        self.descr = descr
        self.fortranOrder = fortranOrder
        self.shape = shape
    }

    /// The dict literal NumPy writes for this header.
    package var literal: String {
        let dims = shape.map(String.init).joined(separator: ", ")
        let tuple = shape.count == 1 ? "(\(dims),)" : "(\(dims))"
        return "{'descr': '\(descr)', 'fortran_order': \(fortranOrder ? "True" : "False"), 'shape': \(tuple), }"
    }

    private enum Value { case string(String), bool(Bool), tuple([Int]) }

    /// A recursive-descent reader for the subset of Python literals that `.npy` headers use.
    private struct Parser {
        let text: [Unicode.Scalar]
        var at = 0

        mutating func dictionary() throws -> [String: Value] {
            try expect("{")
            var out: [String: Value] = [:]
            while true {
                skipSpace()
                if peek == "}" { at += 1; break }
                let key = try string()
                try expect(":")
                out[key] = try value(of: key)
                skipSpace()
                if peek == "," { at += 1; continue }
                try expect("}")
                break
            }
            return out
        }

        mutating func value(of key: String) throws -> Value {
            skipSpace()
            switch peek {
            case "'", "\"": return .string(try string())
            case "[" where key == "descr": throw NPYError("structured dtypes (a 'descr' list) are not supported")
            case "(", "[": return .tuple(try tuple())
            case "T": try word("True"); return .bool(true)
            case "F": try word("False"); return .bool(false)
            default: throw NPYError("unexpected character in the header at offset \(at)")
            }
        }

        mutating func string() throws -> String {
            skipSpace()
            guard let quote = peek, quote == "'" || quote == "\"" else { throw NPYError("expected a quoted string in the header at offset \(at)") }
            at += 1
            var out = ""
            while let c = peek, c != quote { out.unicodeScalars.append(c); at += 1 }
            try expect(quote)
            return out
        }

        mutating func tuple() throws -> [Int] {
            skipSpace()
            let close: Unicode.Scalar = peek == "(" ? ")" : "]"
            at += 1
            var out: [Int] = []
            while true {
                skipSpace()
                if peek == close { at += 1; return out }
                var digits = ""
                while let c = peek, ("0"..."9").contains(c) { digits.unicodeScalars.append(c); at += 1 }
                if peek == "L" { at += 1 }
                guard !digits.isEmpty else { throw NPYError("the shape must be a tuple of non-negative integers") }
                guard let n = Int(digits) else { throw NPYError("the shape entry \(digits) is too large") }
                out.append(n)
                skipSpace()
                if peek == "," { at += 1 } else if peek != close { throw NPYError("the shape must be a tuple of non-negative integers") }
            }
        }

        mutating func word(_ w: String) throws {
            for c in w.unicodeScalars { try expect(c) }
        }

        mutating func expect(_ c: Unicode.Scalar) throws {
            skipSpace()
            guard peek == c else { throw NPYError("expected '\(c)' in the header at offset \(at)") }
            at += 1
        }

        mutating func skipSpace() {
            while let c = peek, c == " " || c == "\n" || c == "\t" || c == "\r" { at += 1 }
        }

        var peek: Unicode.Scalar? { at < text.count ? text[at] : nil }
    }
}
