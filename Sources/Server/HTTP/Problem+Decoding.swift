import Foundation

extension Problem {
    /// A 400 problem for a body that could not be decoded, saying where and what.
    init(decoding error: DecodingError) {
        self.init(.badRequest, Self.describe(error))
    }

    /// A one-line account of a JSON decoding failure: where and what.
    private static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return keys.isEmpty ? "the body" : String(keys.drop { $0 == "." })
        }
        switch error {
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty
                ? "the body is not valid JSON, or a number does not fit its field (NaN, Infinity, 1e999, beyond float32's range, a negative or fractional integer)"
                : "\(path(context)): \(context.debugDescription)"
        case .keyNotFound(let key, let context):
            let parent = path(context)
            return "missing field '\(key.stringValue)'" + (parent == "the body" ? "" : " in \(parent)")
        case .typeMismatch(let type, let context):
            return "\(path(context)): expected \(Self.name(of: type))" + (context.underlyingError == nil && !context.debugDescription.hasPrefix("Expected") ? " (\(context.debugDescription))" : "")
        case .valueNotFound(let type, let context): return "\(path(context)): expected \(Self.name(of: type)), got null"
        @unknown default: return "the body could not be decoded"
        }
    }

    private static func name(of type: Any.Type) -> String {
        switch type {
        case is Float.Type, is Double.Type: "a number"
        case is Int.Type, is UInt64.Type: "an integer"
        case is String.Type: "a string"
        case is Bool.Type: "a boolean"
        default: String(describing: type).hasPrefix("Array") ? "an array" : "an object"
        }
    }
}
