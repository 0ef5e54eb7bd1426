/// A request the mathematics cannot carry out, with a message a person can act on.
package enum CoreError: Error, Equatable, CustomStringConvertible {
    /// Arrays whose shapes do not fit together, e.g. queries of dimension 3 for a store of dimension 4.
    case shape(String)
    /// A parameter outside its domain, e.g. a non-positive beta.
    case parameter(String)
    /// NaN or infinity where finite numbers are required.
    case nonFinite(String)

    package var description: String {
        switch self {
        case .shape(let message), .parameter(let message), .nonFinite(let message): message
        }
    }
}
