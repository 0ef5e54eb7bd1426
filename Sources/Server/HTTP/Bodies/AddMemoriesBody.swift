/// `POST /v1/stores/{name}/memories`.
struct AddMemoriesBody: Decodable {
    /// The memories [K, dim].
    var memories: [[Float]]
    /// mrdam: an id per memory (assigned when absent).
    var ids: [String]?
}
