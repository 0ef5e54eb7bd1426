import Hummingbird
import HummingbirdCore

/// A request's options in its query string (beside an `.npy` or `.npz` body), read by name and type.
/// A parameter the route does not take, a value that does not parse, or a single-valued parameter
/// given twice is a 400 naming it.
struct QueryOptions {
    /// The values of each parameter, in order.
    private let values: [String: [String]]

    /// The parameters of `uri`; 400 for one not among `names`.
    init(_ uri: URI, accepting names: [String]) throws {
        var values: [String: [String]] = [:]
        for (key, value) in uri.queryParameters {
            guard names.contains(String(key)) else {
                let taken = names.isEmpty ? "none" : names.joined(separator: ", ")
                throw Problem(.badRequest, "unknown query parameter '\(key)': this route takes \(taken)")
            }
            values[String(key), default: []].append(String(value))
        }
        self.values = values
    }

    /// The names of the parameters given.
    var names: [String] { values.keys.sorted() }

    /// An integer parameter, nil when absent.
    func int(_ name: String) throws -> Int? {
        try single(name).map { text in
            guard let value = Int(text) else { throw Problem(.badRequest, "query parameter \(name): '\(text)' is not an integer") }
            return value
        }
    }

    /// A finite number, nil when absent.
    func double(_ name: String) throws -> Double? {
        try single(name).map { text in
            guard let value = Double(text), value.isFinite else { throw Problem(.badRequest, "query parameter \(name): '\(text)' is not a finite number") }
            return value
        }
    }

    /// `true` or `false`, nil when absent.
    func bool(_ name: String) throws -> Bool? {
        try single(name).map { text in
            switch text {
            case "true": return true
            case "false": return false
            default: throw Problem(.badRequest, "query parameter \(name): '\(text)' is not true or false")
            }
        }
    }

    /// A list: the parameter repeated, comma-separated, or both (`ids=a,b&ids=c`); nil when absent.
    func list(_ name: String) -> [String]? {
        values[name].map { $0.flatMap { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) } }
    }

    private func single(_ name: String) throws -> String? {
        guard let given = values[name] else { return nil }
        guard given.count == 1 else { throw Problem(.badRequest, "query parameter \(name) is given \(given.count) times") }
        return given[0]
    }
}
