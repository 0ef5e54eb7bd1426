import Synchronization

/// The bytes of numbers all stores hold, checked against `--max-total-bytes` atomically with the
/// writes that grow them: a write reserves its growth before it is applied and holds the reservation
/// until it is published (or fails), so concurrent writes to different stores can never pass the
/// limit together. What is published is counted from the stores themselves; what is reserved and
/// not yet published is counted here.
final class ByteReservations: Sendable {
    private let pending = Mutex(0)
    private let limit: Int

    init(limit: Int) { self.limit = limit }

    /// Reserves `bytes` more (nothing when `bytes` ≤ 0) beside `held()`, the bytes the stores hold as
    /// published (read under the same lock); throws `StoreError.invalid` when the stores together would
    /// hold more than the limit. Call `release` with the result once the write is published or failed.
    func reserve(_ bytes: Int, held: () -> Int) throws -> Int {
        guard bytes > 0 else { return 0 }
        return try pending.withLock { pending in
            let (sum, overflow) = held().addingReportingOverflow(pending)
            guard !overflow, sum <= limit, bytes <= limit - sum else {
                throw StoreError.invalid("the stores would hold more than the server's limit of \(limit) bytes together (\(sum) held or being written, \(bytes) more asked)")
            }
            pending += bytes
            return bytes
        }
    }

    /// Gives back a reservation made by `reserve`.
    func release(_ bytes: Int) {
        guard bytes > 0 else { return }
        pending.withLock { $0 -= bytes }
    }
}
