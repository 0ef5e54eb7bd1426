import Hummingbird
import Store

/// `/v1/stores/{name}/memories…`: add, look up, delete and forget memories.
struct MemoryRoutes {
    let service: EngramService

    func register(on router: Router<EngramRequestContext>) {
        router.post("/v1/stores/{name}/memories") { request, context in
            let store = try service.store(for: context)
            let body = try await request.decodeJSON(as: AddMemoriesBody.self, context: context)
            let memories = try VectorsBody.matrix(body.memories, dim: store.state.configuration.dim, field: "memories")
            let (ids, state) = try await service.writes.run { try store.add(memories, ids: body.ids) }
            service.metrics.refresh(from: service.registry)
            return AddMemoriesResponse(added: memories.rows, count: state.count, ids: ids, version: state.version)
        }
        router.post("/v1/stores/{name}/memories/forget") { request, context in
            let store = try service.store(for: context)
            let body = try await request.decodeJSON(as: ForgetBody.self, context: context)
            let memories = try VectorsBody.matrix(body.memories, dim: store.state.configuration.dim, field: "memories")
            let (forgotten, state) = try await service.writes.run { try store.forget(memories) }
            service.metrics.refresh(from: service.registry)
            return ForgetResponse(forgotten: forgotten, count: state.count, version: state.version)
        }
        router.get("/v1/stores/{name}/memories/{id}") { _, context in
            let store = try service.store(for: context)
            let id = try context.parameters.require("id")
            let state = store.state
            guard case .exact(let exact) = state.model else {
                throw StoreError.conflict("drdam stores do not keep individual memories")
            }
            guard let row = state.row(of: id) else { throw StoreError.notFound("no memory with id '\(id)'") }
            return MemoryResponse(id: id, index: row, memory: exact.memories.row(row))
        }
        router.delete("/v1/stores/{name}/memories/{id}") { _, context -> HTTPResponse.Status in
            let store = try service.store(for: context)
            let id = try context.parameters.require("id")
            _ = try await service.writes.run { try store.remove(id: id) }
            service.metrics.refresh(from: service.registry)
            return .noContent
        }
    }
}
