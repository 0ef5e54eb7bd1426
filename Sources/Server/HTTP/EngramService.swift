import Core
import Foundation
import Hummingbird
import Store

/// What the routes share: the stores, the thread pools, the body budget, the metrics and the spec.
struct EngramService: Sendable {
    /// The stores, once recovered.
    let stores: StoreHost
    /// Recalls and energies.
    let recalls: ComputePool
    /// Parsing and converting bodies, encoding large responses (and, given to the registry, snapshot
    /// decoding, feature generation and each store's writes, one at a time per store: see `MemoryStore`).
    let work: WorkPool
    /// The memory the bodies in flight may hold.
    let bodies: BodyBudget
    let metrics: ServerMetrics
    /// The OpenAPI document served at /openapi.yaml, verbatim.
    let openAPI: String
    /// Every limit (reported by /v1/info): the routes check those on requests, the registry those on
    /// stores, `GuardedChannel` those on connections.
    let limits: Limits
    /// The API keys accepted (none: every route open).
    let policy: AccessPolicy
    /// Recalls of a few queries, merged into batches on `recalls`.
    let batcher: RecallBatcher<ContinuousClock>
    /// The recalls to cancel when their connection closes.
    let connections = ConnectionWatch()

    /// A service over `stores`; recalls wait up to `batchDelay` to be merged into batches of at most
    /// `maxBatch` queries (zero delay: no batching), whose products use up to `productThreads` threads.
    /// Bodies are parsed on `work` (by default a pool of one thread per core).
    init(stores: StoreHost, recalls: ComputePool, work: WorkPool = StoreRegistry.defaultPool(), metrics: ServerMetrics, openAPI: String, limits: Limits = Limits(),
         policy: AccessPolicy = .open, maxBatch: Int = RowProducts.smallBatchLimit, batchDelay: Duration = .microseconds(300), productThreads: Int = 1) {
        self.stores = stores
        self.recalls = recalls
        self.work = work
        bodies = BodyBudget(limit: limits.maxBodyMemory)
        self.metrics = metrics
        self.openAPI = openAPI
        self.limits = limits
        self.policy = policy
        batcher = RecallBatcher(pool: recalls, maxBatch: maxBatch, delay: batchDelay, threads: productThreads, clock: ContinuousClock(), metrics: metrics)
    }

    /// The registry; 503 while the server recovers.
    func registry() throws -> StoreRegistry { try stores.registry() }

    /// The store named by the route's `{name}` parameter; 404 when there is none, 503 when it failed recovery.
    func store(for context: some RequestContext) throws -> MemoryStore {
        try registry().store(named: context.parameters.require("name"))
    }

    /// Where the body of the request of `context` is parsed: on `work`, stopped when its client leaves.
    func parser(for context: EngramRequestContext) -> BodyParser {
        BodyParser(pool: work, connections: connections, channel: context.channel)
    }

    /// Refreshes the store gauges after a change.
    func changed() {
        if let registry = stores.ready { metrics.refresh(from: registry) }
    }

    /// The spec bundled with the executable; throws when the bundle is missing (a broken install).
    static func bundledOpenAPI() throws -> String {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "yaml") else {
            throw CommandFailure("openapi.yaml is missing from the executable's resource bundle")
        }
        return try String(contentsOf: url, encoding: .utf8)
    }
}
