import Core
import Foundation
import Testing
@testable import Store

/// `Limits`: its catalog's names, ranges and reading; the creation limits as the only caps; the typed
/// store configuration and its unchanged JSON.
@Suite struct LimitsTests {
    /// Every limit, by property name, as docs/limits.md lists them.
    static let names = [
        "maxBodyBytes", "maxSnapshotBytes", "maxBodyMemory", "maxQueries", "maxMemoriesPerRequest", "maxDepth", "maxTraceEntries",
        "maxRecallBytes", "maxQueuedRecalls", "requestTimeout", "maxStores", "maxDim", "maxFeatures", "maxFeatureEntries",
        "maxMemoriesPerStore", "maxStoreBytes", "maxTotalBytes", "maxSnapshotDiskBytes", "idleTimeout", "headerTimeout", "bodyTimeout",
        "maxConnections",
    ]

    static func definition(_ name: String) throws -> LimitDefinition { try #require(Limits.catalog.first { $0.name == name }) }

    @Test func theCatalogNamesEveryLimitOnce() throws {
        #expect(Limits.catalog.map(\.name) == Self.names)
        #expect(Set(Limits.catalog.map(\.keyPath)).count == Self.names.count, "each entry its own property")
        let d = try Self.definition("maxMemoriesPerRequest")
        #expect(d.flag == "--max-memories-per-request" && d.environmentName == "ENGRAM_MAX_MEMORIES_PER_REQUEST" && d.infoName == "max_memories_per_request")
        let t = try Self.definition("requestTimeout")
        #expect(t.flag == "--request-timeout" && t.environmentName == "ENGRAM_REQUEST_TIMEOUT" && t.infoName == "request_timeout")
        #expect(t.help == "Seconds a recall may compute before 503 (default 300; 0.001 to 604800 seconds; env ENGRAM_REQUEST_TIMEOUT).")
    }

    /// Each entry sets the property it is named after (read back by reflection, not by its key path).
    @Test func eachEntrySetsItsNamesake() throws {
        for definition in Limits.catalog {
            var limits = Limits()
            try definition.set("7", from: "test", in: &limits)
            let value = Mirror(reflecting: limits).children.first { $0.label == definition.name }?.value
            #expect((value as? Int == 7) || (value as? Double == 7), "\(definition.name): \(String(describing: value))")
        }
    }

    /// The defaults of today, unchanged, and each within its own range.
    @Test func theDefaults() throws {
        let l = Limits()
        #expect(l.maxBodyBytes == 67_108_864 && l.maxSnapshotBytes == 1_073_741_824 && l.maxQueries == 4096 && l.maxMemoriesPerRequest == 100_000)
        #expect(l.maxDepth == 100_000 && l.maxTraceEntries == 10_000_000 && l.maxRecallBytes == 1_073_741_824 && l.maxQueuedRecalls == 64)
        #expect(l.requestTimeout == 300 && l.maxStores == 1000 && l.maxDim == 65_536 && l.maxFeatures == 1_048_576 && l.maxFeatureEntries == 67_108_864)
        #expect(l.maxMemoriesPerStore == 10_000_000 && l.maxStoreBytes == 4_294_967_296 && l.maxTotalBytes == 8_589_934_592)
        #expect(l.maxSnapshotDiskBytes == 17_179_869_184 && l.idleTimeout == 60 && l.headerTimeout == 10 && l.bodyTimeout == 600)
        #expect(l.maxConnections >= 1 && l.maxConnections <= 1024)
        for definition in Limits.catalog {
            switch definition.field {
            case .integer(let path, let range): #expect(range.contains(l[keyPath: path]), "\(definition.name)")
            case .seconds(let path, let range): #expect(range.contains(l[keyPath: path]), "\(definition.name)")
            }
        }
    }

    /// A quarter of the physical memory (MemTotal in /proc/meminfo is the same pages × page size), at
    /// least the body limit.
    @Test func bodyMemoryDefaultsToAQuarterOfTheMachine() throws {
        #if os(Linux)
        let meminfo = try String(contentsOfFile: "/proc/meminfo", encoding: .utf8)
        let line = try #require(meminfo.split(separator: "\n").first { $0.hasPrefix("MemTotal:") })
        let kib = try #require(Int(line.split(separator: " ")[1]))
        #expect(Limits().maxBodyMemory == max(kib * 1024 / 4, 64 << 20))
        #endif
        #expect(Limits.defaultMaxBodyMemory(maxBodyBytes: 1 << 49) == 1 << 49, "raised to the body limit")
    }

    /// Flag, else environment variable, else default; every value range-checked with a message naming
    /// the flag, the variable and the range.
    @Test func readingAndRanges() throws {
        let read = try Limits(flags: ["maxDim": "100000", "idleTimeout": "2.5"], environment: ["ENGRAM_MAX_DIM": "7", "ENGRAM_MAX_QUERIES": "9"])
        #expect(read.maxDim == 100_000 && read.maxQueries == 9 && read.idleTimeout == 2.5 && read.maxStores == 1000)
        #expect(try Limits(flags: ["maxDim": "16777216"], environment: [:]).maxDim == 1 << 24, "the top of the range")
        #expect(throws: LimitError("--max-dim (or ENGRAM_MAX_DIM) must be a number from 1 to 16777216, got '16777217' from --max-dim")) {
            try Limits(flags: ["maxDim": "16777217"], environment: [:])
        }
        #expect(throws: LimitError("--max-queries (or ENGRAM_MAX_QUERIES) must be a number from 1 to 16777216, got 'many' from ENGRAM_MAX_QUERIES")) {
            try Limits(flags: [:], environment: ["ENGRAM_MAX_QUERIES": "many"])
        }
        #expect(throws: LimitError.self) { try Limits(flags: ["requestTimeout": "0"], environment: [:]) }
        #expect(throws: LimitError.self) { try Limits(flags: ["headerTimeout": "86401"], environment: [:]) }
        #expect(throws: LimitError.self) { try Limits(flags: ["maxFeatureEntries": "1099511627777"], environment: [:]) }
        #expect(try Limits(flags: ["maxQueuedRecalls": "0"], environment: [:]).maxQueuedRecalls == 0)
    }

    /// --max-body-memory follows a raised --max-body-bytes when not given, and may not be below it.
    @Test func bodyMemoryHoldsOneLargestBody() throws {
        let big = 1 << 40
        #expect(try Limits(flags: ["maxBodyBytes": String(big)], environment: [:]).maxBodyMemory == big)
        #expect(try Limits(flags: ["maxBodyMemory": "1000", "maxBodyBytes": "1000"], environment: [:]).maxBodyMemory == 1000)
        #expect(throws: LimitError.self) { try Limits(flags: ["maxBodyMemory": "999", "maxBodyBytes": "1000"], environment: [:]) }
    }

    /// Core refuses only what cannot be computed: a size over the old 2^28 entries passes its check
    /// (nothing is generated), an overflowing one does not.
    @Test func coreHasNoCapOfItsOwn() throws {
        try RandomFeatures.validate(dim: 1 << 14, count: 1 << 15, beta: 1)
        try RandomFeatures.validate(dim: 3, count: 1 << 40, beta: 1)
        #expect(throws: CoreError.self) { try RandomFeatures.validate(dim: 1 << 31, count: 1 << 31, beta: 1) }
        #expect(throws: CoreError.self) { try RandomFeatures.validate(dim: 1 << 30, count: 1 << 31, beta: 1) }
        #expect(try RequestedConfiguration(kind: .mrdam, dim: 70_000, beta: 1).resolved().dim == 70_000)
    }

    /// The configured limits are the caps, at their edges: dim, features, and features × dim over 2^28.
    @Test func creationLimitsAreTheOnlyCaps() throws {
        var limits = Limits()
        limits.maxDim = 100_000
        limits.maxFeatures = 1 << 20
        limits.maxFeatureEntries = 1 << 29
        limits.maxStoreBytes = 1 << 40
        func drdam(dim: Int, features: Int) throws -> StoreConfiguration {
            try RequestedConfiguration(kind: .drdam, dim: dim, beta: 1, features: features, seed: 1).resolved()
        }
        try limits.check(RequestedConfiguration(kind: .mrdam, dim: 70_000, beta: 1).resolved())
        try limits.check(RequestedConfiguration(kind: .mrdam, dim: 100_000, beta: 1).resolved())
        #expect(throws: StoreError.invalid("dim 100001 is over the limit of 100000")) {
            try limits.check(RequestedConfiguration(kind: .mrdam, dim: 100_001, beta: 1).resolved())
        }
        try limits.check(drdam(dim: 1 << 10, features: 1 << 19))
        #expect(throws: StoreError.invalid("features × dim = 524289 × 1024 is over the limit of 536870912 entries of Ω")) {
            try limits.check(drdam(dim: 1 << 10, features: (1 << 19) + 1))
        }
        #expect(throws: StoreError.invalid("features 1048577 is over the limit of 1048576")) { try limits.check(drdam(dim: 1, features: (1 << 20) + 1)) }
        #expect(throws: StoreError.self, "the default 2^26 entries") { try Limits().check(drdam(dim: 1 << 10, features: 1 << 19)) }
    }

    /// The typed configuration encodes as the flat object the API and the log have always had (the
    /// same keys and values; JSONEncoder orders keys by hash unless asked to sort them).
    @Test func configurationJSONIsUnchanged() throws {
        let drdam = #"{"beta":1.5,"dim":2,"energy":"sum","eps":0,"features":8,"kernel":"expexp","kind":"drdam","orthogonal":true,"seed":18446744073709551615}"#
        let mrdam = #"{"beta":2,"dim":3,"energy":"lse","kind":"mrdam"}"#
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        for json in [drdam, mrdam] {
            let decoded = try JSONDecoder().decode(StoreConfiguration.self, from: Data(json.utf8))
            let encoded = String(decoding: try encoder.encode(decoded), as: UTF8.self)
            #expect(encoded == json, "\(encoded)")
        }
        let expected = StoreConfiguration(dim: 2, beta: 1.5, energy: .sum, kind: .drdam(FeatureSettings(kernel: .expexp, features: 8, seed: .max, eps: 0, orthogonal: true)))
        #expect(try JSONDecoder().decode(StoreConfiguration.self, from: Data(drdam.utf8)) == expected)
        let incomplete = #"{"kind":"drdam","dim":2,"beta":1.5,"energy":"sum","kernel":"expexp","features":8}"#
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(StoreConfiguration.self, from: Data(incomplete.utf8)) }
    }

    /// Defaults are filled in once; a request leaving fields out is satisfied by the store it made.
    @Test func requestsResolveOnce() throws {
        let request = RequestedConfiguration(kind: .drdam, dim: 4, beta: 1, kernel: .exp)
        let resolved = try request.resolved()
        let settings = try #require(resolved.drdam)
        #expect(settings.kernel == .exp && settings.features == 4096 && settings.eps == KernelKind.exp.defaultEps && !settings.orthogonal)
        #expect(resolved.isSatisfied(by: request))
        var other = request
        other.features = 4095
        #expect(!resolved.isSatisfied(by: other))
        other = request
        other.seed = settings.seed &+ 1
        #expect(!resolved.isSatisfied(by: other))
        #expect(throws: StoreError.invalid("'seed' applies to drdam stores only")) { try RequestedConfiguration(kind: .mrdam, dim: 2, beta: 1, seed: 3).resolved() }
        #expect(throws: StoreError.invalid("eps must be a finite number ≥ 0, got -1.0")) {
            try RequestedConfiguration(kind: .drdam, dim: 2, beta: 1, eps: -1).resolved()
        }
    }
}
