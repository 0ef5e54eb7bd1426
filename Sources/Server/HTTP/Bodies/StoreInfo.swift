import Hummingbird
import Store

/// A store as the API describes it: its whole configuration, its size and its version.
struct StoreInfo: ResponseEncodable {
    var name: String
    var kind: String
    var dim: Int
    var beta: Float
    var energy: String
    var kernel: String?
    var features: Int?
    var seed: UInt64?
    var eps: Float?
    var orthogonal: Bool?
    /// Memories held (drdam: added minus forgotten).
    var count: Int
    /// Grows with every write.
    var version: UInt64
    /// Bytes of numbers the store holds.
    var bytes: Int

    init(name: String, state: StoreState) {
        let c = state.configuration
        self.name = name
        kind = c.kind.rawValue
        dim = c.dim
        beta = c.beta
        energy = c.energy.rawValue
        kernel = c.kernel?.rawValue
        features = c.features
        seed = c.seed
        eps = c.eps
        orthogonal = c.orthogonal
        count = state.count
        version = state.version
        bytes = state.model.bytes
    }
}
