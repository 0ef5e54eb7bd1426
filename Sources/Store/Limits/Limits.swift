#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Every limit of the server, each checked before what it guards is allocated (docs/limits.md). The
/// server reads them from its flags, else its `ENGRAM_…` environment, else these defaults; each
/// limit's flag, environment variable, help text and valid range are in `Limits.catalog`, and
/// `GET /v1/info` reports them all. The ranges keep the arithmetic over the limits inside Int:
/// e.g. 4 · queries · (memories + depth + 4 · dim) stays below 2^63.
package struct Limits: Sendable, Equatable {
    // Requests.

    /// The largest request body, in bytes (413 beyond; a snapshot upload has its own limit).
    package var maxBodyBytes = 64 << 20
    /// The largest snapshot upload, in bytes.
    package var maxSnapshotBytes = 1 << 30
    /// Bytes of request bodies held in memory at once across all requests; beyond, 503 with
    /// Retry-After. (Defined here; enforced by the body reader.)
    package var maxBodyMemory: Int
    /// Queries (recall) or points (energy) in one request.
    package var maxQueries = 4096
    /// Memories in one add or forget.
    package var maxMemoriesPerRequest = 100_000
    /// Descent steps of one recall.
    package var maxDepth = 100_000
    /// Trace entries of one recall, queries × depth, whether or not the trace is sent (the descent
    /// keeps it either way).
    package var maxTraceEntries = 10_000_000
    /// Working memory of one recall or energy request in bytes: 4·B·K (mrdam) or 4·B·Y (drdam) for
    /// the similarities, plus the trace and the states.
    package var maxRecallBytes = 1 << 30
    /// Recalls waiting for the compute pool; beyond, 503 with Retry-After.
    package var maxQueuedRecalls = 64
    /// Seconds a recall may compute before it stops (within one descent step) and answers 503.
    package var requestTimeout: Double = 300

    // Stores.

    /// Stores at once.
    package var maxStores = 1000
    /// The largest dimension D.
    package var maxDim = 65_536
    /// The most random features Y of a drdam store.
    package var maxFeatures = 1 << 20
    /// The most entries Y·D of Ω a drdam store may generate at creation (2^26 floats: 256 MiB).
    package var maxFeatureEntries = 1 << 26
    /// Memories an mrdam store may hold (drdam stores hold T only, whatever they were given).
    package var maxMemoriesPerStore = 10_000_000
    /// Bytes of numbers one store may hold (`StoreModel.bytes`).
    package var maxStoreBytes = 4 << 30
    /// Bytes of numbers all stores together may hold.
    package var maxTotalBytes = 8 << 30
    /// Bytes of all API snapshots on disk, of living and deleted stores together. (Defined here;
    /// enforced by the snapshot routes.)
    package var maxSnapshotDiskBytes = 16 << 30

    // Connections.

    /// Seconds a connection may wait with no request in progress (none arriving, none being answered)
    /// before it is closed.
    package var idleTimeout: Double = 60
    /// Seconds from a request's first byte (or its TLS handshake's) to the end of its head.
    package var headerTimeout: Double = 10
    /// Seconds from the end of a request's head to the end of its body, however it trickles in.
    package var bodyTimeout: Double = 600
    /// Connections served at once; one more is answered 503 and closed.
    package var maxConnections = Limits.defaultMaxConnections

    /// The defaults.
    package init() {
        maxBodyMemory = Self.defaultMaxBodyMemory(maxBodyBytes: maxBodyBytes)
    }

    /// 1024, or half the process's open-file limit (`ulimit -n`) when that is lower: well below the
    /// descriptor limit, so that the stores' files and the listening socket always have room.
    package static var defaultMaxConnections: Int {
        var limit = rlimit()
        #if canImport(Glibc)
        let resource = Int32(RLIMIT_NOFILE.rawValue)
        #else
        let resource = RLIMIT_NOFILE
        #endif
        guard getrlimit(resource, &limit) == 0 else { return 1024 }
        return max(1, min(1024, Int(clamping: limit.rlim_cur) / 2))
    }

    /// A quarter of the machine's physical memory (pages × page size / 4), at least `maxBodyBytes`
    /// so that one largest body always fits, at most 2^50 (the top of its range).
    package static func defaultMaxBodyMemory(maxBodyBytes: Int) -> Int {
        let pages = sysconf(Int32(_SC_PHYS_PAGES)), pageSize = sysconf(Int32(_SC_PAGESIZE))
        let (physical, overflow) = pages.multipliedReportingOverflow(by: pageSize)
        let quarter = pages > 0 && pageSize > 0 && !overflow ? physical / 4 : 1 << 30
        return min(max(quarter, maxBodyBytes), 1 << 50)
    }
}
