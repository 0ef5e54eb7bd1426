import Core
import Formats

extension NumericJSON.Rows {
    /// The rows as a matrix [rows, cols].
    var matrix: Matrix { Matrix(rows: rows, cols: cols, values: values) }
}
