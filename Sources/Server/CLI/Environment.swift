import ArgumentParser
import Foundation

/// Command-line options that fall back to `ENGRAM_*` environment variables.
enum Environment {
    /// The process environment.
    static var variables: [String: String] { ProcessInfo.processInfo.environment }

    /// `value`, else the variable `name` parsed as `T`, else `fallback`; a variable that does not
    /// parse is a usage error naming it.
    static func setting<T: LosslessStringConvertible>(_ value: T?, _ name: String, _ fallback: T) throws -> T {
        if let value { return value }
        guard let text = variables[name] else { return fallback }
        guard let parsed = T(text) else { throw ValidationError("\(name) must be a \(T.self), got '\(text)'") }
        return parsed
    }

    /// `value`, else the variable `name`.
    static func string(_ value: String?, _ name: String) -> String? { value ?? variables[name] }

    /// A flag, or the variable `name` set to 1, true or yes.
    static func flag(_ value: Bool, _ name: String) -> Bool {
        value || ["1", "true", "yes"].contains(variables[name]?.lowercased() ?? "")
    }
}
