/// The random features of a DrDAM store: Ω [Y, D] with rows ω_i ~ N(0, I_D) (or block-orthogonal),
/// phases b [Y] ~ U(0, 2π), the inverse temperature β and the feature map, all determined by
/// (`seed`, `dim`, `count`, `orthogonal`, `transform`, `generator`): the same seed gives the same features on every machine, so a
/// snapshot keeps the seed, not Ω. (Block-orthogonal Ω comes from LAPACK's QR, whose blocked kernels
/// may round the last bit of a few entries differently on another CPU; on one machine it is exact.)
///
/// Generation (Philox4x32-10 keyed by the seed; counter (c0, c1, c2, 0)):
/// - Ω[i, j] = Box–Muller normal number j mod 4 of counter (j / 4, i, 0), by `generator`'s log, cos and
///   sin (version 1: Foundation's, `gaussianRows`; version 2: SLEEF's, `normalRows`);
/// - b[i] = 2π · uniform number i mod 4 of counter (i / 4, 0, 1);
/// - orthogonal rows: see `RandomFeatures+Orthogonal.swift` (streams 2 and 3), the same under both
///   generator versions (their Gaussian rows are drawn by version 1 in Double: the QR costs D times more);
/// - structured features (`transform: .structured`) never hold Ω: see `StructuredProjection` (streams 4 to 7;
///   the generator version does not apply to them).
package struct RandomFeatures: Sendable {
    /// The feature map.
    package let kind: KernelKind
    /// The dimension D of the states.
    package let dim: Int
    /// The number Y of random directions (F = multiplicity · Y features).
    package let count: Int
    /// Inverse temperature β > 0.
    package let beta: Float
    /// The generator's seed; nil for features over a given Ω and b (`init(kind:omega:bias:beta:)`).
    package let seed: UInt64?
    /// Whether Ω was generated block-orthogonal.
    package let orthogonal: Bool
    /// How Ω x and Ωᵀ g are computed: Ω held (dense) or structured transforms.
    package let transform: FeatureTransform
    /// How dense Gaussian Ω's entries were computed (version 1 for features over a given Ω; structured
    /// features carry it but do not use it).
    package let generator: FeatureGenerator
    /// The products with Ω (`DenseProjection` or `StructuredProjection`).
    package let projection: any FeatureProjection
    /// The phases b [Y] (zeros for maps without a phase).
    package let bias: [Float]
    let kernel: any FeatureKernel

    /// Generates the features (`generator` is the version new stores get unless given). Throws for
    /// non-positive sizes or β, a dense Y·D that overflows Int, or `orthogonal` with the structured
    /// transform (its rows are orthogonal within a block already). How large a store may be is the
    /// server's limit, checked before this.
    package init(
        kind: KernelKind, dim: Int, count: Int, beta: Float, seed: UInt64, orthogonal: Bool = false,
        transform: FeatureTransform = .dense, generator: FeatureGenerator = .current
    ) throws {
        let philox = Philox(seed: seed)
        switch transform {
        case .dense:
            try Self.validate(dim: dim, count: count, beta: beta)
            let omega = switch (orthogonal, generator) {
            case (true, _): Self.orthogonalRows(philox, rows: 0..<count, dim: dim)
            case (false, .version1): Self.gaussianRows(philox, rows: 0..<count, dim: dim, stream: 0)
            case (false, .version2): Self.normalRows(philox, rows: 0..<count, dim: dim, stream: 0)
            }
            projection = DenseProjection(omega: omega, dim: dim, count: count)
        case .structured:
            guard !orthogonal else { throw CoreError.parameter("orthogonal is for dense features; structured rows are orthogonal by construction") }
            try Self.validate(beta: beta)
            projection = try StructuredProjection(seed: seed, dim: dim, count: count)
        }
        self.kind = kind
        self.dim = dim
        self.count = count
        self.beta = beta
        self.seed = seed
        self.orthogonal = orthogonal
        self.transform = transform
        self.generator = generator
        self.kernel = kind.kernel
        bias = kernel.usesBias ? Self.phases(philox, count: count) : [Float](repeating: 0, count: count)
    }

    /// Checks the sizes and β of features before anything is generated: D and Y positive, the bytes of
    /// Ω (4·Y·D) within Int, β positive and finite. How many entries a store may generate is the
    /// server's limit (`--max-feature-entries`), not Core's.
    package static func validate(dim: Int, count: Int, beta: Float) throws {
        guard dim > 0 else { throw CoreError.parameter("dim must be positive, got \(dim)") }
        guard count > 0 else { throw CoreError.parameter("features must be positive, got \(count)") }
        try validate(beta: beta)
        let (entries, overflow) = count.multipliedReportingOverflow(by: dim)
        guard !overflow, !entries.multipliedReportingOverflow(by: 4).overflow else {
            throw CoreError.parameter("features × dim = \(count) × \(dim) entries of Ω do not fit in memory")
        }
    }

    /// Checks β: positive and finite.
    static func validate(beta: Float) throws {
        guard beta.isFinite, beta > 0 else { throw CoreError.parameter("beta must be a positive finite number, got \(beta)") }
    }

    /// Ω [Y, D] row-major for dense features; empty for structured ones, which never hold Ω
    /// (`StructuredProjection.materialise(rows:)` computes rows of it).
    package var omega: [Float] { (projection as? DenseProjection)?.omega ?? [] }

    /// The floats the features hold: Ω or the structured blocks, and b.
    package var storedFloats: Int { projection.storedFloats + bias.count }

    /// F, the length of φ(x) and of T.
    package var featureCount: Int { kernel.multiplicity * count }

    /// Rows `rows` of a matrix of standard normals [rows.count, dim] from one Philox stream, by
    /// generator version 1, each normal rounded once from Double to Float (Ω is made in Float: no
    /// Double copy of it is held).
    package static func gaussianRows(_ generator: Philox, rows: Range<Int>, dim: Int, stream: UInt32) -> [Float] {
        gaussianRows(generator, rows: rows, dim: dim, stream: stream, as: Float.self)
    }

    /// As `gaussianRows`, in Double.
    static func gaussianRowsDouble(_ generator: Philox, rows: Range<Int>, dim: Int, stream: UInt32) -> [Double] {
        gaussianRows(generator, rows: rows, dim: dim, stream: stream, as: Double.self)
    }

    private static func gaussianRows<T: BinaryFloatingPoint>(_ generator: Philox, rows: Range<Int>, dim: Int, stream: UInt32, as _: T.Type) -> [T] {
        var out = [T](repeating: 0, count: rows.count * dim)
        for (r, i) in rows.enumerated() {
            for block in stride(from: 0, to: dim, by: 4) {
                let z = generator.normals((UInt32(block / 4), UInt32(i), stream, 0))
                for lane in 0..<Swift.min(4, dim - block) { out[r * dim + block + lane] = T(z[lane]) }
            }
        }
        return out
    }

    /// The phases b [count], uniform in (0, 2π).
    static func phases(_ generator: Philox, count: Int) -> [Float] {
        (0..<count).map { i in
            Float(2 * Double.pi * generator.uniforms((UInt32(i / 4), 0, 1, 0))[i % 4])
        }
    }

    /// Writes the pre-activations H = √β X Ωᵀ [rows, Y] for X [rows, D] (the kernels add the phases), on
    /// up to `threads` threads; `scratch` holds `projection.scratchCount` floats.
    func preactivations(_ x: UnsafePointer<Float>, rows: Int, into h: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>,
                        threads: Int = 1) {
        projection.project(x, rows: rows, alpha: beta.squareRoot(), into: h, ldh: count, scratch: scratch, threads: threads)
    }

    /// φ(x_b) for each row of X [B, D]: a matrix [B, F].
    package func features(of points: Matrix) throws -> Matrix {
        guard points.cols == dim else { throw CoreError.shape("points have dimension \(points.cols), the features have dimension \(dim)") }
        guard points.isFinite else { throw CoreError.nonFinite("points contain NaN or infinity") }
        var phi = Matrix(rows: points.rows, cols: featureCount)
        points.values.withUnsafeBufferPointer { x in
            phi.values.withUnsafeMutableBufferPointer { out in
                forEachFeatureRow(x.baseAddress!, rows: points.rows) { r, row in
                    (out.baseAddress! + r * featureCount).update(from: row, count: featureCount)
                }
            }
        }
        return phi
    }

    /// Computes φ(x_r) for the rows of X [rows, D] in chunks and hands each to `body(r, φ [F])`.
    func forEachFeatureRow(_ x: UnsafePointer<Float>, rows: Int, _ body: (Int, UnsafePointer<Float>) -> Void) {
        let chunk = Swift.min(rows, 256), y = count
        let h = ScratchBuffer(count: chunk * y), phi = ScratchBuffer(count: featureCount), scratch = ScratchBuffer(count: 2 * y)
        let projectionScratch = ScratchBuffer(count: projection.scratchCount)
        for start in stride(from: 0, to: rows, by: chunk) {
            let n = Swift.min(chunk, rows - start)
            preactivations(x + start * dim, rows: n, into: h.pointer, scratch: projectionScratch.pointer)
            bias.withUnsafeBufferPointer { b in
                for r in 0..<n {
                    let xr = x + (start + r) * dim
                    let q = beta * BLAS.dot(dim, xr, xr)
                    kernel.features(h: h.pointer + r * y, bias: b.baseAddress!, y: y, betaSquaredNorm: q, phi: phi.pointer, scratch: scratch.pointer)
                    body(start + r, phi.pointer)
                }
            }
        }
    }
}
