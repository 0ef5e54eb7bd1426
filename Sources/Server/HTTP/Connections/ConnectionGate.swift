import Foundation

/// Counts the connections one server is serving, and admits a new one only below `limit`
/// (`--max-connections`). Shared by every connection of that server, on any event loop.
final class ConnectionGate: @unchecked Sendable {
    /// The most connections served at once.
    let limit: Int
    private let lock = NSLock()
    /// Guarded by `lock`.
    private var open = 0

    init(limit: Int) {
        self.limit = limit
    }

    /// Counts a new connection in and returns true, or returns false when `limit` are open already.
    func admit() -> Bool {
        lock.withLock {
            guard open < limit else { return false }
            open += 1
            return true
        }
    }

    /// Counts an admitted connection out.
    func release() {
        lock.withLock { open -= 1 }
    }
}
