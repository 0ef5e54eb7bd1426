/// A dense row-major matrix of `Float`, shape [rows, cols].
///
/// The storage is one contiguous array (`values[r * cols + c]`), which is what BLAS takes.
package struct Matrix: Sendable, Equatable {
    /// Number of rows.
    package let rows: Int
    /// Number of columns.
    package let cols: Int
    /// The entries in row-major order, `rows * cols` of them.
    package var values: [Float]

    /// A matrix over `values` (row-major, exactly `rows * cols` entries).
    package init(rows: Int, cols: Int, values: [Float]) {
        precondition(rows >= 0 && cols >= 0 && values.count == rows * cols, "Matrix: \(values.count) values for [\(rows), \(cols)]")
        self.rows = rows
        self.cols = cols
        self.values = values
    }

    /// A [rows, cols] matrix with every entry `value`.
    package init(rows: Int, cols: Int, repeating value: Float = 0) {
        self.init(rows: rows, cols: cols, values: [Float](repeating: value, count: rows * cols))
    }

    /// A matrix whose rows are `rows` (all of length `cols`; `cols` is needed when there are no rows).
    package init(rowArrays: [[Float]], cols: Int) {
        precondition(rowArrays.allSatisfy { $0.count == cols }, "Matrix: ragged rows")
        self.init(rows: rowArrays.count, cols: cols, values: rowArrays.flatMap { $0 })
    }

    /// Entry at row `r`, column `c`.
    package subscript(r: Int, c: Int) -> Float {
        get { values[r * cols + c] }
        set { values[r * cols + c] = newValue }
    }

    /// Row `r` as an array of `cols` entries.
    package func row(_ r: Int) -> [Float] {
        Array(values[(r * cols)..<((r + 1) * cols)])
    }

    /// Whether every entry is finite (no NaN, no infinity).
    package var isFinite: Bool { values.allSatisfy { $0.isFinite } }
}
