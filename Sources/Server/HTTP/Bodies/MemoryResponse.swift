import Hummingbird
/// `GET /v1/stores/{name}/memories/{id}` (mrdam).
struct MemoryResponse: ResponseEncodable {
    var id: String
    /// The row of Ξ.
    var index: Int
    /// The memory [dim].
    var memory: [Float]
}
