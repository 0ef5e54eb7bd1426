import Core
import Foundation
import Hummingbird
import Store

/// `POST /v1/stores/{name}/calibrate` and `POST /v1/calibrate`: the paper's β search
/// (`BetaCalibration`) over an mrdam store's memories, or over memories sent in the body (to choose β
/// before creating a drdam store). The search runs on the compute pool, stops when its client leaves
/// or it passes the request timeout (503), and is refused (422) when its work would pass what a recall
/// may use: K memories calibrate like K queries, within `maxQueries`, and the search holds 8·K² + 8·K·D
/// bytes, within `maxRecallBytes`.
struct CalibrationRoutes {
    let service: EngramService

    func register(on router: Router<EngramRequestContext>) {
        router.post("/v1/stores/{name}/calibrate") { request, context in
            let body = try await request.decodeJSON(as: CalibrateStoreBody.self, limit: service.limits.maxBodyBytes, parser: service.parser(for: context))
            if body.set == true, context.key?.role == .read {
                throw Problem(.forbidden, "this API key is read-only: it may calibrate β, not set it")
            }
            let store = try service.store(for: context)
            let state = store.state
            guard case .exact(let exact) = state.model else {
                throw Problem(.unprocessableContent, "a drdam store keeps no memories to calibrate β on: send the memories to POST /v1/calibrate")
            }
            guard exact.count > 0 else { throw Problem(.unprocessableContent, "the store holds no memories to calibrate β on") }
            let found = try await calibrate(rows: exact.count, dim: exact.dim, energy: state.configuration.energy, context: context) { exact.memories }
            let set = body.set ?? false
            if set {
                _ = try await store.setBeta(Float(found.beta))
                context.logger.info("beta set by calibration", metadata: ["store": "\(store.name)", "beta": "\(Float(found.beta))", "was": "\(state.configuration.beta)"])
            }
            return CalibrationResponse(beta: Float(found.beta), steps: found.steps, set: set)
        }
        router.post("/v1/calibrate") { request, context in
            let limits = service.limits
            let input = try await NumericBody<CalibrateBody>(
                request, parser: service.parser(for: context), field: "memories", maxRows: limits.maxQueries, dim: nil, limit: limits.maxBodyBytes)
            let body = input.options, memories = input.matrix
            guard (1...limits.maxDim).contains(memories.cols) else {
                throw Problem(.unprocessableContent, "memories must have 1 to \(limits.maxDim) numbers each (maxDim), not \(memories.cols)")
            }
            let found = try await calibrate(rows: memories.rows, dim: memories.cols, energy: body.energy ?? .lse, context: context) { memories }
            return CalibrationResponse(beta: Float(found.beta), steps: found.steps, set: false)
        }
    }

    /// The search over the `rows` memories of dimension `dim` that `memories` gives ([rows, dim],
    /// copied or converted on the compute pool), after the limits' check.
    private func calibrate(rows: Int, dim: Int, energy: EnergyFunction, context: EngramRequestContext,
                           memories: @escaping @Sendable () -> Matrix) async throws -> BetaCalibration {
        let limits = service.limits
        guard rows <= limits.maxQueries else {
            throw Problem(.unprocessableContent, "calibrating on \(rows) memories is over the limit of \(limits.maxQueries) (maxQueries): calibrate on a sample")
        }
        // rows and dim are at most 2^40 each (a store's count, a dimension), so 8·rows is within Int;
        // the products and their sum may not be: past Int is past the limit.
        let (square, squareOverflow) = (8 * rows).multipliedReportingOverflow(by: rows)
        let (matrix, matrixOverflow) = (8 * rows).multipliedReportingOverflow(by: dim)
        let (bytes, sumOverflow) = square.addingReportingOverflow(matrix)
        guard !squareOverflow, !matrixOverflow, !sumOverflow, bytes <= limits.maxRecallBytes else {
            throw Problem(.unprocessableContent, "calibrating on \(rows) memories of dimension \(dim) needs more working memory than the limit of \(limits.maxRecallBytes) bytes (maxRecallBytes): calibrate on a sample")
        }
        return try await RecallRoutes.cancellable(context: context, timeout: limits.requestTimeout, connections: service.connections, metrics: service.metrics) { cancellation in
            try await service.recalls.run { try BetaCalibration.search(memories: memories(), energy: energy, interrupt: { try cancellation.check() }) }
        }
    }
}
