import Core
import Foundation
import Testing
@testable import Store

/// The `transform` of a drdam store's features (dense or structured): its coding in the configuration
/// (log records, the API) and in snapshot metadata, where its absence means dense; its validation;
/// and what a structured store counts against `--max-feature-entries`.
@Suite struct FeatureTransformTests {
    static func structured(dim: Int, features: Int) -> StoreConfiguration {
        StoreConfiguration(dim: dim, beta: 60, kind: .drdam(FeatureSettings(kernel: .sincos, features: features, seed: 4, eps: 1e-10, orthogonal: false,
                                                                            transform: .structured)))
    }

    static func sortedJSON(_ c: StoreConfiguration) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(c), as: UTF8.self)
    }

    /// A structured configuration keeps `transform` through JSON; one without it (every record and
    /// API answer written before) is dense, and a dense one is written without it, as it always was.
    @Test func configurationCoding() throws {
        let structured = #"{"beta":60,"dim":12288,"energy":"lse","eps":1e-10,"features":180000,"kernel":"sincos","kind":"drdam","orthogonal":false,"seed":4,"transform":"structured"}"#
        let decoded = try JSONDecoder().decode(StoreConfiguration.self, from: Data(structured.utf8))
        #expect(decoded == Self.structured(dim: 12_288, features: 180_000))
        #expect(try Self.sortedJSON(decoded) == structured)

        let old = #"{"beta":60,"dim":12288,"energy":"lse","eps":1e-10,"features":180000,"kernel":"sincos","kind":"drdam","orthogonal":false,"seed":4}"#
        let dense = try JSONDecoder().decode(StoreConfiguration.self, from: Data(old.utf8))
        #expect(dense.drdam?.transform == .dense)
        #expect(try Self.sortedJSON(dense) == old)
        let explicit = old.replacingOccurrences(of: #""seed":4}"#, with: #""seed":4,"transform":"dense"}"#)
        #expect(try JSONDecoder().decode(StoreConfiguration.self, from: Data(explicit.utf8)) == dense)

        let unknown = old.replacingOccurrences(of: #""seed":4}"#, with: #""seed":4,"transform":"sideways"}"#)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(StoreConfiguration.self, from: Data(unknown.utf8)) }
    }

    /// Snapshot metadata: the configuration reads back as written; a dense store's metadata has no
    /// `transform` (what older snapshots hold, and read as dense); a value that is not a transform, or
    /// structured features asked to be orthogonal, is not a valid snapshot.
    @Test func snapshotMetadata() throws {
        func read(_ metadata: [String: String]) throws -> StoreConfiguration {
            try StoreSnapshot.configuration(metadata) { key in
                guard let value = metadata[key] else { throw LogFormatError("no \(key)") }
                return value
            }
        }
        let structured = Self.structured(dim: 5, features: 9)
        let written = StoreSnapshot.metadata(of: structured)
        #expect(written["transform"] == "structured")
        #expect(try read(written) == structured)

        var dense = structured
        dense.kind = .drdam(FeatureSettings(kernel: .exp, features: 9, seed: 4, eps: 0, orthogonal: true))
        #expect(StoreSnapshot.metadata(of: dense)["transform"] == nil)
        #expect(try read(StoreSnapshot.metadata(of: dense)) == dense)

        #expect(throws: LogFormatError.self) { try read(written.merging(["transform": "sideways"]) { $1 }) }
        #expect(throws: LogFormatError.self) { try read(written.merging(["orthogonal": "true"]) { $1 }) }
    }

    @Test func requestsAreValidated() throws {
        #expect(throws: StoreError.invalid("'transform' applies to drdam stores only")) {
            try RequestedConfiguration(kind: .mrdam, dim: 3, beta: 1, transform: .dense).resolved()
        }
        #expect(throws: StoreError.invalid("orthogonal applies to dense features; structured features are orthogonal within each block by construction")) {
            try RequestedConfiguration(kind: .drdam, dim: 3, beta: 1, orthogonal: true, transform: .structured).resolved()
        }
        let structured = try RequestedConfiguration(kind: .drdam, dim: 3, beta: 1, seed: 2, orthogonal: false, transform: .structured).resolved()
        #expect(structured.drdam?.transform == .structured)
        #expect(try RequestedConfiguration(kind: .drdam, dim: 3, beta: 1, orthogonal: true).resolved().drdam?.transform == .dense)
        #expect(structured.isSatisfied(by: RequestedConfiguration(kind: .drdam, dim: 3, beta: 1, transform: .structured)))
        #expect(!structured.isSatisfied(by: RequestedConfiguration(kind: .drdam, dim: 3, beta: 1)))
    }

    /// Structured features count 4·P·⌈Y/P⌉, P the power of two ≥ D (worked by hand here; −1: nil,
    /// 4·2⁶² is beyond Int).
    @Test(arguments: [
        (1, 5, 20), (2, 3, 16), (5, 9, 64), (8, 8, 32), (8, 9, 64), (16, 16, 64), (17, 1, 128),
        (12_288, 180_000, 720_896), (1 << 60, 1, 1 << 62), (1 << 62, 1, -1),
    ])
    func structuredEntries(dim: Int, features: Int, expected: Int) {
        let settings = Self.structured(dim: dim, features: features).drdam!
        #expect(settings.transformEntries(dim: dim) == (expected < 0 ? nil : expected))
    }

    /// Dense features count Y·D; either count is nil, not a trap, when it or P is beyond Int, and for
    /// sizes that are not positive.
    @Test func entriesNeverOverflow() {
        let dense = FeatureSettings(kernel: .sincos, features: Int.max, seed: 1, eps: 0, orthogonal: false)
        #expect(dense.transformEntries(dim: 1) == Int.max)
        #expect(dense.transformEntries(dim: 2) == nil)
        #expect(FeatureSettings(kernel: .cos, features: 1 << 31, seed: 1, eps: 0, orthogonal: false).transformEntries(dim: 1 << 32) == nil)
        for (dim, features) in [(Int.max, 1), ((1 << 62) + 1, 1), (1 << 61, Int.max), (1 << 30, Int.max), (3, Int.max), (0, 1), (1, 0), (-4, 3)] {
            #expect(Self.structured(dim: 1, features: features).drdam!.transformEntries(dim: dim) == nil, "dim \(dim), features \(features)")
        }
    }

    /// The paper's PINF setting (D = 12 288, Y = 180 000): structured passes the default limits with
    /// its 11 blocks of 16 384 (720 896 numbers, 7.9 MB with b and T); dense, 2.2·10⁹ entries of Ω, is
    /// refused. Limits over absurd sizes refuse rather than trap.
    @Test func paperScaleLimits() throws {
        let structured = try RequestedConfiguration(kind: .drdam, dim: 12_288, beta: 60, features: 180_000, seed: 1, transform: .structured).resolved()
        try Limits().check(structured)
        #expect(Limits.bytes(of: structured) == 4 * 720_896 + 4 * 180_000 + 12 * 2 * 180_000)
        #expect(throws: StoreError.invalid("features × dim = 180000 × 12288 is over the limit of 67108864 entries of Ω")) {
            try Limits().check(RequestedConfiguration(kind: .drdam, dim: 12_288, beta: 60, features: 180_000, seed: 1).resolved())
        }
        var limits = Limits()
        limits.maxFeatureEntries = 720_895
        #expect(throws: StoreError.self) { try limits.check(structured) }
        limits.maxFeatureEntries = 720_896
        try limits.check(structured)

        limits.maxDim = Int.max
        limits.maxFeatures = Int.max
        for c in [Self.structured(dim: Int.max, features: 2), Self.structured(dim: 1 << 40, features: Int.max)] {
            #expect { try limits.check(c) } throws: { "\($0)".contains("structured features") && "\($0)".contains("over the limit") }
        }
    }
}
