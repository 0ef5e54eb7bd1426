import Foundation

/// The committed openapi.yaml, read for its operations and their documented statuses. This reads the
/// file's own regular layout (paths at two spaces, methods at four, status codes at eight), not YAML in
/// general.
struct OpenAPIDocument {
    let text: String

    /// The repository's openapi.yaml (the Server's bundled resource is the same file).
    static func load() throws -> OpenAPIDocument {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../openapi.yaml")
        return OpenAPIDocument(text: try String(contentsOf: url, encoding: .utf8))
    }

    /// "METHOD /path" → documented status codes.
    var operations: [String: Set<Int>] {
        var out: [String: Set<Int>] = [:]
        var path: String?, operation: String?, inPaths = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line == "paths:" { inPaths = true; continue }
            if inPaths, !line.isEmpty, !line.hasPrefix(" ") { break }
            guard inPaths else { continue }
            if line.hasPrefix("  /"), line.hasSuffix(":"), !line.hasPrefix("   ") {
                path = String(line.dropFirst(2).dropLast())
            } else if let method = ["get", "put", "post", "delete", "patch"].first(where: { line == "    \($0):" }), let path {
                operation = "\(method.uppercased()) \(path)"
                out[operation!] = []
            } else if let operation, line.hasPrefix("        \""), let code = Int(line.dropFirst(9).prefix(3)) {
                out[operation]!.insert(code)
            }
        }
        return out
    }
}
