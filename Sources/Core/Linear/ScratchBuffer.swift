/// A fixed-size block of uninitialised `Float`s owned by one computation: allocated once (per recall),
/// reused across descent steps, freed when released. Not shared between threads.
final class ScratchBuffer {
    /// The storage, `count` entries.
    let pointer: UnsafeMutablePointer<Float>
    /// Number of entries.
    let count: Int

    /// A buffer of `count` entries, zeroed.
    init(count: Int) {
        self.count = count
        pointer = .allocate(capacity: Swift.max(count, 1))
        pointer.initialize(repeating: 0, count: Swift.max(count, 1))
    }

    deinit { pointer.deallocate() }
}
