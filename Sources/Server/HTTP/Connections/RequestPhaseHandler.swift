import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// After HTTP decoding: tells `RequestDeadlines` when a request's head and body end and when its
/// response has been written. A request refused (4xx or 5xx) while its body is still arriving (a 401
/// before a 200 MiB body, a 413) is not read to its end: the response says `Connection: close`, no more
/// bytes are read, and the connection closes once the response is written.
final class RequestPhaseHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let deadlines: RequestDeadlines
    /// Set when a response refuses a request whose body is still arriving.
    private var closing = false

    init(deadlines: RequestDeadlines) {
        self.deadlines = deadlines
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head: deadlines.headArrived(context)
        case .body: break
        case .end: deadlines.bodyEnded(context)
        }
        context.fireChannelRead(data)
    }

    func read(context: ChannelHandlerContext) {
        if !closing { context.read() }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(var response) where response.status.code >= 400 && deadlines.receivingBody:
            closing = true
            response.headerFields[.connection] = "close"
            context.write(wrapOutboundOut(.head(response)), promise: promise)
        case .end where closing:
            let channel = context.channel
            let written = context.eventLoop.makePromise(of: Void.self)
            written.futureResult.whenComplete { _ in channel.close(promise: nil) }
            written.futureResult.cascade(to: promise)
            context.writeAndFlush(data, promise: written)
        case .end:
            deadlines.responseEnded(context)
            context.write(data, promise: promise)
        default:
            context.write(data, promise: promise)
        }
    }
}
