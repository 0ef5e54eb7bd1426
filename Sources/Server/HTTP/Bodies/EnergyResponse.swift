import Hummingbird
/// The energies [B] at the points and, when asked, the gradients [B][dim].
struct EnergyResponse: ResponseEncodable {
    var energies: [Float]
    var gradients: [[Float]]?
    /// The store version evaluated.
    var version: UInt64
}
