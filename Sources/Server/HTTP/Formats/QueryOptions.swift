import Hummingbird
import HummingbirdCore

/// A request's options in its query string (beside an `.npy` or `.npz` body), read by name and type.
/// Parameters the route does not take are a 422 naming them all; a value that does not parse, or a
/// single-valued parameter given twice, is a 400 naming it.
struct QueryOptions {
    /// The values of each parameter, in order.
    private let values: [String: [String]]

    /// The parameters of `uri`; 422 naming those not among `names`.
    init(_ uri: URI, accepting names: [String]) throws {
        var values: [String: [String]] = [:]
        var unknown: [String] = []
        for (key, value) in uri.queryParameters {
            let key = String(key)
            guard names.contains(key) else {
                // Sixteen are named; a seventeenth says there are more.
                if unknown.count <= 16, !unknown.contains(key) { unknown.append(key) }
                continue
            }
            values[key, default: []].append(String(value))
        }
        guard unknown.isEmpty else {
            let given = unknown.prefix(16).map { "'\($0.prefix(64))'" }.joined(separator: ", ") + (unknown.count > 16 ? " and more" : "")
            let taken = names.isEmpty ? "none" : names.joined(separator: ", ")
            throw Problem(.unprocessableContent, "unknown query parameter\(unknown.count > 1 ? "s" : "") \(given): this route takes \(taken)")
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
