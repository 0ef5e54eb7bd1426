/// A random feature map φ : R^D → R^F with ⟨φ(x), φ(y)⟩ ≈ exp(−β‖x − y‖²/2), expressed through the
/// pre-activations h = √β Ω x [Y], the random phases b [Y] (for maps that use them) and q = β‖x‖².
///
/// Every map here has a Jacobian of the form J_φ(x)ᵀ T = √β Ωᵀ g + c x for a vector g [Y] and a scalar
/// c that depend only on h, q and T, so one product (`RowProducts.combine`) back-projects g for a whole batch. Adding a kernel is
/// one new file conforming to this protocol, plus its case in `KernelKind`.
protocol FeatureKernel: Sendable {
    /// F / Y: 2 for maps that stack two blocks ([cos; sin], [exp(+h); exp(−h)]), 1 otherwise.
    var multiplicity: Int { get }

    /// Whether the map uses the random phases b ~ U(0, 2π).
    var usesBias: Bool { get }

    /// Writes φ(x) [multiplicity · y] to `phi`, given h [y], b [y] and q = β‖x‖². `scratch` holds 2·y floats.
    func features(h: UnsafePointer<Float>, bias: UnsafePointer<Float>, y: Int, betaSquaredNorm q: Float,
                  phi: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>)

    /// Returns s = ⟨φ(x), T⟩ and the coefficient c, and overwrites h [y] with g, so that
    /// J_φ(x)ᵀ T = √β Ωᵀ g + c x. T has multiplicity · y entries; `scratch` holds 2·y floats.
    func contract(h: UnsafeMutablePointer<Float>, bias: UnsafePointer<Float>, y: Int, betaSquaredNorm q: Float, beta: Float,
                  t: UnsafePointer<Float>, scratch: UnsafeMutablePointer<Float>) -> (s: Float, c: Float)
}
