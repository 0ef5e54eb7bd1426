/// The two kinds of memory store: `mrdam` (exact, every memory a row) and `drdam` (distributed: memories
/// summed into a vector of random features).
package enum StoreKind: String, CaseIterable, Codable, Sendable {
    case mrdam
    case drdam
}
