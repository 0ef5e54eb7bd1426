/// `POST /v1/stores/{name}/memories`: the options beside `memories` [K, dim] (read by `NumericBody`),
/// as JSON fields or query parameters (`ids=a,b` or `ids=a&ids=b`).
struct AddMemoriesBody: BodyOptions {
    /// mrdam: an id per memory (assigned when absent).
    var ids: [String]?

    static let names = ["ids"]

    init(query: QueryOptions) {
        ids = query.list("ids")
    }
}
