/// The feature maps a DrDAM store can use (docs/mathematics.md, "Random features").
package enum KernelKind: String, Sendable, CaseIterable, Codable {
    case sincos
    case cos
    case exp
    case expexp

    /// The map's implementation.
    var kernel: any FeatureKernel {
        switch self {
        case .sincos: SinCosKernel()
        case .cos: CosKernel()
        case .exp: ExpKernel()
        case .expexp: ExpExpKernel()
        }
    }

    /// F / Y: 2 for the maps that stack two blocks (`sincos`, `expexp`), 1 for the others.
    package var multiplicity: Int { kernel.multiplicity }

    /// The default ε of the lse clip: 1e-10 for the trigonometric maps, 0 for the positive ones.
    package var defaultEps: Float {
        switch self {
        case .sincos, .cos: 1e-10
        case .exp, .expexp: 0
        }
    }
}
