extension RandomFeatures {
    /// Features over a given Ω [Y, D] (`omega`, row-major) and phases b [Y] rather than generated ones:
    /// for references computed elsewhere (numpy's generator) that must use exactly the same features.
    /// Such features have no `seed`, are not `orthogonal` (and say generator version 1); `bias` is kept only for maps that use a
    /// phase (zeros otherwise, as for generated features). Throws for shapes that do not fit, entries
    /// that are not finite, or the sizes and β that `validate` refuses.
    package init(kind: KernelKind, omega: Matrix, bias: [Float], beta: Float) throws {
        try Self.validate(dim: omega.cols, count: omega.rows, beta: beta)
        guard bias.count == omega.rows else {
            throw CoreError.shape("b has \(bias.count) entries, Ω has \(omega.rows) rows")
        }
        guard omega.isFinite, bias.allSatisfy(\.isFinite) else { throw CoreError.nonFinite("Ω or b contains NaN or infinity") }
        self.kind = kind
        self.dim = omega.cols
        self.count = omega.rows
        self.beta = beta
        self.seed = nil
        self.orthogonal = false
        self.transform = .dense
        self.generator = .version1
        self.kernel = kind.kernel
        self.projection = DenseProjection(omega: omega.values, dim: omega.cols, count: omega.rows)
        self.bias = kernel.usesBias ? bias : [Float](repeating: 0, count: count)
    }
}
