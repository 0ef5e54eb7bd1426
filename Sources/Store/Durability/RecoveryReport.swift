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
    /// The torn final record cut off the log, if any.
    public var tornTail: String?
    /// Things a person should know that did not stop any store (e.g. a damaged older checkpoint passed over).
    public var warnings: [String] = []
    /// Wall-clock seconds recovery took.
    public var seconds = 0.0

    public init() {}
}
