import NIOHTTPTypes
import NIOCore

/// Closes a connection as soon as its client closes its side. The server allows half-closed
/// connections, so otherwise a client that gave up (a timeout, Ctrl-C) would only be noticed when the
/// response is written; closing makes the channel's close future fire, and the recall running for it
/// stops within one descent step (`RecallRoutes.cancellable`). A client that half-closes on purpose
/// after sending its request therefore gets no response: HTTP/1.1 clients do not do that.
final class ClientCloseHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.fireChannelRead(data)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed {
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }
}
