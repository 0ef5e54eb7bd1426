/// `POST /v1/stores/{name}/memories`: the options beside `memories` [K, dim] (read by `NumericBody`),
/// as JSON fields or query parameters (`ids=a,b` or `ids=a&ids=b`).
struct AddMemoriesBody: BodyOptions {
    /// mrdam: an id per memory (assigned when absent).
    var ids: [String]?

    static let names = ["ids"]

    /// `ids` may take 256 bytes of JSON text per memory (an id has at most 128 characters, none of
    /// which needs escaping); other fields the default.
    static func maxBytes(of name: String, maxRows: Int) -> Int {
        let (ids, overflow) = maxRows.multipliedReportingOverflow(by: 256)
        return name == "ids" ? max(overflow ? .max : ids, maxFieldBytes) : maxFieldBytes
    }

    init(query: QueryOptions) {
        ids = query.list("ids")
    }
}
