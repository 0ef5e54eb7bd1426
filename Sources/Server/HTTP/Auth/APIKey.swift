import Crypto
import Store

/// One API key the server accepts: the SHA-256 of its secret (the secret itself is not kept), its role
/// and the store names it may touch.
struct APIKey: Sendable {
    /// `read`: GET routes, recall, energy and snapshot download. `write`: everything.
    enum Role: String, Sendable, Decodable {
        case read
        case write
    }

    /// A name for logs (never the secret).
    let name: String
    let role: Role
    /// Store-name patterns (`*` any run of characters, `?` one); ["*"] for every store.
    let stores: [String]
    let digest: [UInt8]

    /// A key with secret `secret`; throws for an empty one or one with white space.
    init(name: String, secret: String, role: Role, stores: [String] = ["*"]) throws {
        guard !secret.isEmpty, !secret.contains(where: \.isWhitespace) else {
            throw KeyConfigurationError("key '\(name)' is empty or contains white space")
        }
        guard !stores.isEmpty else { throw KeyConfigurationError("key '\(name)' names no store pattern (use [\"*\"] for every store)") }
        self.name = name
        self.role = role
        self.stores = stores
        digest = Self.digest(secret)
    }

    static func digest(_ secret: String) -> [UInt8] { Array(SHA256.hash(data: Array(secret.utf8))) }

    /// Whether this key may touch store `name`. A key for every store allows any name without matching
    /// it; a name no store can have (`StoreRegistry.isValidName`: at most 64 bytes) is allowed by no
    /// other key and never matched, so that matching takes at most 65·(m + 2) steps for a pattern of
    /// m bytes whatever the request names: microseconds, on the thread the request arrived on.
    func allows(store name: String) -> Bool {
        allowsEveryStore || (StoreRegistry.isValidName(name) && stores.contains { StorePattern($0).matches(name) })
    }

    /// Whether this key may touch every store (needed for server-wide operations).
    var allowsEveryStore: Bool { stores.contains("*") }
}

/// A keys configuration that cannot be used: said at start, and the server does not start.
struct KeyConfigurationError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
