import Hummingbird
/// The answer to forgetting memories.
struct ForgetResponse: ResponseEncodable {
    /// Memories forgotten: drdam, all those given; mrdam, the rows that were equal to one of them.
    var forgotten: Int
    /// Memories now held.
    var count: Int
    /// The store's version after the write.
    var version: UInt64
}
