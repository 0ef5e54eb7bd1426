/// `POST /v1/stores/{name}/energy`: the options beside `points` [B, dim] (read by `NumericJSON`).
struct EnergyBody: Decodable {
    /// Whether to return ∇E at each point too (default false).
    var gradients: Bool?
}
