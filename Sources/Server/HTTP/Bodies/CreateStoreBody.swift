import Core
import Store

/// `PUT /v1/stores/{name}`: a store's configuration. Unknown enum values are reported by name.
struct CreateStoreBody: Decodable {
    var kind: String
    var dim: Int
    var beta: Float
    var energy: String?
    var kernel: String?
    var features: Int?
    var seed: UInt64?
    var eps: Float?
    var orthogonal: Bool?

    /// The configuration asked for (not yet resolved: drdam defaults are filled in by the Store).
    func configuration() throws -> StoreConfiguration {
        StoreConfiguration(
            kind: try Self.parse(kind, StoreKind.self, field: "kind"),
            dim: dim, beta: beta,
            energy: try energy.map { try Self.parse($0, EnergyFunction.self, field: "energy") } ?? .lse,
            kernel: try kernel.map { try Self.parse($0, KernelKind.self, field: "kernel") },
            features: features, seed: seed, eps: eps, orthogonal: orthogonal)
    }

    static func parse<T: RawRepresentable & CaseIterable>(_ value: String, _ type: T.Type, field: String) throws -> T where T.RawValue == String {
        guard let parsed = T(rawValue: value) else {
            throw Problem(.unprocessableContent, "unknown \(field) '\(value)': expected one of \(T.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return parsed
    }
}
