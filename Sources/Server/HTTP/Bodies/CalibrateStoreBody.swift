/// `POST /v1/stores/{name}/calibrate`: a JSON object, `{}` for the defaults.
struct CalibrateStoreBody: JSONFields {
    /// Whether to make the β found the store's β (default false; a write: needs a read-write key).
    var set: Bool?

    static let names = ["set"]
}
