import Hummingbird

/// `/healthz`, `/readyz`, `/metrics` and `/openapi.yaml`.
struct OperationsRoutes {
    let service: EngramService

    struct Health: ResponseEncodable {
        var status: String
        var stores: Int?
    }

    func register(on router: Router<EngramRequestContext>) {
        router.get("/healthz") { _, _ in Health(status: "ok") }
        // Stores live in memory and are ready as soon as the server runs; with durability, recovery
        // will come first.
        router.get("/readyz") { _, _ in Health(status: "ready", stores: service.registry.all.count) }
        router.get("/metrics") { _, _ in
            Self.text(service.metrics.render(), contentType: "text/plain; version=0.0.4; charset=utf-8")
        }
        router.get("/openapi.yaml") { _, _ in Self.text(service.openAPI, contentType: "application/yaml") }
    }

    static func text(_ text: String, contentType: String) -> Response {
        Response(status: .ok, headers: [.contentType: contentType], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
