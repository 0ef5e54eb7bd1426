/// How the similarities to the memories combine into an energy (docs/mathematics.md).
///
/// With similarity s(x) = Σ_μ exp(−β‖x − ξ_μ‖²/2) (exact, or approximated by random features):
/// - `lse`: E(x) = −(1/β) log s(x), the log-sum-exp energy (default);
/// - `sum`: E(x) = −(1/β) s(x).
package enum EnergyFunction: String, Sendable, CaseIterable, Codable {
    case lse
    case sum
}
