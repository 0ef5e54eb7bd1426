import Core
import Formats

extension NumericJSON.Mask {
    /// The clamp mask for `batch` queries of dimension `dim`; 422 for a wrong length or count.
    func clamp(batch: Int, dim: Int) throws -> ClampMask {
        if nested {
            guard rows == batch else { throw Problem(.unprocessableContent, "clamp has \(rows) masks for \(batch) queries") }
            return .perQuery(values)
        }
        guard values.count == dim else { throw Problem(.unprocessableContent, "clamp has \(values.count) entries; the store has dimension \(dim)") }
        return .shared(values)
    }
}
