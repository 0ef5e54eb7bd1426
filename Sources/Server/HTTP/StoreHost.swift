import Foundation
import Logging
import Store
import Synchronization

/// The stores behind the routes, once recovery has brought them back: until then every store route
/// answers 503 and `/readyz` says "recovering".
final class StoreHost: Sendable {
    private enum Phase {
        case recovering
        case ready(StoreRegistry, RecoveryReport)
        case broken(String)
    }

    private let phase = Mutex<Phase>(.recovering)

    /// A host still recovering.
    init() {}

    /// A host serving `registry` at once.
    init(registry: StoreRegistry, report: RecoveryReport = RecoveryReport()) {
        phase.withLock { $0 = .ready(registry, report) }
    }

    /// Recovers the stores of the locked data directory on `pool` (large orthogonal stores regenerate
    /// their features), then serves them; the registry keeps `pool` for its blocking work. Returns the
    /// report, or throws when the directory cannot be opened at all (then every store route keeps
    /// answering 503 with the reason).
    func recover(_ data: DataDirectory, checkpointBytes: Int, keepSnapshots: Int, limits: Limits, pool: WorkPool, logger: Logger) async throws -> RecoveryReport {
        do {
            let (registry, report) = try await pool.run {
                try StoreRegistry.open(data, checkpointBytes: checkpointBytes, keepSnapshots: keepSnapshots, limits: limits, pool: pool, logger: logger)
            }
            phase.withLock { $0 = .ready(registry, report) }
            return report
        } catch {
            phase.withLock { $0 = .broken("\(error)") }
            throw error
        }
    }

    /// The registry; throws `StoreError.unavailable` while recovering or when recovery could not run.
    func registry() throws -> StoreRegistry {
        switch phase.withLock({ $0 }) {
        case .ready(let registry, _): return registry
        case .recovering: throw StoreError.unavailable("the server is recovering its stores from disk: try again shortly")
        case .broken(let reason): throw StoreError.unavailable("the data directory could not be recovered: \(reason)")
        }
    }

    /// The registry once ready, nil before.
    var ready: StoreRegistry? { try? registry() }

    /// Whether recovery is still running.
    var isRecovering: Bool { if case .recovering = phase.withLock({ $0 }) { true } else { false } }
}
