/// The fields of a JSON body that are decoded with Codable (all of a store's configuration; a vectors
/// body's options). `NumericJSON` reads the body first: a field not among these (nor the body's vectors)
/// is refused with 422 naming it, and only these fields' text, each bounded, reaches `JSONDecoder`.
protocol JSONFields: Decodable {
    /// The fields' names.
    static var names: [String] { get }

    /// The most bytes of JSON text field `name` may take in a body of at most `maxRows` vectors
    /// (beyond, 422 naming it); `JSONFields.maxFieldBytes` unless a type says otherwise.
    static func maxBytes(of name: String, maxRows: Int) -> Int
}

extension JSONFields {
    /// 64 KiB: far more than any number, flag or name takes.
    static var maxFieldBytes: Int { 64 << 10 }

    static func maxBytes(of name: String, maxRows: Int) -> Int { maxFieldBytes }

    /// Each field's bound, by name, for `NumericJSON`'s `options`.
    static func fieldBounds(maxRows: Int) -> [String: Int] {
        Dictionary(uniqueKeysWithValues: names.map { ($0, maxBytes(of: $0, maxRows: maxRows)) })
    }
}
