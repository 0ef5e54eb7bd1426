import HTTPTypes
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTPTypes
import Store

/// A server's connections, guarded: at most `gate.limit` are served at once (one more is answered
/// 503 with `Connection: close` and closed at once, through TLS when the server speaks it), and each
/// is closed when it idles, or sends a request's head or body, for longer than `limits` allow
/// (`RequestDeadlines`). Wraps the HTTP/1.1 channel (or its TLS wrapper) that serves the requests.
struct GuardedChannel<Base: ServerChildChannel>: ServerChildChannel where Base.Value == NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart> {
    typealias Value = Base.Value

    let base: Base
    let limits: Limits
    let gate: ConnectionGate

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        guard gate.admit() else {
            logger.debug("connection refused: --max-connections are open", metadata: ["max_connections": "\(gate.limit)"])
            return base.setup(channel: channel, logger: logger).map { value in
                let head = HTTPResponse(status: .serviceUnavailable, headerFields: [.connection: "close", .contentLength: "0", .retryAfter: "1"])
                channel.write(HTTPResponsePart.head(head), promise: nil)
                channel.writeAndFlush(HTTPResponsePart.end(nil)).whenComplete { _ in channel.close(promise: nil) }
                return value
            }
        }
        channel.closeFuture.whenComplete { [gate] _ in gate.release() }
        let deadlines = RequestDeadlines(limits: limits)
        do {
            try channel.pipeline.syncOperations.addHandler(RequestBytesHandler(deadlines: deadlines), position: .first)
        } catch {
            return channel.eventLoop.makeFailedFuture(error)
        }
        return base.setup(channel: channel, logger: logger).assumeIsolated().flatMapThrowing { value in
            let state = try channel.pipeline.syncOperations.context(handlerType: HTTPConnectionStateHandler.self)
            try channel.pipeline.syncOperations.addHandler(RequestPhaseHandler(deadlines: deadlines), position: .before(state.handler))
            return value
        }.nonisolated()
    }

    func handle(value: Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}
