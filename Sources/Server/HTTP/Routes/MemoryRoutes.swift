import Core
import Hummingbird
import Store

/// `/v1/stores/{name}/memories…`: add, look up, delete and forget memories. Each write is
/// acknowledged only once its log record is on disk.
struct MemoryRoutes {
    let service: EngramService

    func register(on router: Router<EngramRequestContext>) {
        router.post("/v1/stores/{name}/memories") { request, context in
            let store = try service.store(for: context)
            let (body, memories) = try await Self.memories(request, parser: service.parser(for: context), store: store, as: AddMemoriesBody.self, limits: service.limits)
            let (ids, state) = try await store.add(memories, ids: body.ids)
            service.changed()
            return AddMemoriesResponse(added: memories.rows, count: state.count, ids: ids, version: state.version)
        }
        router.post("/v1/stores/{name}/memories/forget") { request, context in
            let store = try service.store(for: context)
            let memories = try await Self.memories(request, parser: service.parser(for: context), store: store, as: NoOptions.self, limits: service.limits).memories
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

    /// No options beside the memories.
    struct NoOptions: BodyOptions {
        static let names: [String] = []

        init(query: QueryOptions) {}
    }

    /// The body's `memories` [K, dim] (JSON, `.npy` or `.npz`: see `NumericBody`, parsed by `parser`) and its options as `T`.
    static func memories<T: BodyOptions>(_ request: Request, parser: BodyParser, store: MemoryStore, as: T.Type, limits: Limits) async throws -> (options: T, memories: Matrix) {
        let body = try await NumericBody<T>(
            request, parser: parser, field: "memories", maxRows: limits.maxMemoriesPerRequest, dim: store.state.configuration.dim, limit: limits.maxBodyBytes)
        return (body.options, body.matrix)
    }
}
