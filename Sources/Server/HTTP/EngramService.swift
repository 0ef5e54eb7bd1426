import Foundation
import Hummingbird
import Store

/// What the routes share: the stores, the compute pools, the metrics and the spec.
struct EngramService: Sendable {
    let registry: StoreRegistry
    /// Recalls and energies.
    let recalls: ComputePool
    /// Writes that compute (features of new memories, a new store's random features), one at a time,
    /// in a pool of their own so that they never queue behind recalls.
    let writes: ComputePool
    let metrics: ServerMetrics
    /// The OpenAPI document served at /openapi.yaml, verbatim.
    let openAPI: String

    /// The store named by the route's `{name}` parameter; 404 when there is none.
    func store(for context: some RequestContext) throws -> MemoryStore {
        try registry.store(named: context.parameters.require("name"))
    }

    /// The spec bundled with the executable; throws when the bundle is missing (a broken install).
    static func bundledOpenAPI() throws -> String {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "yaml") else {
            throw CommandFailure("openapi.yaml is missing from the executable's resource bundle")
        }
        return try String(contentsOf: url, encoding: .utf8)
    }
}
