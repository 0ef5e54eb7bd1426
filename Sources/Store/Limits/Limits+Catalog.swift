extension Limits {
    /// Every limit, in the order `--help`, docs/limits.md and this list share. The ranges are chosen so
    /// that the arithmetic over the limits cannot overflow Int: bytes up to 2^40 per body and 2^50 in
    /// all, dim up to 2^24, queries up to 2^24, features and depth up to 2^32, feature entries and
    /// memories up to 2^40, timeouts from a millisecond to a day (a week for a recall).
    package static let catalog: [LimitDefinition] = [
        LimitDefinition("maxBodyBytes", .integer(\.maxBodyBytes, 1...(1 << 40)), "Largest request body in bytes"),
        LimitDefinition("maxSnapshotBytes", .integer(\.maxSnapshotBytes, 1...(1 << 40)), "Largest snapshot upload in bytes"),
        LimitDefinition("maxBodyMemory", .integer(\.maxBodyMemory, 1...(1 << 50)),
                        "Bytes of request bodies held in memory at once across all requests; beyond, 503 with Retry-After",
                        default: "a quarter of the physical memory, at least --max-body-bytes"),
        LimitDefinition("maxQueries", .integer(\.maxQueries, 1...(1 << 24)), "Queries or points in one request"),
        LimitDefinition("maxMemoriesPerRequest", .integer(\.maxMemoriesPerRequest, 1...(1 << 32)), "Memories in one add or forget"),
        LimitDefinition("maxDepth", .integer(\.maxDepth, 1...(1 << 32)), "Descent steps of one recall"),
        LimitDefinition("maxTraceEntries", .integer(\.maxTraceEntries, 1...(1 << 40)), "Queries × depth of one recall, traced or not"),
        LimitDefinition("maxRecallBytes", .integer(\.maxRecallBytes, 1...(1 << 50)), "Working memory of one recall in bytes"),
        LimitDefinition("maxQueuedRecalls", .integer(\.maxQueuedRecalls, 0...(1 << 20)), "Recalls waiting for a compute thread before 503"),
        LimitDefinition("requestTimeout", .seconds(\.requestTimeout, 0.001...604_800), "Seconds a recall may compute before 503"),
        LimitDefinition("maxStores", .integer(\.maxStores, 1...(1 << 20)), "Stores"),
        LimitDefinition("maxDim", .integer(\.maxDim, 1...(1 << 24)), "Largest dimension"),
        LimitDefinition("maxFeatures", .integer(\.maxFeatures, 1...(1 << 32)), "Most random features of a drdam store"),
        LimitDefinition("maxFeatureEntries", .integer(\.maxFeatureEntries, 1...(1 << 40)), "Most numbers of a drdam feature transform a create may generate: features × dim dense, 4·P·⌈features/P⌉ structured (P the power of two ≥ dim)"),
        LimitDefinition("maxMemoriesPerStore", .integer(\.maxMemoriesPerStore, 1...(1 << 40)), "Memories of one mrdam store"),
        LimitDefinition("maxStoreBytes", .integer(\.maxStoreBytes, 1...(1 << 50)), "Bytes of numbers one store may hold"),
        LimitDefinition("maxTotalBytes", .integer(\.maxTotalBytes, 1...(1 << 50)), "Bytes of numbers all stores may hold"),
        LimitDefinition("maxSnapshotDiskBytes", .integer(\.maxSnapshotDiskBytes, 1...(1 << 50)),
                        "Bytes of all API snapshots on disk, of living and deleted stores together"),
        LimitDefinition("idleTimeout", .seconds(\.idleTimeout, 0.001...86_400), "Seconds a connection may wait with no request in progress"),
        LimitDefinition("headerTimeout", .seconds(\.headerTimeout, 0.001...86_400), "Seconds from a request's first byte to the end of its head"),
        LimitDefinition("bodyTimeout", .seconds(\.bodyTimeout, 0.001...86_400), "Seconds from the end of a request's head to the end of its body"),
        LimitDefinition("maxConnections", .integer(\.maxConnections, 1...(1 << 20)), "Connections served at once; more are answered 503",
                        default: "1024, or half of `ulimit -n` when lower"),
    ]

    /// The catalog's entry for the limit at `keyPath`; nil for a property that is not a limit.
    package static func definition(_ keyPath: PartialKeyPath<Limits>) -> LimitDefinition? {
        catalog.first { $0.keyPath == keyPath }
    }

    /// The limits set by `flags` (texts by property name, e.g. `maxDim`), else by the environment
    /// variables in `environment`, else the defaults; `--max-body-memory`'s default is raised to
    /// `--max-body-bytes` when that is more. Throws `LimitError` for a value that is not a number of
    /// its type or is out of its range, or a `--max-body-memory` below `--max-body-bytes`.
    package init(flags: [String: String], environment: [String: String]) throws {
        self.init()
        var given: Set<PartialKeyPath<Limits>> = []
        for definition in Self.catalog {
            if let text = flags[definition.name] {
                try definition.set(text, from: definition.flag, in: &self)
            } else if let text = environment[definition.environmentName] {
                try definition.set(text, from: definition.environmentName, in: &self)
            } else {
                continue
            }
            given.insert(definition.keyPath)
        }
        if !given.contains(\Limits.maxBodyMemory) {
            maxBodyMemory = Self.defaultMaxBodyMemory(maxBodyBytes: maxBodyBytes)
        } else if maxBodyMemory < maxBodyBytes {
            throw LimitError("--max-body-memory (\(maxBodyMemory)) must be at least --max-body-bytes (\(maxBodyBytes)): one largest body must fit")
        }
    }
}
