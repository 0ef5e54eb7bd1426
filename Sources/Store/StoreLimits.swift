/// The limits on what stores may hold, each checked before anything it guards is allocated. The
/// server sets them from its flags (docs/limits.md); these are the defaults.
package struct StoreLimits: Sendable, Equatable {
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
    /// Bytes of all API snapshots on disk, of living and deleted stores together.
    package var maxSnapshotDiskBytes = 16 << 30

    package init() {}

    /// Checks a resolved configuration before its store is made: dimension, features, the work of
    /// generating Ω, and the bytes its empty store takes. Throws `StoreError.invalid`.
    func check(_ c: StoreConfiguration) throws {
        guard c.dim <= maxDim else { throw StoreError.invalid("dim \(c.dim) is over the limit of \(maxDim)") }
        guard let y = c.features else { return }
        guard y <= maxFeatures else { throw StoreError.invalid("features \(y) is over the limit of \(maxFeatures)") }
        guard y <= maxFeatureEntries / c.dim else {
            throw StoreError.invalid("features × dim = \(y) × \(c.dim) is over the limit of \(maxFeatureEntries) entries of Ω")
        }
        try check(storeBytes: Self.bytes(of: c))
    }

    /// Checks a store that would arrive whole (an upload or restore) before anything of it is loaded or
    /// generated: its configuration as a creation would be, its memories, and its bytes.
    func admit(_ c: StoreConfiguration, memories: Int) throws {
        try check(c)
        guard memories <= maxMemoriesPerStore else { throw StoreError.invalid("the snapshot holds \(memories) memories, over the limit of \(maxMemoriesPerStore) per store") }
        let (rows, overflow) = memories.multipliedReportingOverflow(by: c.dim + 1)
        guard !overflow, rows <= maxStoreBytes / 4 else { throw StoreError.invalid("the snapshot's memories are over the limit of \(maxStoreBytes) bytes per store") }
        try check(storeBytes: Self.bytes(of: c) + Self.bytes(rows: memories, dim: c.dim))
    }

    /// Checks that a store of `bytes` fits under the per-store limit.
    func check(storeBytes bytes: Int) throws {
        guard bytes <= maxStoreBytes else { throw StoreError.invalid("the store would hold \(bytes) bytes, over the limit of \(maxStoreBytes) bytes per store") }
    }

    /// The bytes a store of configuration `c` holds when empty: Ω, b and T (drdam), nothing (mrdam).
    static func bytes(of c: StoreConfiguration) -> Int {
        guard let y = c.features, let kernel = c.kernel else { return 0 }
        return 4 * y * c.dim + 4 * y + 12 * kernel.multiplicity * y
    }

    /// The bytes an mrdam store gains with `rows` more memories of dimension `dim`.
    static func bytes(rows: Int, dim: Int) -> Int { 4 * rows * (dim + 1) }
}
