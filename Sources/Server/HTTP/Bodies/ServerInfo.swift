import Hummingbird
import Store

/// `GET /v1/info`: the server's version and every limit in force, each under its flag's name with
/// underscores for dashes (`--max-queries` is `max_queries`), so that a client can cut its requests
/// to fit (the Python client splits recalls and energies by `max_queries`).
struct ServerInfo: ResponseEncodable {
    var version: String
    /// Bytes, counts and seconds.
    var limits: [String: Double]

    init(version: String, service: ServiceLimits, store: StoreLimits, connections: ConnectionLimits) {
        self.version = version
        limits = [
            "max_body_bytes": Double(service.maxBodyBytes), "max_snapshot_bytes": Double(service.maxSnapshotBytes), "max_body_memory": Double(service.maxBodyMemory),
            "max_queries": Double(service.maxQueries), "max_memories_per_request": Double(service.maxMemoriesPerRequest),
            "max_depth": Double(service.maxDepth), "max_trace_entries": Double(service.maxTraceEntries),
            "max_recall_bytes": Double(service.maxRecallBytes), "max_queued_recalls": Double(service.maxQueuedRecalls),
            "request_timeout": service.requestTimeout,
            "max_stores": Double(store.maxStores), "max_dim": Double(store.maxDim), "max_features": Double(store.maxFeatures),
            "max_feature_entries": Double(store.maxFeatureEntries), "max_memories_per_store": Double(store.maxMemoriesPerStore),
            "max_store_bytes": Double(store.maxStoreBytes), "max_total_bytes": Double(store.maxTotalBytes),
            "idle_timeout": connections.idleTimeout, "header_timeout": connections.headerTimeout,
            "body_timeout": connections.bodyTimeout, "max_connections": Double(connections.maxConnections),
        ]
    }
}
