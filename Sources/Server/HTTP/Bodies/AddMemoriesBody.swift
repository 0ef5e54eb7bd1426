/// `POST /v1/stores/{name}/memories`: the options beside `memories` [K, dim] (read by `NumericJSON`).
struct AddMemoriesBody: Decodable {
    /// mrdam: an id per memory (assigned when absent).
    var ids: [String]?
}
