import Hummingbird

/// Refuses a query parameter the route does not take with 422 naming it, on every route, before the
/// route runs: the routes that take options beside an `.npy` or `.npz` body take their names, every
/// other route none. (A request that matches no route passes, to be answered 404.)
struct QueryParametersMiddleware: RouterMiddleware {
    typealias Context = EngramRequestContext

    /// The query parameters each route takes, by its path as routed (`/v1/stores/{name}/recall`); a
    /// route not here takes none.
    let taken: [String: [String]]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let route = context.endpointPath {
            _ = try QueryOptions(request.uri, accepting: taken[route] ?? [])
        }
        return try await next(request, context)
    }
}
