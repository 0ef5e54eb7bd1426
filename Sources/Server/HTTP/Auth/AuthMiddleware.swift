import Foundation
import HTTPTypes
import Hummingbird

/// Checks every request's API key (`api-key: KEY` or `Authorization: Bearer KEY`) against the
/// policy: 401 without a valid key, 403 for a key without the right (a read-only key on a write, a
/// scoped key on another store or on a server-wide operation, /metrics included). `/healthz` and `/readyz` stay open;
/// `/metrics` too with `--metrics-public`. The key's rights go into the context for the routes (the
/// store list shows only the stores a key may see).
struct AuthMiddleware: RouterMiddleware {
    typealias Context = EngramRequestContext
    let policy: AccessPolicy

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        // Decided on the path's segments as the router reads them (empty ones dropped: `//v1/stores/x`
        // is routed as `/v1/stores/x`, so it must be checked as that too).
        let segments = request.uri.path.split(separator: "/").map(String.init)
        let open = segments == ["healthz"] || segments == ["readyz"] || (segments == ["metrics"] && policy.metricsPublic)
        guard policy.requiresKeys, !open else { return try await next(request, context) }
        guard let presented = Self.presentedKey(request.headers) else {
            throw Problem(.unauthorized, "an API key is required: send it as 'api-key: KEY' or 'Authorization: Bearer KEY'", headers: [.wwwAuthenticate: "Bearer"])
        }
        guard let key = policy.authenticate(presented) else {
            throw Problem(.unauthorized, "the API key is not valid", headers: [.wwwAuthenticate: "Bearer error=\"invalid_token\""])
        }
        if Self.writes(request.method, segments), key.role == .read {
            throw Problem(.forbidden, "this API key is read-only: it may read, recall and compute energies, not change anything")
        }
        if let store = Self.storeName(segments) {
            guard key.allows(store: store) else { throw Problem(.forbidden, "this API key may not use store '\(store)'") }
        } else if Self.concernsEveryStore(segments), !key.allowsEveryStore {
            throw Problem(.forbidden, "this API key is limited to some stores; /\(segments.joined(separator: "/")) concerns every store")
        }
        var context = context
        context.key = key
        return try await next(request, context)
    }

    /// The key from `api-key` or `Authorization: Bearer`.
    static func presentedKey(_ headers: HTTPFields) -> String? {
        if let key = headers[HTTPField.Name("api-key")!] { return key }
        guard let authorization = headers[.authorization] else { return nil }
        let parts = authorization.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        return String(parts[1]).trimmingCharacters(in: .whitespaces)
    }

    /// Whether the request changes something: everything but GET/HEAD, recall, energy and calibrate
    /// (a store's calibrate writes only when it sets β, which its route checks).
    static func writes(_ method: HTTPRequest.Method, _ segments: [String]) -> Bool {
        if method == .get || method == .head { return false }
        let computes = (segments.count == 4 && storeName(segments) != nil && ["recall", "energy", "calibrate"].contains(segments[3]))
            || segments == ["v1", "calibrate"]
        return !(method == .post && computes)
    }

    /// Whether a path that names no store concerns every store, so that a key limited to some stores
    /// may not use it: the operations under /v1 (but the store list, which shows such a key its own
    /// stores, /v1/info and /v1/calibrate, which reads no store) and /metrics (its counts are server-wide).
    static func concernsEveryStore(_ segments: [String]) -> Bool {
        (segments.first == "v1" && ![["v1", "stores"], ["v1", "info"], ["v1", "calibrate"]].contains(segments)) || segments == ["metrics"]
    }

    /// The store a `/v1/stores/{name}…` path names (the raw segment, as the router takes it).
    static func storeName(_ segments: [String]) -> String? {
        guard segments.count >= 3, segments[0] == "v1", segments[1] == "stores" else { return nil }
        return segments[2]
    }
}
