import Hummingbird
/// `GET /v1/stores`.
struct StoreList: ResponseEncodable {
    var stores: [StoreInfo]
}
