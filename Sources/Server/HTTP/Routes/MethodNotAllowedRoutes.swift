import HTTPTypes
import Hummingbird

/// A method a path does not take is answered 405 with `Allow` naming the methods it does take (not
/// 404, which says the path does not exist). The paths and their methods are read from the OpenAPI
/// document the server serves, which the spec-conformance tests hold to the routes.
struct MethodNotAllowedRoutes {
    /// The methods answered 405 where a path does not take them.
    static let methods: [HTTPRequest.Method] = [.get, .head, .put, .post, .delete, .patch, .options]

    /// The OpenAPI document's text.
    let openAPI: String

    /// Every documented path with its documented methods, from the document's `paths:` section: a path
    /// is a key indented two spaces, its operations keys indented four.
    var paths: [(path: String, methods: [HTTPRequest.Method])] {
        var paths: [(path: String, methods: [HTTPRequest.Method])] = []
        var inPaths = false
        for line in openAPI.split(separator: "\n", omittingEmptySubsequences: false) {
            if !line.hasPrefix(" "), !line.isEmpty { inPaths = line == "paths:" }
            guard inPaths, line.hasSuffix(":") else { continue }
            if line.hasPrefix("  /") {
                paths.append((String(line.dropFirst(2).dropLast()), []))
            } else if line.hasPrefix("    "), !line.hasPrefix("     "), !paths.isEmpty,
                      let method = Self.methods.first(where: { line == "    \($0.rawValue.lowercased()):" }) {
                paths[paths.count - 1].methods.append(method)
            }
        }
        return paths
    }

    func register(on router: Router<EngramRequestContext>) {
        for (path, allowed) in paths where !allowed.isEmpty {
            let allow = allowed.map(\.rawValue).joined(separator: ", ")
            for method in Self.methods where !allowed.contains(method) {
                router.on(RouterPath(path), method: method) { request, _ -> Response in
                    throw Problem(.methodNotAllowed, "\(request.method.rawValue) is not a method of \(path): it takes \(allow)", headers: [.allow: allow])
                }
            }
        }
    }
}
