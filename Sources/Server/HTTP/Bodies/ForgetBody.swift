/// `POST /v1/stores/{name}/memories/forget`.
struct ForgetBody: Decodable {
    /// The memories to forget [K, dim].
    var memories: [[Float]]
}
