import Core
import Foundation
import Hummingbird
import NIOCore
import Store

/// `/v1/stores/{name}/recall` and `/energy`: the computations, on the compute pool, from one version.
/// The vectors come as JSON, `.npy` or `.npz` (`NumericBody`); the answer is JSON, or arrays
/// (`ArrayResponse`) when Accept asks for them.
/// Each is checked against the limits before anything is allocated for it, and a recall stops within
/// one descent step when its client disconnects or it passes the request timeout.
struct RecallRoutes {
    let service: EngramService

    func register(on router: Router<EngramRequestContext>) {
        router.post("/v1/stores/{name}/recall") { request, context in
            let store = try service.store(for: context)
            let state = store.state
            let limits = service.limits
            let format = try ResponseFormat(accept: request.headers[.accept])
            let input = try await NumericBody<RecallBody>(
                request, parser: service.parser(for: context), field: "queries", takesClamp: true, maxRows: limits.maxQueries, dim: state.configuration.dim, limit: limits.maxBodyBytes)
            let body = input.options, queries = input.matrix, clamp = input.clamp
            let parameters = try body.parameters(batch: queries.rows, limits: limits)
            try Self.checkWorkingMemory(state, batch: queries.rows, depth: parameters.depth, limits: limits)
            let outcome = try await Self.cancellable(context: context, timeout: limits.requestTimeout, connections: service.connections, metrics: service.metrics) { cancellation in
                try await service.batcher.recall(store: store, state: state, queries: queries, parameters: parameters, clamp: clamp, cancellation: cancellation)
            }
            service.metrics.recordQuerySteps(outcome.descent.steps.reduce(0, +))
            guard format == .json else { return try await ArrayResponse.recall(outcome, trace: body.trace ?? true, format: format, on: service.work) }
            return try await JSONResponse.numeric(RecallResponse(outcome, trace: body.trace ?? true), on: service.work)
        }
        router.post("/v1/stores/{name}/energy") { request, context in
            let store = try service.store(for: context)
            let state = store.state
            let limits = service.limits
            let format = try ResponseFormat(accept: request.headers[.accept])
            let input = try await NumericBody<EnergyBody>(request, parser: service.parser(for: context), field: "points", maxRows: limits.maxQueries, dim: state.configuration.dim, limit: limits.maxBodyBytes)
            let body = input.options, points = input.matrix
            try Self.checkWorkingMemory(state, batch: points.rows, depth: 1, limits: limits)
            let wantGradients = body.gradients ?? false
            let (energies, gradients) = try await service.recalls.run { try state.energies(of: points, gradients: wantGradients) }
            guard format == .json else { return try await ArrayResponse.energy(energies, gradients: gradients, version: state.version, format: format, on: service.work) }
            return try await JSONResponse.numeric(
                EnergyResponse(energies: energies, gradients: gradients.map { g in (0..<g.rows).map { g.row($0) } }, version: state.version), on: service.work)
        }
    }

    /// 422 when a computation of `batch` queries over `state` would need more working memory than
    /// the limit: 4·B·K (mrdam) or 4·B·Y (drdam) for the similarities, 4·B·depth for the trace and
    /// 16·B·D for the states and gradients.
    static func checkWorkingMemory(_ state: StoreState, batch: Int, depth: Int, limits: Limits) throws {
        let width: Int
        switch state.model {
        case .exact(let m): width = m.count
        case .distributed(let m): width = m.features.count
        }
        // Each factor is within Int (queries ≤ 2^24, memories ≤ 2^40, depth ≤ 2^32, dim ≤ 2^24), the
        // product may not be: past Int is past the limit.
        let (bytes, overflow) = (width + depth + 4 * state.configuration.dim).multipliedReportingOverflow(by: 4 * batch)
        guard !overflow, bytes <= limits.maxRecallBytes else {
            throw Problem(.unprocessableContent, "\(batch) queries on this store need \(overflow ? "more than \(Int.max)" : "\(bytes)") bytes of working memory, over the limit of \(limits.maxRecallBytes): send fewer queries")
        }
    }

    /// Runs `work` with a cancellation that fires when the client's connection closes (watched by
    /// `connections` while `work` runs) or `timeout` seconds pass; a recall stopped by either answers 503.
    /// Logs (at debug level) "recall started", and "recall stopped" with the steps taken when it is stopped.
    static func cancellable<T: Sendable>(context: EngramRequestContext, timeout: Double, connections: ConnectionWatch, metrics: ServerMetrics,
                                         _ work: (Cancellation) async throws -> T) async throws -> T {
        let cancellation = Cancellation()
        let registration = connections.register(cancellation, closing: context.channel)
        defer { connections.release(registration) }
        let timer = Task { [weak cancellation] in
            try await Task.sleep(for: .seconds(timeout))
            cancellation?.cancel("it passed the request timeout of \(timeout) s")
        }
        defer { timer.cancel() }
        context.logger.debug("recall started")
        do {
            return try await work(cancellation)
        } catch let stopped as Cancellation.Stopped {
            context.logger.debug("recall stopped", metadata: ["steps": "\(stopped.steps.map(String.init) ?? "none")", "reason": "\(stopped.reason)"])
            metrics.recordCancelledRecall()
            throw Problem(.serviceUnavailable, stopped.description)
        }
    }
}
