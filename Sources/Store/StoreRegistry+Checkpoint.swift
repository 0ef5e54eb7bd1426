import Foundation
import Synchronization

/// What a checkpoint did.
package struct CheckpointReport: Sendable, Encodable {
    /// The log's last sequence number when the checkpoint began: everything up to it is in checkpoints.
    package var sequence: UInt64
    /// Stores whose checkpoint was written (the others had not changed).
    package var written: [String]
    /// Log bytes held before and after.
    package var logBytesBefore: Int
    package var logBytesAfter: Int
    /// Whether the log was truncated (not while a store is failed or damage's store is unknown: the
    /// records are kept for inspection).
    package var truncated: Bool
}

extension StoreRegistry {
    /// Writes a checkpoint of every store changed since its last one, then truncates the log before
    /// the checkpoint. Writes go on meanwhile (into a new log segment). One checkpoint runs at a time.
    /// The log is truncated only once every record it drops is in a checkpoint or belongs to a store
    /// whose delete is durable.
    @discardableResult
    package func checkpoint() async throws -> CheckpointReport {
        do {
            let report = try await checkpointOnce()
            let heldBack = report.truncated ? nil : "the log is kept while stores are failed or damage's store is unknown: the next checkpoint by size runs after \(checkpointBytes) more bytes"
            checkpointBackoff.withLock { $0 = (report.truncated ? checkpointBytes : report.logBytesAfter + checkpointBytes, heldBack) }
            return report
        } catch {
            let bytes = log.bytes
            checkpointBackoff.withLock { $0 = (bytes + checkpointBytes, "the last checkpoint failed (\(error)); the next by size runs after \(checkpointBytes) more bytes") }
            throw error
        }
    }

    private func checkpointOnce() async throws -> CheckpointReport {
        try await checkpointLock.withLock {
            let before = log.bytes
            let mark = try log.seal()
            var written: [String] = []
            var failure: (any Error)?
            for store in held {
                do {
                    // The newest state, taken after the writes queued before it: it holds every record of
                    // this store up to `mark`. A store deleted meanwhile has none to keep.
                    guard let state = try? await store.serially({ try store.liveHead() }) else { continue }
                    guard try state.sequence > store.checkpointed.load(ordering: .relaxed) || directory.checkpointFiles(of: store.name).isEmpty else { continue }
                    try await log.sync(through: state.sequence)
                    let directory = self.directory, clock = self.clock
                    try await pool.run {
                        _ = try StoreSnapshot.write(state, name: store.name, created: clock(), to: directory.checkpoint(of: store.name, at: state.sequence), on: directory.fileSystem)
                    }
                    store.checkpointed.store(state.sequence, ordering: .relaxed)
                    written.append(store.name)
                } catch {
                    failure = error
                    break
                }
            }
            // Old checkpoints go even when a later store's failed (a full disk needs the room).
            try removeStaleCheckpoints()
            if let failure { throw failure }
            for sequence in pendingDeletes { try await log.sync(through: sequence) }
            let truncate = failures.isEmpty && unattributedDamage.isEmpty
            if truncate { try log.truncate(before: mark + 1) }
            return CheckpointReport(sequence: mark, written: written, logBytesBefore: before, logBytesAfter: log.bytes, truncated: truncate)
        }
    }

    /// Removes checkpoint files no store needs: those of deleted stores (once the delete is durable),
    /// those of an earlier store of the same name, and each store's older ones. Failed stores' files stay.
    private func removeStaleCheckpoints() throws {
        let held = Dictionary(uniqueKeysWithValues: self.held.map { ($0.name, $0) })
        let failed = failures
        let fileSystem = directory.fileSystem
        var changed = false
        for name in try directory.checkpointedStores() where failed[name] == nil {
            guard let store = held[name] else {
                try fileSystem.removeTree(directory.checkpoints + "/" + name)
                continue
            }
            let kept = store.checkpointed.load(ordering: .relaxed)
            for file in try directory.checkpointFiles(of: name) where file.sequence < kept || file.sequence < store.origin {
                try fileSystem.unlink(file.path)
                changed = true
            }
            if changed { try fileSystem.syncDirectory(directory.checkpoints + "/" + name) }
            changed = false
        }
    }

    /// Why checkpoints by size are held back (the log cannot shrink while a store is failed, or the
    /// last one failed), nil when they run as set.
    package var checkpointsHeldBack: String? { checkpointBackoff.withLock { $0.reason } }

    /// Whether the log has grown past the threshold for a checkpoint by size: `checkpointBytes`, or,
    /// after a checkpoint that could not shrink the log or failed, that many bytes more than the log
    /// held then (so a failed store does not make checkpoints run back to back).
    var checkpointIsDue: Bool { checkpointBytes > 0 && log.bytes > checkpointBackoff.withLock { $0.threshold } }

    /// Schedules a checkpoint in the background when one is due.
    func checkpointIfDue() {
        guard checkpointIsDue, checkpointScheduled.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged else { return }
        Task {
            defer { checkpointScheduled.store(false, ordering: .releasing) }
            do {
                let report = try await checkpoint()
                if !report.truncated { logger.warning("checkpoint could not shrink the log", metadata: ["reason": "\(checkpointsHeldBack ?? "")"]) }
            } catch {
                logger.error("background checkpoint failed", metadata: ["error": "\(error)"])
            }
        }
    }
}
