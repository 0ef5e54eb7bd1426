import Core

/// `POST /v1/stores/{name}/recall`.
struct RecallBody: Decodable {
    /// The queries [B, dim].
    var queries: [[Float]]
    /// Descent steps (default 1000, at most `maxDepth`).
    var depth: Int?
    /// Step size α ≥ 0 (default 0.1).
    var alpha: Float?
    /// Clamp mask: [dim] for every query, or [B][dim].
    var clamp: ClampBody?
    /// Early stop once no entry moves by this much (default 0: never).
    var tolerance: Float?
    /// Whether to return each query's energy trace (default true).
    var trace: Bool?

    /// The most steps one recall may take.
    static let maxDepth = 100_000
    /// The most trace entries (queries × depth) one response may carry.
    static let maxTraceEntries = 10_000_000

    /// The descent parameters, checked; 422 for values out of range.
    func parameters(batch: Int) throws -> DescentParameters {
        let parameters = DescentParameters(alpha: alpha ?? 0.1, depth: depth ?? 1000, tolerance: tolerance ?? 0)
        try parameters.validate()
        guard parameters.depth <= Self.maxDepth else { throw Problem(.unprocessableContent, "depth \(parameters.depth) is over the limit of \(Self.maxDepth)") }
        if trace ?? true, batch * parameters.depth > Self.maxTraceEntries {
            throw Problem(.unprocessableContent, "queries × depth = \(batch) × \(parameters.depth) trace entries is over the limit of \(Self.maxTraceEntries): send fewer queries or \"trace\": false")
        }
        return parameters
    }
}
