/// How dense Ω's Gaussian entries are computed from the Philox words (docs/mathematics.md, "Random
/// features"). The Philox counters, the uniforms and the Box–Muller formula are the same in both; the
/// versions differ in the log, cos and sin that evaluate it, so in the last bit of rare entries. A
/// store keeps the version it was made with (configuration key `generator`, absent = version 1).
package enum FeatureGenerator: Int, Sendable, CaseIterable, Codable {
    /// Version 1, stores made before version 2: Swift, one entry at a time, Foundation's log, cos and
    /// sin in Double (about 69 ns an entry).
    case version1 = 1
    /// Version 2, new stores: `engram_normal_rows`, vectorised C with SLEEF's deterministic 1.0-ulp
    /// log and sincos in Double, in blocks of rows on every core; the same bits on every vector width,
    /// thread count and machine.
    case version2 = 2

    /// The version new stores get.
    package static let current = FeatureGenerator.version2
}
