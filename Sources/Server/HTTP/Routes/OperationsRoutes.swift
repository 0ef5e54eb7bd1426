import Hummingbird

/// `/healthz`, `/readyz`, `/metrics` and `/openapi.yaml`.
struct OperationsRoutes {
    let service: EngramService

    struct Health: ResponseEncodable {
        var status: String
        var stores: Int?
        /// Stores that failed recovery, with the reason (they answer 503; the others serve).
        var failed: [String: String]?
    }

    func register(on router: Router<EngramRequestContext>) {
        router.get("/healthz") { _, _ in Health(status: "ok") }
        // Ready once recovery is done; "degraded" names the stores that failed it.
        router.get("/readyz") { _, _ -> EditedResponse<Health> in
            guard let registry = service.stores.ready else {
                return EditedResponse(status: .serviceUnavailable, response: Health(status: service.stores.isRecovering ? "recovering" : "failed"))
            }
            let failed = registry.failures
            return EditedResponse(status: .ok, response: Health(status: failed.isEmpty ? "ready" : "degraded", stores: registry.all.count, failed: failed.isEmpty ? nil : failed))
        }
        router.get("/metrics") { _, _ in
            service.changed()
            return Self.text(service.metrics.render(), contentType: "text/plain; version=0.0.4; charset=utf-8")
        }
        router.get("/openapi.yaml") { _, _ in Self.text(service.openAPI, contentType: "application/yaml") }
    }

    static func text(_ text: String, contentType: String) -> Response {
        Response(status: .ok, headers: [.contentType: contentType], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
