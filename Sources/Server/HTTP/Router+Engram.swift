import Hummingbird
import Logging

extension Router<EngramRequestContext> {
    /// Every route of the API, behind the middlewares: metrics and request ids outermost, then request
    /// logging, then the problem middleware that turns errors into RFC 9457 responses, then the API keys,
    /// then the query parameters each route takes (only the options beside array bodies), then the
    /// memory budget for bodies in flight.
    static func engram(_ service: EngramService) -> Router<EngramRequestContext> {
        let router = Router(context: EngramRequestContext.self)
        router.add(middleware: RequestMetricsMiddleware(metrics: service.metrics))
        router.add(middleware: LogRequestsMiddleware(.info))
        router.add(middleware: ProblemMiddleware())
        router.add(middleware: AuthMiddleware(policy: service.policy))
        router.add(middleware: QueryParametersMiddleware(taken: [
            "/v1/stores/{name}/memories": AddMemoriesBody.names,
            "/v1/stores/{name}/recall": RecallBody.names,
            "/v1/stores/{name}/energy": EnergyBody.names,
            "/v1/calibrate": CalibrateBody.names,
        ]))
        router.add(middleware: BodyBudgetMiddleware(budget: service.bodies))
        StoreRoutes(service: service).register(on: router)
        MemoryRoutes(service: service).register(on: router)
        RecallRoutes(service: service).register(on: router)
        CalibrationRoutes(service: service).register(on: router)
        SnapshotRoutes(service: service).register(on: router)
        OperationsRoutes(service: service).register(on: router)
        InfoRoutes(service: service).register(on: router)
        MethodNotAllowedRoutes(openAPI: service.openAPI).register(on: router)
        return router
    }
}
