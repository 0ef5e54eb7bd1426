import ArgumentParser
import Store

/// `engram serve`'s limits: each a flag with an `ENGRAM_MAX_…` (or `ENGRAM_REQUEST_TIMEOUT`)
/// environment variable, each refused with a 4xx before what it guards is allocated.
struct LimitOptions: ParsableArguments {
    @Option(help: "Largest request body in bytes (ENGRAM_MAX_BODY_BYTES; default 67108864).") var maxBodyBytes: Int?
    @Option(help: "Largest snapshot upload in bytes (ENGRAM_MAX_SNAPSHOT_BYTES; default 1073741824).") var maxSnapshotBytes: Int?
    @Option(help: "Memory for request bodies in flight, in bytes (ENGRAM_MAX_BODY_MEMORY; default a quarter of physical memory, at least 3 × --max-body-bytes).") var maxBodyMemory: Int?
    @Option(help: "Queries or points in one request (ENGRAM_MAX_QUERIES; default 4096).") var maxQueries: Int?
    @Option(help: "Memories in one add or forget (ENGRAM_MAX_MEMORIES_PER_REQUEST; default 100000).") var maxMemoriesPerRequest: Int?
    @Option(help: "Descent steps of one recall (ENGRAM_MAX_DEPTH; default 100000).") var maxDepth: Int?
    @Option(help: "Queries × depth of one recall, traced or not (ENGRAM_MAX_TRACE_ENTRIES; default 10000000).") var maxTraceEntries: Int?
    @Option(help: "Working memory of one recall in bytes (ENGRAM_MAX_RECALL_BYTES; default 1073741824).") var maxRecallBytes: Int?
    @Option(help: "Recalls waiting for a compute thread before 503 (ENGRAM_MAX_QUEUED_RECALLS; default 64).") var maxQueuedRecalls: Int?
    @Option(help: "Seconds a recall may compute (ENGRAM_REQUEST_TIMEOUT; default 300).") var requestTimeout: Double?
    @Option(help: "Stores (ENGRAM_MAX_STORES; default 1000).") var maxStores: Int?
    @Option(help: "Largest dimension (ENGRAM_MAX_DIM; default 65536).") var maxDim: Int?
    @Option(help: "Most random features of a drdam store (ENGRAM_MAX_FEATURES; default 1048576).") var maxFeatures: Int?
    @Option(help: "Most features × dim of Ω a create may generate (ENGRAM_MAX_FEATURE_ENTRIES; default 67108864).") var maxFeatureEntries: Int?
    @Option(help: "Memories of one mrdam store (ENGRAM_MAX_MEMORIES_PER_STORE; default 10000000).") var maxMemoriesPerStore: Int?
    @Option(help: "Bytes of numbers one store may hold (ENGRAM_MAX_STORE_BYTES; default 4294967296).") var maxStoreBytes: Int?
    @Option(help: "Bytes of numbers all stores may hold (ENGRAM_MAX_TOTAL_BYTES; default 8589934592).") var maxTotalBytes: Int?

    /// The request limits, checked: every limit at least 1.
    func service() throws -> ServiceLimits {
        let d = ServiceLimits()
        var l = ServiceLimits()
        l.maxBodyBytes = try positive(maxBodyBytes, "ENGRAM_MAX_BODY_BYTES", d.maxBodyBytes)
        l.maxSnapshotBytes = try positive(maxSnapshotBytes, "ENGRAM_MAX_SNAPSHOT_BYTES", d.maxSnapshotBytes)
        let (oneBody, overflow) = l.maxBodyBytes.multipliedReportingOverflow(by: BodyBudget.factor)
        l.maxBodyMemory = try positive(maxBodyMemory, "ENGRAM_MAX_BODY_MEMORY", max(d.maxBodyMemory, overflow ? .max : oneBody))
        l.maxQueries = try positive(maxQueries, "ENGRAM_MAX_QUERIES", d.maxQueries)
        l.maxMemoriesPerRequest = try positive(maxMemoriesPerRequest, "ENGRAM_MAX_MEMORIES_PER_REQUEST", d.maxMemoriesPerRequest)
        l.maxDepth = try positive(maxDepth, "ENGRAM_MAX_DEPTH", d.maxDepth)
        l.maxTraceEntries = try positive(maxTraceEntries, "ENGRAM_MAX_TRACE_ENTRIES", d.maxTraceEntries)
        l.maxRecallBytes = try positive(maxRecallBytes, "ENGRAM_MAX_RECALL_BYTES", d.maxRecallBytes)
        l.maxQueuedRecalls = try Environment.setting(maxQueuedRecalls, "ENGRAM_MAX_QUEUED_RECALLS", d.maxQueuedRecalls)
        l.requestTimeout = try Environment.setting(requestTimeout, "ENGRAM_REQUEST_TIMEOUT", d.requestTimeout)
        guard l.maxQueuedRecalls >= 0, l.requestTimeout > 0 else { throw ValidationError("--max-queued-recalls must be ≥ 0 and --request-timeout > 0") }
        return l
    }

    /// The store limits, checked.
    func store() throws -> StoreLimits {
        let d = StoreLimits()
        var l = StoreLimits()
        l.maxStores = try positive(maxStores, "ENGRAM_MAX_STORES", d.maxStores)
        l.maxDim = try positive(maxDim, "ENGRAM_MAX_DIM", d.maxDim)
        l.maxFeatures = try positive(maxFeatures, "ENGRAM_MAX_FEATURES", d.maxFeatures)
        l.maxFeatureEntries = try positive(maxFeatureEntries, "ENGRAM_MAX_FEATURE_ENTRIES", d.maxFeatureEntries)
        l.maxMemoriesPerStore = try positive(maxMemoriesPerStore, "ENGRAM_MAX_MEMORIES_PER_STORE", d.maxMemoriesPerStore)
        l.maxStoreBytes = try positive(maxStoreBytes, "ENGRAM_MAX_STORE_BYTES", d.maxStoreBytes)
        l.maxTotalBytes = try positive(maxTotalBytes, "ENGRAM_MAX_TOTAL_BYTES", d.maxTotalBytes)
        return l
    }

    private func positive(_ value: Int?, _ name: String, _ fallback: Int) throws -> Int {
        let v = try Environment.setting(value, name, fallback)
        guard v >= 1 else { throw ValidationError("\(name) (or its flag) must be at least 1, got \(v)") }
        return v
    }
}
