/// One query's recall.
struct RecallResult: Encodable {
    /// The final state [dim].
    var state: [Float]
    /// The energy trace E(x⁽⁰⁾) … E(x⁽ˢᵗᵉᵖˢ⁻¹⁾) [steps], when asked for.
    var energies: [Float]?
    /// Steps taken: depth, or fewer after an early stop.
    var steps: Int
    /// The energy of the final state.
    var energy: Float
    /// mrdam: the memory nearest to the final state.
    var nearest: NearestBody?
}
