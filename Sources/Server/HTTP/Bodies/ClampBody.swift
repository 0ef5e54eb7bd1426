import Core

/// A clamp mask as JSON carries it: one boolean list of length dim for every query, or one per query.
enum ClampBody: Decodable {
    case shared([Bool])
    case perQuery([[Bool]])

    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let shared = try? container.decode([Bool].self) {
            self = .shared(shared)
        } else if let perQuery = try? container.decode([[Bool]].self) {
            self = .perQuery(perQuery)
        } else {
            throw DecodingError.typeMismatch([Bool].self, .init(
                codingPath: decoder.codingPath,
                debugDescription: "clamp must be a list of booleans or a list of such lists, one per query"))
        }
    }

    /// The mask for `batch` queries of dimension `dim`; 422 for a wrong length.
    func mask(batch: Int, dim: Int) throws -> ClampMask {
        switch self {
        case .shared(let mask):
            guard mask.count == dim else { throw Problem(.unprocessableContent, "clamp has \(mask.count) entries; the store has dimension \(dim)") }
            return .shared(mask)
        case .perQuery(let masks):
            guard masks.count == batch else { throw Problem(.unprocessableContent, "clamp has \(masks.count) masks for \(batch) queries") }
            if let bad = masks.firstIndex(where: { $0.count != dim }) {
                throw Problem(.unprocessableContent, "clamp[\(bad)] has \(masks[bad].count) entries; the store has dimension \(dim)")
            }
            return .perQuery(masks.flatMap { $0 })
        }
    }
}
