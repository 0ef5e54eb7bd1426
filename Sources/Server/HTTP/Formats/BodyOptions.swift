/// A request's options beside its vectors: the JSON body's other fields, or, beside an `.npy` or `.npz`
/// body, the query string's parameters of the same names (`names`, as JSON fields and as query
/// parameters).
protocol BodyOptions: JSONFields {
    /// The options from the query string.
    init(query: QueryOptions) throws
}
