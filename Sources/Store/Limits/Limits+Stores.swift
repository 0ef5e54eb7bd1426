extension Limits {
    /// Checks a resolved configuration before its store is made: dimension, features, the entries of
    /// its feature transform (`FeatureSettings.transformEntries`), and the bytes its empty store takes. Throws `StoreError.invalid`.
    func check(_ c: StoreConfiguration) throws {
        guard c.dim <= maxDim else { throw StoreError.invalid("dim \(c.dim) is over the limit of \(maxDim)") }
        guard case .drdam(let settings) = c.kind else { return }
        let y = settings.features
        guard y <= maxFeatures else { throw StoreError.invalid("features \(y) is over the limit of \(maxFeatures)") }
        guard let entries = settings.transformEntries(dim: c.dim), entries <= maxFeatureEntries else {
            throw StoreError.invalid(settings.transform == .dense
                ? "features × dim = \(y) × \(c.dim) is over the limit of \(maxFeatureEntries) entries of Ω"
                : "structured features \(y) at dim \(c.dim) keep 4 × P × ⌈features / P⌉ numbers (P the smallest power of two ≥ dim), over the limit of \(maxFeatureEntries) entries")
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

    /// The bytes a store of configuration `c` holds when empty: the feature transform (dense Ω, or the
    /// structured blocks' numbers: `FeatureSettings.transformEntries`), b and T (drdam), nothing (mrdam).
    /// Call with a configuration `check` has passed: within the catalog's ranges this cannot overflow.
    static func bytes(of c: StoreConfiguration) -> Int {
        guard case .drdam(let settings) = c.kind, let entries = settings.transformEntries(dim: c.dim) else { return 0 }
        let y = settings.features
        return 4 * entries + 4 * y + 12 * settings.kernel.multiplicity * y
    }

    /// The bytes an mrdam store gains with `rows` more memories of dimension `dim`.
    static func bytes(rows: Int, dim: Int) -> Int { 4 * rows * (dim + 1) }
}
