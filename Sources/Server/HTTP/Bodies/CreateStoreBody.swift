import Core
import Store

/// `PUT /v1/stores/{name}`: a store's configuration. Unknown enum values are reported by name, and so
/// are unknown fields (`JSONFields`).
struct CreateStoreBody: JSONFields {
    var kind: String
    var dim: Int
    var beta: Double
    var energy: String?
    var kernel: String?
    var features: Int?
    var seed: UInt64?
    var eps: Double?
    var orthogonal: Bool?
    var transform: String?

    static let names = ["kind", "dim", "beta", "energy", "kernel", "features", "seed", "eps", "orthogonal", "transform"]

    /// The configuration asked for (not yet resolved: drdam defaults are filled in by the Store).
    func configuration() throws -> RequestedConfiguration {
        RequestedConfiguration(
            kind: try Self.parse(kind, StoreKind.self, field: "kind"),
            dim: dim, beta: try Self.float32(beta, "beta"),
            energy: try energy.map { try Self.parse($0, EnergyFunction.self, field: "energy") } ?? .lse,
            kernel: try kernel.map { try Self.parse($0, KernelKind.self, field: "kernel") },
            features: features, seed: seed, eps: try eps.map { try Self.float32($0, "eps") }, orthogonal: orthogonal,
            transform: try transform.map { try Self.parse($0, FeatureTransform.self, field: "transform") })
    }

    /// A JSON number as float32 (a tiny one rounds to 0 or a denormal, as in vectors); 400 beyond
    /// float32's range.
    static func float32(_ value: Double, _ field: String) throws -> Float {
        let float = Float(value)
        guard float.isFinite else { throw Problem(.badRequest, "\(field): \(value) is beyond float32's range") }
        return float
    }

    static func parse<T: RawRepresentable & CaseIterable>(_ value: String, _ type: T.Type, field: String) throws -> T where T.RawValue == String {
        guard let parsed = T(rawValue: value) else {
            throw Problem(.unprocessableContent, "unknown \(field) '\(value)': expected one of \(T.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return parsed
    }
}
