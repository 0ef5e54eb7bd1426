/// The two products of DrDAM's random projection Ω [Y, D], however Ω is represented: the
/// pre-activations H = α X Ωᵀ [rows, Y] and the back-projection G = P Ω [rows, D] (Ωᵀ p per row).
/// `DenseProjection` holds Ω; `StructuredProjection` computes them by fast Walsh–Hadamard transforms
/// without ever storing Ω.
package protocol FeatureProjection: Sendable {
    /// D, the columns of Ω.
    var dim: Int { get }
    /// Y, the rows of Ω.
    var count: Int { get }
    /// The floats the projection holds (what a store's limits count).
    var storedFloats: Int { get }
    /// The scratch floats one call of `project` or `backProject` needs.
    var scratchCount: Int { get }

    /// H [rows, Y] (row stride `ldh`) = α X Ωᵀ for X [rows, D], on up to `threads` threads (the same
    /// bits for any number).
    func project(_ x: UnsafePointer<Float>, rows: Int, alpha: Float, into h: UnsafeMutablePointer<Float>, ldh: Int,
                 scratch: UnsafeMutablePointer<Float>, threads: Int)

    /// G [rows, D] = P Ω for P [rows, Y] (row stride `ldp`), on up to `threads` threads (the same bits
    /// for any number).
    func backProject(_ p: UnsafePointer<Float>, rows: Int, ldp: Int, into g: UnsafeMutablePointer<Float>,
                     scratch: UnsafeMutablePointer<Float>, threads: Int)
}
