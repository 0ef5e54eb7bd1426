/// The feature maps a DrDAM store can use (DESIGN.md, "Random features").
public enum KernelKind: String, Sendable, CaseIterable, Codable {
    case sincos
    case cos
    case exp
    case expexp

    /// The map's implementation.
    public var kernel: any FeatureKernel {
        switch self {
        case .sincos: SinCosKernel()
        case .cos: CosKernel()
        case .exp: ExpKernel()
        case .expexp: ExpExpKernel()
        }
    }

    /// The default ε of the lse clip: 1e-10 for the trigonometric maps, 0 for the positive ones.
    public var defaultEps: Float {
        switch self {
        case .sincos, .cos: 1e-10
        case .exp, .expexp: 0
        }
    }
}
