import Hummingbird

/// `/healthz`, `/readyz`, `/metrics` and `/openapi.yaml`.
struct OperationsRoutes {
    let service: EngramService

    struct Health: ResponseEncodable {
        var status: String
        var stores: Int?
        /// How many things make the server "degraded" (failed stores, log damage whose store cannot be
        /// told, a log that refuses writes): all a request without a valid key learns of them.
        var problems: Int?
        /// Stores that failed recovery, with the reason (they answer 503; the others serve).
        var failed: [String: String]?
        /// Damage in the log whose store cannot be told (it may have held any store's record).
        var unattributed: [String]?
        /// Why the write-ahead log refuses writes until restart (a failed fsync), if it does.
        var log: String?
        /// Why checkpoints by size are held back, if they are.
        var checkpoints: String?
    }

    func register(on router: Router<EngramRequestContext>) {
        router.get("/healthz") { _, _ in Health(status: "ok") }
        // Ready once recovery is done; "degraded" names the stores that failed it, damage whose store
        // is unknown, a log that refuses writes, and checkpoints held back.
        // The names and reasons (store names, paths in the data directory) only to a valid key, when
        // the server takes keys: without one, the status and the counts.
        router.get("/readyz") { request, _ -> EditedResponse<Health> in
            guard let registry = service.stores.ready else {
                return EditedResponse(status: .serviceUnavailable, response: Health(status: service.stores.isRecovering ? "recovering" : "failed"))
            }
            let failed = registry.failures, unattributed = registry.unattributedDamage, log = registry.log.failure
            let problems = failed.count + unattributed.count + (log == nil ? 0 : 1)
            let health = Health(status: problems > 0 ? "degraded" : "ready", stores: registry.all.count, problems: problems)
            let keyed = !service.policy.requiresKeys || AuthMiddleware.presentedKey(request.headers).flatMap(service.policy.authenticate) != nil
            guard keyed else { return EditedResponse(status: .ok, response: health) }
            return EditedResponse(status: .ok, response: Health(
                status: health.status, stores: health.stores, problems: problems, failed: failed.isEmpty ? nil : failed,
                unattributed: unattributed.isEmpty ? nil : unattributed, log: log, checkpoints: registry.checkpointsHeldBack))
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
