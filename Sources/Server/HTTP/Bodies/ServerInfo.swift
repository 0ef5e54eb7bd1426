import Hummingbird
import Store

/// `GET /v1/info`: the server's version and every limit in force (`Limits.catalog`), each under its
/// flag's name with underscores for dashes (`--max-queries` is `max_queries`), so that a client can
/// cut its requests to fit (the Python client splits recalls and energies by `max_queries`).
struct ServerInfo: ResponseEncodable {
    var version: String
    /// Bytes, counts and seconds.
    var limits: [String: Double]

    init(version: String, limits: Limits) {
        self.version = version
        self.limits = Dictionary(uniqueKeysWithValues: Limits.catalog.map { ($0.infoName, $0.number(in: limits)) })
    }
}
