import Synchronization

/// The bytes of all API snapshots on disk, of living and deleted stores together, held to
/// `--max-snapshot-disk-bytes`: a snapshot reserves its size before its file is written (so
/// concurrent snapshots can never pass the limit together) and gives it back when it is deleted,
/// pruned or its write fails. The registry counts those found on disk at open first.
final class SnapshotDiskBytes: Sendable {
    private let used = Mutex(0)
    private let limit: Int

    init(limit: Int) { self.limit = limit }

    /// Counts `bytes` more; throws `StoreError.invalid` when the snapshots would take more than the
    /// limit. Give them back with `release` when the snapshot is removed or its write fails.
    func reserve(_ bytes: Int) throws {
        try used.withLock { used in
            guard used <= limit, bytes <= limit - used else {
                throw StoreError.invalid(
                    "the snapshots on disk would take more than the server's limit of \(limit) bytes (--max-snapshot-disk-bytes; \(used) taken, "
                        + "\(bytes) more asked): delete snapshots with DELETE /v1/stores/{name}/snapshots/{snapshot}, which works for a deleted "
                        + "store's name too (the data directory's snapshots/ folder names every store that has some)")
            }
            used += bytes
        }
    }

    /// Counts a snapshot of `bytes` (its listed size) found on disk at open, whatever the limit (they
    /// may be over it when it was lowered: nothing more is taken then until enough are deleted). A
    /// size past what an Int holds together counts as full.
    func count(onDisk bytes: Int) {
        used.withLock { used in
            let (sum, overflow) = used.addingReportingOverflow(max(bytes, 0))
            used = overflow ? .max : sum
        }
    }

    /// Gives back `bytes` counted by `reserve` or `count`.
    func release(_ bytes: Int) {
        used.withLock { $0 -= max(bytes, 0) }
    }
}
