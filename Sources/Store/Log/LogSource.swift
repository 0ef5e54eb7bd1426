/// How a registry gets its log when it opens: the log opened so that its next sequence number is at
/// least the one given (past everything checkpoints hold), with what reading it found.
package struct LogSource: Sendable {
    package let open: @Sendable (_ nextAtLeast: UInt64) throws -> (log: any MutationLog, scan: LogScan)

    package init(open: @escaping @Sendable (_ nextAtLeast: UInt64) throws -> (log: any MutationLog, scan: LogScan)) {
        self.open = open
    }
}
