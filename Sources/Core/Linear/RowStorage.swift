import Synchronization

/// Append-only storage of `Float` rows [capacity, cols] with each row's squared norm, shared by the
/// versions of an exact memory: a version owns the first `count` rows and never reads past them, so
/// the newest version can append in place while older versions keep reading their prefix. Rows once
/// written never change.
final class RowStorage: @unchecked Sendable {
    /// Row-major values, `capacity * cols` entries of which the first `claimed * cols` are written.
    let values: UnsafeMutablePointer<Float>
    /// ‖row‖² of each row, `capacity` entries.
    let norms: UnsafeMutablePointer<Float>
    /// Rows that fit.
    let capacity: Int
    /// The row length D.
    let cols: Int
    /// Rows claimed by some version; appending in place is allowed only to the version that owns them all.
    private let claimed: Atomic<Int>

    /// Empty storage for `capacity` rows of `cols` entries.
    init(capacity: Int, cols: Int) {
        self.capacity = Swift.max(capacity, 1)
        self.cols = cols
        values = .allocate(capacity: self.capacity * cols)
        norms = .allocate(capacity: self.capacity)
        claimed = Atomic(0)
    }

    deinit {
        values.deallocate()
        norms.deallocate()
    }

    /// Claims rows [owned, owned + count) for the version owning `owned` rows. Fails (returns false)
    /// when they do not fit or when another version has already appended past `owned`.
    func claim(after owned: Int, count: Int) -> Bool {
        guard owned + count <= capacity else { return false }
        return claimed.compareExchange(expected: owned, desired: owned + count, ordering: .acquiringAndReleasing).exchanged
    }

    /// Writes rows `source` [n, cols] at row `start` (claimed beforehand) and their squared norms.
    func write(_ source: UnsafePointer<Float>, rows n: Int, at start: Int) {
        write(UnsafeRawBufferPointer(start: source, count: 4 * n * cols), rows: n, at: start)
    }

    /// Writes rows [n, cols] given as raw little-endian bytes (any alignment) at row `start` (claimed
    /// beforehand) and their squared norms.
    func write(_ source: UnsafeRawBufferPointer, rows n: Int, at start: Int) {
        guard n > 0 else { return }
        UnsafeMutableRawPointer(values + start * cols).copyMemory(from: source.baseAddress!, byteCount: 4 * n * cols)
        for r in start..<(start + n) {
            let row = values + r * cols
            norms[r] = BLAS.dot(cols, row, row)
        }
    }

    /// New storage holding `rows` [n, cols] (with room for `capacity` rows), all claimed.
    static func holding(_ rows: UnsafeBufferPointer<Float>, cols: Int, capacity: Int) -> RowStorage {
        holding(UnsafeRawBufferPointer(rows), cols: cols, capacity: capacity)
    }

    /// New storage holding the rows [n, cols] in `raw` (little-endian `Float`s, any alignment), with
    /// room for `capacity` rows, all claimed.
    static func holding(_ raw: UnsafeRawBufferPointer, cols: Int, capacity: Int) -> RowStorage {
        let n = cols == 0 ? 0 : raw.count / 4 / cols
        let storage = RowStorage(capacity: Swift.max(capacity, n), cols: cols)
        storage.write(raw, rows: n, at: 0)
        _ = storage.claim(after: 0, count: n)
        return storage
    }
}
