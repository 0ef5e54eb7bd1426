import NIOCore
import Store

/// Where one connection is in its current request, and the timer that closes it when that phase
/// lasts too long (`Limits`): waiting for a request (the idle timeout), receiving its head
/// (the header timeout, from the first byte) and its body (the body timeout, from the end of the
/// head). Nothing runs out while a request is being answered. Driven by `RequestBytesHandler` (bytes
/// off the wire) and `RequestPhaseHandler` (request and response parts), on the connection's event loop.
final class RequestDeadlines {
    private enum Phase {
        case idle, head, body, answering
    }

    private let limits: Limits
    private var phase = Phase.idle
    /// Requests whose head has arrived and whose response has not been written whole (more than one
    /// when a client pipelines).
    private var unanswered = 0
    private var timer: Scheduled<Void>?
    private var started = false

    init(limits: Limits) {
        self.limits = limits
    }

    /// The connection is open: the idle timeout runs (once, however often this is called).
    func opened(_ context: ChannelHandlerContext) {
        guard !started else { return }
        started = true
        enter(.idle, context)
    }

    /// Bytes arrived: when no request was in progress, this is the start of one's head.
    func bytesArrived(_ context: ChannelHandlerContext) {
        if phase == .idle, started { enter(.head, context) }
    }

    /// A request's head has been decoded: its body follows.
    func headArrived(_ context: ChannelHandlerContext) {
        unanswered += 1
        enter(.body, context)
    }

    /// A request's body has ended: it is answered, or was answered already.
    func bodyEnded(_ context: ChannelHandlerContext) {
        enter(unanswered > 0 ? .answering : .idle, context)
    }

    /// A response has been written whole.
    func responseEnded(_ context: ChannelHandlerContext) {
        unanswered = max(0, unanswered - 1)
        if phase == .answering, unanswered == 0 { enter(.idle, context) }
    }

    /// Whether the current request's body is still arriving.
    var receivingBody: Bool { phase == .body }

    /// The connection closed: no timer runs any more.
    func closed() {
        timer?.cancel()
        timer = nil
        phase = .answering
    }

    private func enter(_ next: Phase, _ context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        phase = next
        let seconds: Double
        switch next {
        case .idle: seconds = limits.idleTimeout
        case .head: seconds = limits.headerTimeout
        case .body: seconds = limits.bodyTimeout
        case .answering: return
        }
        let channel = context.channel
        timer = context.eventLoop.assumeIsolated().scheduleTask(in: .nanoseconds(Int64(seconds * 1e9))) { [weak self] in
            self?.timer = nil
            channel.close(promise: nil)
        }
    }
}
