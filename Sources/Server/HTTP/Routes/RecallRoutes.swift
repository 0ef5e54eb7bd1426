import Core
import Hummingbird
import Store

/// `/v1/stores/{name}/recall` and `/energy`: the computations, on the compute pool, from one version.
struct RecallRoutes {
    let service: EngramService

    func register(on router: Router<EngramRequestContext>) {
        router.post("/v1/stores/{name}/recall") { request, context in
            let store = try service.store(for: context)
            let body = try await request.decodeJSON(as: RecallBody.self, context: context)
            let state = store.state
            let dim = state.configuration.dim
            let queries = try VectorsBody.matrix(body.queries, dim: dim, field: "queries")
            let clamp = try body.clamp?.mask(batch: queries.rows, dim: dim) ?? .none
            let parameters = try body.parameters(batch: queries.rows)
            let outcome = try await service.recalls.run { try state.recall(queries: queries, parameters: parameters, clamp: clamp) }
            service.metrics.recordQuerySteps(outcome.descent.steps.reduce(0, +))
            return RecallResponse(outcome, trace: body.trace ?? true)
        }
        router.post("/v1/stores/{name}/energy") { request, context in
            let store = try service.store(for: context)
            let body = try await request.decodeJSON(as: EnergyBody.self, context: context)
            let state = store.state
            let points = try VectorsBody.matrix(body.points, dim: state.configuration.dim, field: "points")
            let wantGradients = body.gradients ?? false
            let (energies, gradients) = try await service.recalls.run { try state.energies(of: points, gradients: wantGradients) }
            return EnergyResponse(energies: energies, gradients: gradients.map { g in (0..<g.rows).map { g.row($0) } }, version: state.version)
        }
    }
}
