import Hummingbird

/// `GET /v1/info`: the version and the limits in force (`ServerInfo`). Any valid key may read it, a
/// key limited to some stores too: the limits concern every request it sends.
struct InfoRoutes {
    let service: EngramService

    func register(on router: Router<EngramRequestContext>) {
        router.get("/v1/info") { _, _ in
            ServerInfo(version: EngramVersion.current, limits: service.limits)
        }
    }
}
