import Core
import Foundation
import Synchronization

/// The named stores of one server and their durability: every change is appended to the write-ahead
/// log and synced before it is acknowledged; checkpoints write each changed store's snapshot and
/// truncate the log. Stores that failed recovery stay listed as failed (503) with their reason.
package final class StoreRegistry: Sendable {
    /// The data directory.
    package let directory: DataDirectory
    /// The write-ahead log.
    package let log: FileLog
    private let entries: Mutex<[String: Entry]>
    let checkpointLock = AsyncLock()
    let checkpointScheduled = Atomic<Bool>(false)
    /// Log bytes past which a write schedules a checkpoint in the background (0: never by size).
    let checkpointBytes: Int
    /// API snapshots kept per store (the newest).
    let keepSnapshots: Int
    /// What stores may hold.
    package let limits: StoreLimits

    private enum Entry {
        case live(MemoryStore)
        case failed(String)
    }

    /// Recovers the stores of the (locked) data directory `data`: see `Recovery`. Blocking; run it
    /// off the event loops.
    package static func open(_ data: DataDirectory, checkpointBytes: Int = 64 << 20, keepSnapshots: Int = 3, limits: StoreLimits = StoreLimits()) throws -> (registry: StoreRegistry, report: RecoveryReport) {
        let (log, recovered, report) = try Recovery.run(data)
        let registry = StoreRegistry(directory: data, log: log, failed: report.failed, checkpointBytes: checkpointBytes, keepSnapshots: keepSnapshots, limits: limits)
        registry.entries.withLock { entries in
            for (name, r) in recovered {
                entries[name] = .live(registry.makeStore(name: name, state: r.state, origin: r.origin, checkpointed: r.checkpointed))
            }
        }
        return (registry, report)
    }

    private init(directory: DataDirectory, log: FileLog, failed: [String: String], checkpointBytes: Int, keepSnapshots: Int, limits: StoreLimits) {
        self.limits = limits
        self.directory = directory
        self.log = log
        self.entries = Mutex(failed.mapValues { .failed($0) })
        self.checkpointBytes = checkpointBytes
        self.keepSnapshots = keepSnapshots
    }

    /// Releases the data directory (after a final checkpoint, at shutdown): this registry must not
    /// be used afterwards.
    package func close() { directory.close() }

    private func makeStore(name: String, state: StoreState, origin: UInt64, checkpointed: UInt64) -> MemoryStore {
        MemoryStore(name: name, state: state, origin: origin, checkpointed: checkpointed, log: log, limits: limits,
                    totalBytes: { [weak self] in self?.totalBytes ?? 0 }, afterWrite: { [weak self] in self?.checkpointIfDue() })
    }

    /// Bytes of numbers all live stores hold.
    package var totalBytes: Int { all.reduce(0) { $0 + $1.state.model.bytes } }

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
    /// is what was asked for (`created` false). Throws `StoreError.conflict` for a different
    /// configuration. The new store's features are generated off the caller's thread, before any lock.
    package func create(name: String, configuration: StoreConfiguration) async throws -> (store: MemoryStore, created: Bool) {
        try Self.checkName(name)
        let resolved = try configuration.resolved()
        if let existing = try existing(name, satisfying: configuration) { return (existing, false) }
        try limits.check(resolved)
        try checkRoom(for: StoreLimits.bytes(of: resolved))
        let initial = try await Background.run { try StoreState(configuration: resolved) }
        let (store, sequence) = try entries.withLock { entries -> (MemoryStore, UInt64?) in
            switch entries[name] {
            case .failed(let reason): throw Self.failedStore(name, reason)
            case .live(let raced):
                guard raced.state.configuration.isSatisfied(by: configuration) else { throw Self.conflict(name) }
                return (raced, nil)
            case nil:
                guard entries.count < limits.maxStores else { throw Self.tooManyStores(limits) }
                let sequence = try log.append(store: name, entry: .create(resolved))
                let store = makeStore(name: name, state: initial.at(sequence: sequence), origin: sequence, checkpointed: 0)
                entries[name] = .live(store)
                return (store, sequence)
            }
        }
        if let sequence { try await log.sync(through: sequence) }
        return (store, sequence != nil)
    }

    private func existing(_ name: String, satisfying configuration: StoreConfiguration) throws -> MemoryStore? {
        guard let store = try lookUp(name) else { return nil }
        guard store.state.configuration.isSatisfied(by: configuration) else { throw Self.conflict(name) }
        return store
    }

    private static func conflict(_ name: String) -> StoreError {
        .conflict("store '\(name)' exists with a different configuration: delete it first or use another name")
    }

    private static func tooManyStores(_ limits: StoreLimits) -> StoreError {
        .invalid("the server holds \(limits.maxStores) stores, its limit: delete one first")
    }

    /// Checks that one more store of `bytes` fits: the store count and the total bytes.
    private func checkRoom(for bytes: Int) throws {
        guard entries.withLock({ $0.count }) < limits.maxStores else { throw Self.tooManyStores(limits) }
        try limits.check(storeBytes: bytes)
        try limits.check(total: totalBytes, more: bytes)
    }

    private static func failedStore(_ name: String, _ reason: String) -> StoreError {
        .unavailable("store '\(name)' failed recovery and is not served: \(reason)")
    }

    /// The live store `name`, nil when there is none; throws `unavailable` for a failed one.
    private func lookUp(_ name: String) throws -> MemoryStore? {
        switch entries.withLock({ $0[name] }) {
        case .live(let store): return store
        case .failed(let reason): throw Self.failedStore(name, reason)
        case nil: return nil
        }
    }

    /// The store `name`; throws `StoreError.notFound`, or `unavailable` for a store that failed recovery.
    package func store(named name: String) throws -> MemoryStore {
        guard let store = try lookUp(name) else { throw StoreError.notFound("no store named '\(name)'") }
        return store
    }

    /// Every live store, by name.
    package var all: [MemoryStore] {
        entries.withLock { $0.values.compactMap { if case .live(let s) = $0 { s } else { nil } } }.sorted { $0.name < $1.name }
    }

    /// The stores that failed recovery, with the reason.
    package var failures: [String: String] {
        entries.withLock { $0.compactMapValues { if case .failed(let reason) = $0 { reason } else { nil } } }
    }

    /// Deletes the store `name` after the writes queued on it (which land first); later writes get 404.
    /// Throws `StoreError.notFound`.
    package func delete(name: String) async throws {
        let store = try store(named: name)
        let sequence = try await store.serially { [self] in
            _ = try store.liveHead()
            return try entries.withLock { entries in
                guard case .live(let current) = entries[name], current === store else { throw StoreError.notFound("no store named '\(name)'") }
                let sequence = try log.append(store: name, entry: .delete)
                entries[name] = nil
                store.markRemoved()
                return sequence
            }
        }
        try await log.sync(through: sequence)
    }

    /// Makes the store `name` exactly the snapshot in `bytes` (safetensors), creating it when missing;
    /// logged like any write. Throws `StoreError.invalid` for a file that is not a valid snapshot, and
    /// changes nothing then.
    package func replace(name: String, snapshot bytes: Data) async throws -> (store: MemoryStore, created: Bool) {
        try Self.checkName(name)
        let image: StoreState
        do {
            image = try await Background.run { try StoreSnapshot.decode(bytes).state }
        } catch let error as LogFormatError {
            throw StoreError.invalid("not a valid Engram snapshot: \(error)")
        }
        while true {
            if let store = try lookUp(name) {
                try limits.check(storeBytes: image.model.bytes)
                try limits.check(total: totalBytes, more: image.model.bytes - store.state.model.bytes)
                do {
                    _ = try await store.replace(with: image, snapshot: bytes)
                    return (store, false)
                } catch StoreError.notFound {
                    continue  // deleted meanwhile: create it instead
                }
            }
            try checkRoom(for: image.model.bytes)
            let created = try entries.withLock { entries -> (MemoryStore, UInt64)? in
                guard entries[name] == nil else { return nil }
                guard entries.count < limits.maxStores else { throw Self.tooManyStores(limits) }
                let sequence = try log.append(store: name, entry: .replace(bytes))
                let store = makeStore(name: name, state: image.at(sequence: sequence), origin: sequence, checkpointed: 0)
                entries[name] = .live(store)
                return (store, sequence)
            }
            if let (store, sequence) = created {
                try await log.sync(through: sequence)
                return (store, true)
            }
        }
    }
}
