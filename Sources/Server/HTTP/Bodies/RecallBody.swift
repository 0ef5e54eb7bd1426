import Core
import Store

/// `POST /v1/stores/{name}/recall`: the options beside `queries` [B, dim] and `clamp` (both read by
/// `NumericBody`), as JSON fields or query parameters.
struct RecallBody: BodyOptions {
    /// Descent steps (default 1000, at most the server's limit).
    var depth: Int?
    /// Step size α ≥ 0 (default 0.1); read as a Double so that a tiny value rounds to 0 in float32.
    var alpha: Double?
    /// Early stop once no entry moves by this much (default 0: never).
    var tolerance: Double?
    /// Whether to return each query's energy trace (default true).
    var trace: Bool?

    static let names = ["depth", "alpha", "tolerance", "trace"]

    init(query: QueryOptions) throws {
        depth = try query.int("depth")
        alpha = try query.double("alpha")
        tolerance = try query.double("tolerance")
        trace = try query.bool("trace")
    }

    /// The descent parameters for `batch` queries, checked against `limits`; 422 for values out of range.
    func parameters(batch: Int, limits: Limits) throws -> DescentParameters {
        let parameters = DescentParameters(
            alpha: try alpha.map { try CreateStoreBody.float32($0, "alpha") } ?? 0.1, depth: depth ?? 1000,
            tolerance: try tolerance.map { try CreateStoreBody.float32($0, "tolerance") } ?? 0)
        try parameters.validate()
        guard parameters.depth <= limits.maxDepth else { throw Problem(.unprocessableContent, "depth \(parameters.depth) is over the limit of \(limits.maxDepth)") }
        guard batch <= limits.maxTraceEntries / parameters.depth else {
            throw Problem(.unprocessableContent, "queries × depth = \(batch) × \(parameters.depth) trace entries is over the limit of \(limits.maxTraceEntries): send fewer queries or fewer steps")
        }
        return parameters
    }
}
