import Hummingbird
import Store

/// `/v1/stores/{name}/memories…`: add, look up, delete and forget memories. Each write is
/// acknowledged only once its log record is on disk.
struct MemoryRoutes {
    let service: EngramService

    func register(on router: Router<EngramRequestContext>) {
        router.post("/v1/stores/{name}/memories") { request, context in
            let store = try service.store(for: context)
            let body = try await request.decodeJSON(as: AddMemoriesBody.self, context: context)
            let memories = try VectorsBody.matrix(body.memories, dim: store.state.configuration.dim, field: "memories")
            let (ids, state) = try await store.add(memories, ids: body.ids)
            service.changed()
            return AddMemoriesResponse(added: memories.rows, count: state.count, ids: ids, version: state.version)
        }
        router.post("/v1/stores/{name}/memories/forget") { request, context in
            let store = try service.store(for: context)
            let body = try await request.decodeJSON(as: ForgetBody.self, context: context)
            let memories = try VectorsBody.matrix(body.memories, dim: store.state.configuration.dim, field: "memories")
            let (forgotten, state) = try await store.forget(memories)
            service.changed()
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
            return MemoryResponse(id: id, index: row, memory: exact.memory(at: row))
        }
        router.delete("/v1/stores/{name}/memories/{id}") { _, context -> HTTPResponse.Status in
            let store = try service.store(for: context)
            _ = try await store.remove(id: try context.parameters.require("id"))
            service.changed()
            return .noContent
        }
    }
}
