import Core
import NIOCore
import Synchronization

/// Cancels the requests of a connection when it closes. A close future keeps every callback added to
/// it until the connection closes, so a callback per request would pile up on a keep-alive connection
/// (each holding its request's cancellation, and through it a batched recall's queries). Instead each
/// connection gets one callback, the first time one of its requests registers, and a request's
/// cancellation is registered only while the request runs (`register`, then `release`).
final class ConnectionWatch: Sendable {
    /// A registration, for `release`.
    struct Token: Sendable {
        fileprivate let connection: ObjectIdentifier
        fileprivate let id: Int
    }

    private struct Connection {
        /// Held so that its identifier is not reused while it is watched.
        let channel: any Channel
        var cancellations: [Int: Cancellation] = [:]
    }

    private struct State {
        var connections: [ObjectIdentifier: Connection] = [:]
        var next = 0
    }

    private let state = Mutex(State())

    /// Cancellations registered now, over every connection: zero once no request runs.
    var registrations: Int { state.withLock { $0.connections.values.reduce(0) { $0 + $1.cancellations.count } } }
    /// Connections watched now (those that carried a request and are not closed).
    var connections: Int { state.withLock { $0.connections.count } }

    /// Cancels `cancellation` (saying why) when `channel` closes, until `release` is called with the token.
    func register(_ cancellation: Cancellation, closing channel: any Channel) -> Token {
        let key = ObjectIdentifier(channel)
        let (token, isNew) = state.withLock { state -> (Token, Bool) in
            let isNew = state.connections[key] == nil
            if isNew { state.connections[key] = Connection(channel: channel) }
            state.next += 1
            state.connections[key]!.cancellations[state.next] = cancellation
            return (Token(connection: key, id: state.next), isNew)
        }
        if isNew {
            channel.closeFuture.whenComplete { [self] _ in
                let closed = state.withLock { $0.connections.removeValue(forKey: key) }
                for cancellation in closed.map({ Array($0.cancellations.values) }) ?? [] {
                    cancellation.cancel("the client closed the connection")
                }
            }
        }
        return token
    }

    /// Ends the registration `token`: its cancellation no longer hears of the connection's close.
    func release(_ token: Token) {
        _ = state.withLock { $0.connections[token.connection]?.cancellations.removeValue(forKey: token.id) }
    }
}
