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
    /// Whether the log was truncated (not while a store is failed: its records are kept for inspection).
    package var truncated: Bool
}

extension StoreRegistry {
    /// Writes a checkpoint of every store changed since its last one, then truncates the log before
    /// the checkpoint. Writes go on meanwhile (into a new log segment). One checkpoint runs at a time.
    @discardableResult
    package func checkpoint() async throws -> CheckpointReport {
        try await checkpointLock.withLock {
            let before = log.bytes
            let mark = try log.seal()
            var written: [String] = []
            for store in all {
                // The newest state, taken after the writes queued before it: it holds every record of
                // this store up to `mark`.
                guard let state = try? await store.serially({ try store.liveHead() }) else { continue }
                guard state.sequence > store.checkpointed.load(ordering: .relaxed) || directory.checkpointFiles(of: store.name).isEmpty else { continue }
                try await log.sync(through: state.sequence)
                let directory = self.directory
                try await Background.run {
                    _ = try StoreSnapshot.write(state, name: store.name, created: Date(), to: directory.checkpoint(of: store.name, at: state.sequence))
                }
                store.checkpointed.store(state.sequence, ordering: .relaxed)
                written.append(store.name)
            }
            try removeStaleCheckpoints()
            let truncate = failures.isEmpty
            if truncate { try log.truncate(before: mark + 1) }
            return CheckpointReport(sequence: mark, written: written, logBytesBefore: before, logBytesAfter: log.bytes, truncated: truncate)
        }
    }

    /// Removes checkpoint files no store needs: those of deleted stores, those of an earlier store of
    /// the same name, and each store's older ones. Failed stores' files stay.
    private func removeStaleCheckpoints() throws {
        let live = Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })
        let failed = failures
        let manager = FileManager.default
        for name in directory.checkpointedStores() where failed[name] == nil {
            guard let store = live[name] else {
                try manager.removeItem(at: directory.checkpoints.appendingPathComponent(name))
                continue
            }
            let kept = store.checkpointed.load(ordering: .relaxed)
            for file in directory.checkpointFiles(of: name) where file.sequence < kept || file.sequence < store.origin {
                try manager.removeItem(at: file.url)
            }
        }
        try Disk.syncDirectory(directory.checkpoints)
    }

    /// Schedules a checkpoint in the background when the log has grown past `checkpointBytes`.
    func checkpointIfDue() {
        guard checkpointBytes > 0, log.bytes > checkpointBytes,
              checkpointScheduled.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged
        else { return }
        Task {
            defer { checkpointScheduled.store(false, ordering: .releasing) }
            _ = try? await checkpoint()
        }
    }
}
