import Foundation

/// The committed openapi.yaml, read for its operations and their documented statuses. This reads the
/// file's own regular layout (paths at two spaces, methods at four, an operation's fields at six,
/// status codes at eight), not YAML in general.
struct OpenAPIDocument {
    let text: String

    /// The repository's openapi.yaml (the Server's bundled resource is the same file).
    static func load() throws -> OpenAPIDocument {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../openapi.yaml")
        return OpenAPIDocument(text: try String(contentsOf: url, encoding: .utf8))
    }

    private var lines: [String] { text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) }

    /// Calls `body` with each line under `paths:` and the "METHOD /path" it belongs to (nil before
    /// the first method of a path).
    private func walkPaths(_ body: (_ line: String, _ operation: String?) -> Void) {
        var path: String?, operation: String?, inPaths = false
        for line in lines {
            if line == "paths:" { inPaths = true; continue }
            if inPaths, !line.isEmpty, !line.hasPrefix(" ") { break }
            guard inPaths else { continue }
            if line.hasPrefix("  /"), line.hasSuffix(":"), !line.hasPrefix("   ") {
                path = String(line.dropFirst(2).dropLast())
                operation = nil
            } else if let method = ["get", "put", "post", "delete", "patch"].first(where: { line == "    \($0):" }), let path {
                operation = "\(method.uppercased()) \(path)"
            }
            body(line, operation)
        }
    }

    /// "METHOD /path" → documented status codes.
    var operations: [String: Set<Int>] {
        var out: [String: Set<Int>] = [:]
        walkPaths { line, operation in
            guard let operation else { return }
            if out[operation] == nil { out[operation] = [] }
            if line.hasPrefix("        \""), let code = Int(line.dropFirst(9).prefix(3)) { out[operation]!.insert(code) }
        }
        return out
    }

    /// "METHOD /path" → its operationId.
    var operationIDs: [String: String] {
        var out: [String: String] = [:]
        walkPaths { line, operation in
            if let operation, line.hasPrefix("      operationId: ") { out[operation] = String(line.dropFirst(19)) }
        }
        return out
    }

    /// The operations with a request body.
    var withBody: Set<String> {
        var out: Set<String> = []
        walkPaths { line, operation in
            if let operation, line == "      requestBody:" { out.insert(operation) }
        }
        return out
    }

    /// The operations that need no key (`security: []`).
    var open: Set<String> {
        var out: Set<String> = []
        walkPaths { line, operation in
            if let operation, line == "      security: []" { out.insert(operation) }
        }
        return out
    }

    /// The operationIds that links name (anywhere in the document: an `operationId:` deeper than an
    /// operation's own, or under `components: links:`).
    var linkTargets: Set<String> {
        var out: Set<String> = [], section = "", componentLinks = false
        for line in lines {
            if !line.isEmpty, !line.hasPrefix(" ") { section = line }
            if section == "components:", line.hasPrefix("  "), !line.hasPrefix("   ") { componentLinks = line == "  links:" }
            let trimmed = line.drop { $0 == " " }
            guard trimmed.hasPrefix("operationId: ") else { continue }
            let indent = line.count - trimmed.count
            if (section == "paths:" && indent > 6) || (section == "components:" && componentLinks) { out.insert(String(trimmed.dropFirst(13))) }
        }
        return out
    }
}
