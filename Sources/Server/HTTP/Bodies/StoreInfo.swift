import Hummingbird
import Store

/// A store as the API describes it: its name, its whole configuration (the fields of
/// `StoreConfiguration`, drdam ones only for drdam stores), its size and its version.
struct StoreInfo: ResponseEncodable {
    var name: String
    var configuration: StoreConfiguration
    /// Memories held (drdam: added minus forgotten).
    var count: Int
    /// Grows with every write.
    var version: UInt64
    /// Bytes of numbers the store holds.
    var bytes: Int

    init(name: String, state: StoreState) {
        self.name = name
        configuration = state.configuration
        count = state.count
        version = state.version
        bytes = state.model.bytes
    }

    private enum CodingKeys: String, CodingKey { case name, count, version, bytes }

    /// One flat object: the configuration's fields beside name, count, version and bytes.
    func encode(to encoder: Encoder) throws {
        try configuration.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(count, forKey: .count)
        try container.encode(version, forKey: .version)
        try container.encode(bytes, forKey: .bytes)
    }
}
