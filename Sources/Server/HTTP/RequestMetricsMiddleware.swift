import Hummingbird

/// Records every request (route pattern, method, status, latency) in `ServerMetrics`, and puts the
/// request id in an `X-Request-Id` response header.
struct RequestMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: ServerMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        var response = try await next(request, context)
        let elapsed = ContinuousClock.now - start
        let nanoseconds = elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000
        metrics.recordRequest(route: context.endpointPath ?? "unmatched", method: request.method.rawValue, status: response.status.code, nanoseconds: nanoseconds)
        response.headers[.init("X-Request-Id")!] = context.id
        return response
    }
}
