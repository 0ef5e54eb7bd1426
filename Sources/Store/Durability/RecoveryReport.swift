/// What recovery found and did, for the server's log and `/readyz`.
package struct RecoveryReport: Sendable {
    /// Stores serving after recovery.
    package var stores = 0
    /// Checkpoints loaded.
    package var checkpoints = 0
    /// Log records applied.
    package var applied = 0
    /// Log records skipped because a store's checkpoint already held them.
    package var skipped = 0
    /// Stores that could not be recovered, with the reason (their routes answer 503; files are kept).
    package var failed: [String: String] = [:]
    /// Damage whose store cannot be told (a destroyed record header): it may have held a record of a
    /// store nothing else names, even its create. The log is kept (never truncated) while there is any.
    package var unattributed: [String] = []
    /// The torn final record cut off the log, if any.
    package var tornTail: String?
    /// Things a person should know that did not stop any store (e.g. a damaged older checkpoint passed over).
    package var warnings: [String] = []
    /// Wall-clock seconds recovery took.
    package var seconds = 0.0

    package init() {}
}
