import Foundation

/// The limits on one request, each checked before what it guards is allocated (docs/limits.md).
/// The server sets them from its flags; these are the defaults.
struct ServiceLimits: Sendable {
    /// The largest request body, in bytes (413 beyond; a snapshot upload has its own limit).
    var maxBodyBytes = 64 << 20
    /// The largest snapshot upload, in bytes.
    var maxSnapshotBytes = 1 << 30
    /// Bytes of memory the bodies in flight may reserve, over all requests (`BodyBudget`; 503 beyond):
    /// a quarter of the machine's physical memory.
    var maxBodyMemory = Int(clamping: ProcessInfo.processInfo.physicalMemory / 4)
    /// Queries (recall) or points (energy) in one request.
    var maxQueries = 4096
    /// Memories in one add or forget.
    var maxMemoriesPerRequest = 100_000
    /// Descent steps of one recall.
    var maxDepth = 100_000
    /// Trace entries of one recall, queries × depth, whether or not the trace is sent (the descent
    /// keeps it either way).
    var maxTraceEntries = 10_000_000
    /// Working memory of one recall or energy request in bytes: 4·B·K (mrdam) or 4·B·Y (drdam) for
    /// the similarities, plus the trace and the states.
    var maxRecallBytes = 1 << 30
    /// Recalls waiting for the compute pool; beyond, 503 with Retry-After.
    var maxQueuedRecalls = 64
    /// Seconds a recall may compute before it stops (within one descent step) and answers 503.
    var requestTimeout: Double = 300
}
