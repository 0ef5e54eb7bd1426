import Core
import Foundation
import Logging
import Synchronization

/// The named stores of one server and their durability: every change is appended to the write-ahead
/// log and synced before it is acknowledged or shown; checkpoints write each changed store's snapshot
/// and truncate the log. Stores that failed recovery stay listed as failed (503) with their reason.
package final class StoreRegistry: Sendable {
    /// The data directory.
    package let directory: DataDirectory
    /// The write-ahead log.
    package let log: any MutationLog
    /// The threads that generate features, decode snapshots, append to the log and write files.
    package let pool: WorkPool
    let entries: Mutex<[String: Entry]>
    /// Creates, deletes and uploads that create change the set of names one at a time, without holding
    /// `entries` (lookups never wait for a log append).
    private let structure = AsyncLock()
    let checkpointLock = AsyncLock()
    let checkpointScheduled = Atomic<Bool>(false)
    /// Log bytes past which a write schedules a checkpoint in the background (0: never by size).
    let checkpointBytes: Int
    /// What checkpoints by size wait for: the log's bytes past which the next one runs, and why they
    /// are held back (a checkpoint that could not shrink the log, or failed).
    let checkpointBackoff: Mutex<(threshold: Int, reason: String?)>
    /// API snapshots kept per store (the newest).
    let keepSnapshots: Int
    /// Snapshots are taken, pruned and deleted one at a time.
    let snapshotLock = AsyncLock()
    /// The bytes of the API snapshots on disk, held to `limits.maxSnapshotDiskBytes`.
    let snapshotDisk: SnapshotDiskBytes
    /// What stores may hold.
    package let limits: Limits
    /// The total bytes' limit, checked atomically with the writes that grow them.
    let reservations: ByteReservations
    /// Damage recovery found whose store cannot be told: the log is kept while there is any.
    package let unattributedDamage: [String]
    let logger: Logger
    /// The time snapshots are stamped with.
    let clock: @Sendable () -> Date

    enum Entry {
        /// A store, shown once the record that made it is durable (`MemoryStore.origin`).
        case live(MemoryStore)
        /// A store whose delete record is appended (writes get 404) but not yet durable: reads still see it.
        case deleting(MemoryStore, UInt64)
        case failed(String)
    }

    /// Recovers the stores of the (locked) data directory `data`: see `Recovery`. Blocking; run it
    /// off the event loops. The log is `log` (the segment files in `data` by default); blocking work
    /// runs on `pool` (by default a pool of one thread per core, the registry's own).
    package static func open(_ data: DataDirectory, checkpointBytes: Int = 64 << 20, keepSnapshots: Int = 3, limits: Limits = Limits(),
                             pool: WorkPool = StoreRegistry.defaultPool(), logger: Logger = Logger(label: "engram.store")) throws -> (registry: StoreRegistry, report: RecoveryReport) {
        try open(data, log: .files(of: data), checkpointBytes: checkpointBytes, keepSnapshots: keepSnapshots, limits: limits, pool: pool, logger: logger)
    }

    package static func open(_ data: DataDirectory, log source: LogSource, checkpointBytes: Int = 64 << 20, keepSnapshots: Int = 3,
                             limits: Limits = Limits(), pool: WorkPool = StoreRegistry.defaultPool(), logger: Logger = Logger(label: "engram.store"),
                             clock: @escaping @Sendable () -> Date = Date.init) throws -> (registry: StoreRegistry, report: RecoveryReport) {
        let (log, recovered, report) = try Recovery.run(data, log: source)
        let registry = StoreRegistry(directory: data, log: log, report: report, checkpointBytes: checkpointBytes, keepSnapshots: keepSnapshots,
                                     limits: limits, pool: pool, logger: logger, clock: clock)
        registry.entries.withLock { entries in
            for (name, r) in recovered {
                entries[name] = .live(registry.makeStore(name: name, state: r.state, origin: r.origin, checkpointed: r.checkpointed))
            }
        }
        try registry.countAndPruneSnapshots()
        return (registry, report)
    }

    /// A new pool of one thread per core, for a registry opened without one.
    package static func defaultPool() -> WorkPool {
        WorkPool(width: ProcessInfo.processInfo.activeProcessorCount, name: "engram-store")
    }

    private init(directory: DataDirectory, log: any MutationLog, report: RecoveryReport, checkpointBytes: Int, keepSnapshots: Int,
                 limits: Limits, pool: WorkPool, logger: Logger, clock: @escaping @Sendable () -> Date) {
        self.limits = limits
        self.pool = pool
        self.reservations = ByteReservations(limit: limits.maxTotalBytes)
        self.snapshotDisk = SnapshotDiskBytes(limit: limits.maxSnapshotDiskBytes)
        self.directory = directory
        self.log = log
        self.entries = Mutex(report.failed.mapValues { .failed($0) })
        self.unattributedDamage = report.unattributed
        self.checkpointBytes = checkpointBytes
        self.checkpointBackoff = Mutex((checkpointBytes, nil))
        self.keepSnapshots = keepSnapshots
        self.logger = logger
        self.clock = clock
    }

    /// Releases the data directory (after a final checkpoint, at shutdown): this registry must not
    /// be used afterwards.
    package func close() { directory.close() }

    private func makeStore(name: String, state: StoreState, origin: UInt64, checkpointed: UInt64) -> MemoryStore {
        MemoryStore(name: name, state: state, origin: origin, checkpointed: checkpointed, log: log, pool: pool, limits: limits,
                    reservations: reservations, totalBytes: { [weak self] in self?.totalBytes ?? 0 }, afterWrite: { [weak self] in self?.checkpointIfDue() })
    }

    /// Bytes of numbers all stores hold, those whose create or delete is not yet durable included.
    package var totalBytes: Int { held.reduce(0) { $0 + $1.state.model.bytes } }

    /// Whether `name` matches `[A-Za-z0-9][A-Za-z0-9._-]{0,63}`.
    package static func isValidName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        func allowed(_ c: UInt8, first: Bool) -> Bool {
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || (!first && (c == 0x2E || c == 0x5F || c == 0x2D))
        }
        return (1...64).contains(bytes.count) && allowed(bytes[0], first: true) && bytes.dropFirst().allSatisfy { allowed($0, first: false) }
    }

    static func checkName(_ name: String) throws {
        guard isValidName(name) else {
            throw StoreError.invalid("store name '\(name)' is not valid: 1 to 64 of A-Z a-z 0-9 . _ -, starting with a letter or digit")
        }
    }

    /// Creates the store `name` with `configuration`, or returns the existing one when its configuration
    /// is what was asked for (`created` false). Either answer comes once the store's creation is
    /// durable. Throws `StoreError.conflict` for a different configuration. The new store's features
    /// are generated off the caller's thread, before any lock.
    package func create(name: String, configuration: RequestedConfiguration) async throws -> (store: MemoryStore, created: Bool) {
        try Self.checkName(name)
        let resolved = try configuration.resolved()
        if let existing = try await existing(name, satisfying: configuration) { return (existing, false) }
        try limits.check(resolved)
        try checkRoom(for: Limits.bytes(of: resolved))
        let initial = try await pool.run { try StoreState(configuration: resolved) }
        let made = try await structure.withLock { [self] () -> (MemoryStore, UInt64)? in
            guard try await settledEntry(name) == nil else { return nil }
            try checkRoom(for: Limits.bytes(of: resolved))
            let reserved = try reservations.reserve(Limits.bytes(of: resolved)) { totalBytes }
            defer { reservations.release(reserved) }
            let sequence = try log.append(store: name, entry: .create(resolved))
            let store = makeStore(name: name, state: initial.at(sequence: sequence), origin: sequence, checkpointed: 0)
            entries.withLock { $0[name] = .live(store) }
            return (store, sequence)
        }
        guard let (store, sequence) = made else {
            // Created meanwhile by another request.
            guard let existing = try await existing(name, satisfying: configuration) else { return try await create(name: name, configuration: configuration) }
            return (existing, false)
        }
        try await log.sync(through: sequence)
        return (store, true)
    }

    /// The live store `name` once its creation is durable, when its configuration satisfies
    /// `configuration`; nil when there is none; throws `conflict` for another configuration.
    private func existing(_ name: String, satisfying configuration: RequestedConfiguration) async throws -> MemoryStore? {
        guard case .live(let store) = try entry(name) else { return nil }
        guard store.state.configuration.isSatisfied(by: configuration) else { throw Self.conflict(name) }
        try await log.sync(through: store.origin)
        return store
    }

    /// The entry for `name` once no delete of it is pending: waits for a pending delete to be durable
    /// and removes it. Call holding `structure`.
    private func settledEntry(_ name: String) async throws -> Entry? {
        let current = try entry(name)
        guard case .deleting(let store, let sequence) = current else { return current }
        try await log.sync(through: sequence)
        forget(store, named: name)
        return nil
    }

    /// Removes `store`'s entry once its delete is durable (unless the name has moved on).
    private func forget(_ store: MemoryStore, named name: String) {
        entries.withLock { entries in
            if case .deleting(let current, _) = entries[name], current === store { entries[name] = nil }
        }
    }

    private static func conflict(_ name: String) -> StoreError {
        .conflict("store '\(name)' exists with a different configuration: delete it first or use another name")
    }

    private static func tooManyStores(_ limits: Limits) -> StoreError {
        .invalid("the server holds \(limits.maxStores) stores, its limit: delete one first")
    }

    /// Checks that one more store of `bytes` fits: the store count and the bytes of one store (the
    /// total is reserved atomically with the change, by `reservations`).
    private func checkRoom(for bytes: Int) throws {
        guard entries.withLock({ $0.count }) < limits.maxStores else { throw Self.tooManyStores(limits) }
        try limits.check(storeBytes: bytes)
    }

    private static func failedStore(_ name: String, _ reason: String) -> StoreError {
        .unavailable("store '\(name)' failed recovery and is not served: \(reason)")
    }

    /// The entry for `name`; throws `unavailable` for a failed store.
    private func entry(_ name: String) throws -> Entry? {
        let found = entries.withLock { $0[name] }
        if case .failed(let reason) = found { throw Self.failedStore(name, reason) }
        return found
    }

    /// The store `name` as shown: live once its creation is durable, or being deleted (its delete not
    /// yet durable); nil otherwise. Throws `unavailable` for a store that failed recovery.
    private func shown(_ name: String) throws -> MemoryStore? {
        switch try entry(name) {
        case .live(let store): return store.origin <= log.durableSequence ? store : nil
        case .deleting(let store, _): return store
        case .failed, nil: return nil
        }
    }

    /// The store `name`; throws `StoreError.notFound`, or `unavailable` for a store that failed recovery.
    package func store(named name: String) throws -> MemoryStore {
        guard let store = try shown(name) else { throw StoreError.notFound("no store named '\(name)'") }
        return store
    }

    /// Every store as shown, by name.
    package var all: [MemoryStore] {
        let durable = log.durableSequence
        return entries.withLock { entries in
            entries.values.compactMap { entry -> MemoryStore? in
                switch entry {
                case .live(let store): store.origin <= durable ? store : nil
                case .deleting(let store, _): store
                case .failed: nil
                }
            }
        }.sorted { $0.name < $1.name }
    }

    /// Every store the registry holds, shown or not (checkpoints and limits count them all).
    var held: [MemoryStore] {
        entries.withLock { entries in
            entries.values.compactMap { entry -> MemoryStore? in
                switch entry {
                case .live(let store), .deleting(let store, _): store
                case .failed: nil
                }
            }
        }.sorted { $0.name < $1.name }
    }

    /// The sequence numbers of the delete records not yet known durable.
    var pendingDeletes: [UInt64] {
        entries.withLock { $0.values.compactMap { if case .deleting(_, let sequence) = $0 { sequence } else { nil } } }
    }

    /// The stores that failed recovery, with the reason.
    package var failures: [String: String] {
        entries.withLock { $0.compactMapValues { if case .failed(let reason) = $0 { reason } else { nil } } }
    }

    /// Deletes the store `name` after the writes queued on it (which land first); later writes get 404.
    /// Returns once the delete is durable; until then reads still see the store. Throws `StoreError.notFound`.
    package func delete(name: String) async throws {
        let (store, sequence) = try await structure.withLock { [self] () -> (MemoryStore, UInt64) in
            guard case .live(let store) = try entry(name), store.origin <= log.durableSequence else {
                throw StoreError.notFound("no store named '\(name)'")
            }
            let sequence = try await store.serially { [self] in
                _ = try store.liveHead()
                let sequence = try log.append(store: name, entry: .delete)
                store.markRemoved()
                return sequence
            }
            entries.withLock { $0[name] = .deleting(store, sequence) }
            return (store, sequence)
        }
        try await log.sync(through: sequence)
        forget(store, named: name)
    }

    /// Makes the store `name` exactly the snapshot uploaded to `upload`, read from its file once; see
    /// `replace(name:snapshot:cancellation:)`.
    package func replace(name: String, upload: SnapshotUpload, cancellation: Cancellation? = nil) async throws -> (store: MemoryStore, created: Bool) {
        try Self.checkName(name)
        try cancellation?.check()
        return try await replace(name: name, snapshot: try await pool.run { try upload.contents() }, cancellation: cancellation)
    }

    /// Makes the store `name` exactly the snapshot in `bytes` (safetensors), creating it when missing;
    /// logged like any write (the log record takes `bytes` as they are, without a copy). Throws
    /// `StoreError.invalid` for a file that is not a valid snapshot, and changes nothing then; the
    /// creation limits are checked before any memory is loaded or feature generated. Decoding stops
    /// (`Cancellation.Stopped`) within a MiB once `cancellation` fires, and changes nothing then.
    package func replace(name: String, snapshot bytes: Data, cancellation: Cancellation? = nil) async throws -> (store: MemoryStore, created: Bool) {
        try Self.checkName(name)
        let image: StoreState
        do {
            let limits = self.limits
            image = try await pool.run {
                try StoreSnapshot.decode(bytes, admitting: { try limits.admit($0, memories: $1) }, interrupt: { try cancellation?.check() }).state
            }
        } catch let error as LogFormatError {
            throw StoreError.invalid("not a valid Engram snapshot: \(error)")
        }
        while true {
            if case .live(let store) = try entry(name) {
                try limits.check(storeBytes: image.model.bytes)
                do {
                    _ = try await store.replace(with: image, snapshot: bytes)
                    return (store, false)
                } catch StoreError.notFound {
                    continue  // deleted meanwhile: create it instead
                }
            }
            try checkRoom(for: image.model.bytes)
            let made = try await structure.withLock { [self] () -> (MemoryStore, UInt64)? in
                guard try await settledEntry(name) == nil else { return nil }
                try checkRoom(for: image.model.bytes)
                let reserved = try reservations.reserve(image.model.bytes) { totalBytes }
                defer { reservations.release(reserved) }
                let log = self.log
                let sequence = try await pool.run { try log.append(store: name, entry: .replace(bytes)) }
                let store = makeStore(name: name, state: image.at(sequence: sequence), origin: sequence, checkpointed: 0)
                entries.withLock { $0[name] = .live(store) }
                return (store, sequence)
            }
            if let (store, sequence) = made {
                try await log.sync(through: sequence)
                return (store, true)
            }
        }
    }
}
