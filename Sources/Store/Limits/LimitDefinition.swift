/// One limit of `Limits` as the catalog defines it: the property it sets, what it bounds, its
/// default and its valid range. Its flag, environment variable and `/v1/info` name all follow from
/// the property's name: `maxBodyBytes` is `--max-body-bytes`, `ENGRAM_MAX_BODY_BYTES`, `max_body_bytes`.
package struct LimitDefinition: Sendable {
    /// Where the value lives in `Limits`, its type and its valid range.
    package enum Field: Sendable {
        /// A count or a number of bytes.
        case integer(WritableKeyPath<Limits, Int> & Sendable, ClosedRange<Int>)
        /// A number of seconds.
        case seconds(WritableKeyPath<Limits, Double> & Sendable, ClosedRange<Double>)
    }

    /// The property of `Limits`, e.g. `maxBodyBytes`.
    package let name: String
    package let field: Field
    /// What the limit bounds and what happens past it: one sentence for `--help`, without its period.
    package let summary: String
    /// The default in words when it depends on the machine or on another limit; nil: the value in
    /// `Limits()`.
    package let defaultDescription: String?

    package init(_ name: String, _ field: Field, _ summary: String, default defaultDescription: String? = nil) {
        self.name = name
        self.field = field
        self.summary = summary
        self.defaultDescription = defaultDescription
    }

    /// The words of the name, lowercased: `["max", "body", "bytes"]`.
    private var words: [String] {
        var words = [""]
        for character in name {
            if character.isUppercase { words.append("") }
            words[words.count - 1].append(character.lowercased())
        }
        return words
    }

    /// The flag, dashes included: `--max-body-bytes`.
    package var flag: String { "--" + words.joined(separator: "-") }
    /// The environment variable: `ENGRAM_MAX_BODY_BYTES`.
    package var environmentName: String { "ENGRAM_" + words.joined(separator: "_").uppercased() }
    /// The key in `GET /v1/info`'s `limits`: `max_body_bytes`.
    package var infoName: String { words.joined(separator: "_") }

    /// The key path of the value in `Limits`.
    package var keyPath: PartialKeyPath<Limits> {
        switch field {
        case .integer(let path, _): path
        case .seconds(let path, _): path
        }
    }

    /// The valid range in words: `1 to 1099511627776`.
    package var rangeDescription: String {
        switch field {
        case .integer(_, let range): "\(range.lowerBound) to \(range.upperBound)"
        case .seconds(_, let range): "\(Self.text(range.lowerBound)) to \(Self.text(range.upperBound)) seconds"
        }
    }

    /// The value in `limits`, as `/v1/info` reports it (bytes, counts and seconds).
    package func number(in limits: Limits) -> Double {
        switch field {
        case .integer(let path, _): Double(limits[keyPath: path])
        case .seconds(let path, _): limits[keyPath: path]
        }
    }

    /// The default in words: `defaultDescription`, else the value in `Limits()`.
    package var defaultText: String {
        if let defaultDescription { return defaultDescription }
        switch field {
        case .integer(let path, _): return String(Limits()[keyPath: path])
        case .seconds(let path, _): return Self.text(Limits()[keyPath: path])
        }
    }

    /// The `--help` text: what it bounds, its default, its range and its environment variable.
    package var help: String { "\(summary) (default \(defaultText); \(rangeDescription); env \(environmentName))." }

    /// Sets the value in `limits` from `text`, given by `source` (the flag or the environment
    /// variable). Throws `LimitError` naming the flag, the variable and the range when the text is
    /// not a number of the limit's type or is out of its range.
    package func set(_ text: String, from source: String, in limits: inout Limits) throws {
        switch field {
        case .integer(let path, let range):
            guard let value = Int(text), range.contains(value) else { throw error(text, from: source) }
            limits[keyPath: path] = value
        case .seconds(let path, let range):
            guard let value = Double(text), range.contains(value) else { throw error(text, from: source) }
            limits[keyPath: path] = value
        }
    }

    private func error(_ text: String, from source: String) -> LimitError {
        LimitError("\(flag) (or \(environmentName)) must be a number from \(rangeDescription), got '\(text)' from \(source)")
    }

    /// Seconds without a needless ".0": `60`, `0.001`.
    private static func text(_ seconds: Double) -> String {
        seconds == seconds.rounded() && abs(seconds) < 1e15 ? String(Int(seconds)) : String(seconds)
    }
}
