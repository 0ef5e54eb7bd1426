/// `POST /v1/stores/{name}/energy`: the options beside `points` [B, dim] (read by `NumericBody`), as
/// JSON fields or query parameters.
struct EnergyBody: BodyOptions {
    /// Whether to return ∇E at each point too (default false).
    var gradients: Bool?

    static let names = ["gradients"]

    init(query: QueryOptions) throws {
        gradients = try query.bool("gradients")
    }
}
