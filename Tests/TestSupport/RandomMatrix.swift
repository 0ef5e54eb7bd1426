import Core

/// Seeded test data: a [rows, cols] matrix of standard normals × `scale` + `shift`, from Philox stream
/// 9 of `seed`. (Uniform data, and other random inputs, come from `SeededGenerator`.)
package func randomMatrix(rows: Int, cols: Int, seed: UInt64, scale: Float = 1, shift: Float = 0) -> Matrix {
    let values = RandomFeatures.gaussianRows(Philox(seed: seed), rows: 0..<rows, dim: cols, stream: 9)
    return Matrix(rows: rows, cols: cols, values: values.map { $0 * scale + shift })
}

/// Seeded test data: a [rows, cols] matrix uniform in [-1, 1), from `SeededGenerator(seed:)`.
package func uniformMatrix(rows: Int, cols: Int, seed: UInt64) -> Matrix {
    var generator = SeededGenerator(seed: seed)
    return Matrix(rows: rows, cols: cols, values: (0..<(rows * cols)).map { _ in Float.random(in: -1..<1, using: &generator) })
}
