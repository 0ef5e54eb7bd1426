import Core

/// Vectors as JSON carries them, [[number]], checked into a matrix [K, dim].
enum VectorsBody {
    /// The largest number of vectors in one request.
    static let maxRows = 100_000

    /// `rows` as a matrix [rows.count, dim]; 422 naming the field for an empty list, a ragged or
    /// wrong-length row, or a non-finite number.
    static func matrix(_ rows: [[Float]], dim: Int, field: String) throws -> Matrix {
        guard !rows.isEmpty else { throw Problem(.unprocessableContent, "'\(field)' is empty") }
        guard rows.count <= maxRows else { throw Problem(.unprocessableContent, "'\(field)' has \(rows.count) vectors; the limit is \(maxRows)") }
        var values: [Float] = []
        values.reserveCapacity(rows.count * dim)
        for (i, row) in rows.enumerated() {
            guard row.count == dim else {
                throw Problem(.unprocessableContent, "\(field)[\(i)] has \(row.count) numbers; the store has dimension \(dim)")
            }
            guard row.allSatisfy(\.isFinite) else {
                throw Problem(.unprocessableContent, "\(field)[\(i)] contains a number that is not finite (or too large for float32)")
            }
            values += row
        }
        return Matrix(rows: rows.count, cols: dim, values: values)
    }
}
