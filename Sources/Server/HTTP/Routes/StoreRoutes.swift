import Hummingbird
import Store

/// `/v1/stores` and `/v1/stores/{name}`: create, list, describe and delete stores.
struct StoreRoutes {
    let service: EngramService

    func register(on router: Router<EngramRequestContext>) {
        router.put("/v1/stores/{name}") { request, context -> EditedResponse<StoreInfo> in
            let name = try context.parameters.require("name")
            let configuration = try await request.decodeJSON(as: CreateStoreBody.self, limit: service.limits.maxBodyBytes, parser: service.parser(for: context)).configuration()
            let (store, created) = try await service.registry().create(name: name, configuration: configuration)
            service.changed()
            if created { context.logger.info("created store", metadata: ["store": "\(name)", "kind": "\(configuration.kind)"]) }
            return EditedResponse(status: created ? .created : .ok, response: StoreInfo(name: name, state: store.state))
        }
        router.get("/v1/stores") { _, context in
            // Only the stores the request's key may see.
            let visible = try service.registry().all.filter { context.key?.allows(store: $0.name) ?? true }
            return StoreList(stores: visible.map { StoreInfo(name: $0.name, state: $0.state) })
        }
        router.get("/v1/stores/{name}") { _, context in
            let store = try service.store(for: context)
            return StoreInfo(name: store.name, state: store.state)
        }
        router.delete("/v1/stores/{name}") { _, context -> HTTPResponse.Status in
            let name = try context.parameters.require("name")
            try await service.registry().delete(name: name)
            service.changed()
            context.logger.info("deleted store", metadata: ["store": "\(name)"])
            return .noContent
        }
    }
}
