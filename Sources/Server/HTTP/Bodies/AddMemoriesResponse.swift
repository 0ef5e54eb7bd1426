import Hummingbird
/// The answer to adding memories.
struct AddMemoriesResponse: ResponseEncodable {
    /// Memories added.
    var added: Int
    /// Memories now held.
    var count: Int
    /// mrdam: the new rows' ids; empty for drdam.
    var ids: [String]
    /// The store's version after the write.
    var version: UInt64
}
