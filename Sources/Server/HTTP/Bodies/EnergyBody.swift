/// `POST /v1/stores/{name}/energy`.
struct EnergyBody: Decodable {
    /// The points [B, dim].
    var points: [[Float]]
    /// Whether to return ∇E at each point too (default false).
    var gradients: Bool?
}
