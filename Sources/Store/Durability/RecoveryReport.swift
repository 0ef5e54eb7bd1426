/// What recovery found and did, for the server's log and `/readyz`.
public struct RecoveryReport: Sendable {
    /// Stores serving after recovery.
    public var stores = 0
    /// Checkpoints loaded.
    public var checkpoints = 0
    /// Log records applied.
    public var applied = 0
    /// Log records skipped because a store's checkpoint already held them.
    public var skipped = 0
    /// Stores that could not be recovered, with the reason (their routes answer 503; files are kept).
    public var failed: [String: String] = [:]
    /// Damage whose store cannot be told (a destroyed record header): it may have held a record of a
    /// store nothing else names, even its create. The log is kept (never truncated) while there is any.
    public var unattributed: [String] = []
    /// The torn final record cut off the log, if any.
    public var tornTail: String?
    /// Things a person should know that did not stop any store (e.g. a damaged older checkpoint passed over).
    public var warnings: [String] = []
    /// Wall-clock seconds recovery took.
    public var seconds = 0.0

    public init() {}
}
