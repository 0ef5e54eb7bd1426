import Core
import Foundation
import Testing
import TestSupport
@testable import Store

/// Dense Ω's generator version (`generator`): stores made before version 2 keep version 1 and its Ω
/// through the log and snapshots, new stores record version 2, and nothing else is accepted.
@Suite struct GeneratorVersionTests {
    /// The dense Ω of a decoded drdam snapshot.
    func omega(of bytes: Data) throws -> (FeatureGenerator?, [Float]) {
        let state = try StoreSnapshot.decode(bytes).state
        guard case .distributed(let memory) = state.model else { throw StoreError.invalid("not drdam") }
        return (state.configuration.drdam?.generator, memory.features.omega)
    }

    /// A snapshot without `generator` (all written before version 2) loads as version 1 and regenerates
    /// version 1's Ω (the Swift reference, whose bits NormalRowsTests pins); one saying 2 gets version 2's.
    @Test func snapshotsKeepTheirVersion() throws {
        let old = try omega(of: HandMadeSnapshot.drdam(dim: 5, features: 8))
        #expect(old.0 == .version1)
        #expect(old.1.bitPatterns == RandomFeatures.gaussianRows(Philox(seed: 7), rows: 0..<8, dim: 5, stream: 0).bitPatterns)
        let new = try omega(of: HandMadeSnapshot.drdam(dim: 5, features: 8, generator: "2"))
        #expect(new.0 == .version2)
        #expect(new.1.bitPatterns == RandomFeatures.normalRows(Philox(seed: 7), rows: 0..<8, dim: 5, stream: 0).bitPatterns)
        #expect(try omega(of: HandMadeSnapshot.drdam(dim: 5, features: 8, generator: "1")).0 == .version1)
    }

    /// A snapshot naming any other version is refused, as an upload (422) and changes nothing.
    @Test(arguments: ["0", "3", "-1", "two", "", "18446744073709551617"])
    func otherVersionsAreRefused(generator: String) async throws {
        let bytes = try HandMadeSnapshot.drdam(dim: 3, features: 8, generator: generator)
        #expect(throws: LogFormatError.self) { try StoreSnapshot.decode(bytes) }
        let registry = try CrashWorkload.open(SimulatedFileSystem()).registry
        await #expect(throws: StoreError.self) { try await registry.replace(name: "h", snapshot: bytes) }
        #expect(registry.all.isEmpty)
    }

    /// A new drdam store gets version 2; its configuration says so (the API's and the log's JSON), and
    /// a snapshot of it keeps it.
    @Test func newStoresRecordVersion2() async throws {
        let configuration = try RequestedConfiguration(kind: .drdam, dim: 4, beta: 1, features: 8, seed: 3).resolved()
        #expect(configuration.drdam?.generator == .version2)
        let json = String(decoding: try JSONEncoder().encode(configuration), as: UTF8.self)
        #expect(json.contains(#""generator":2"#), "\(json)")
        #expect(try JSONDecoder().decode(StoreConfiguration.self, from: Data(json.utf8)) == configuration)

        let (registry, _) = try CrashWorkload.open(SimulatedFileSystem())
        let store = try await registry.create(name: "n", configuration: RequestedConfiguration(kind: .drdam, dim: 4, beta: 1, features: 8, seed: 3)).store
        let files = SimulatedFileSystem()
        _ = try StoreSnapshot.write(store.state, name: "n", created: Date(timeIntervalSince1970: 0), to: "/n.safetensors", on: files)
        let (generator, omega) = try omega(of: files.read("/n.safetensors"))
        #expect(generator == .version2)
        #expect(omega.bitPatterns == RandomFeatures.normalRows(Philox(seed: 3), rows: 0..<8, dim: 4, stream: 0).bitPatterns)
    }

    /// A log record (or API configuration) without `generator` is version 1; one with it keeps it; any
    /// other value does not decode.
    @Test func logRecordsWithoutTheFieldAreVersion1() throws {
        let fields = #""kind":"drdam","dim":2,"beta":1.5,"energy":"sum","kernel":"exp","features":8,"seed":5,"eps":0,"orthogonal":false"#
        let decode = { (extra: String) in try JSONDecoder().decode(StoreConfiguration.self, from: Data("{\(fields)\(extra)}".utf8)) }
        #expect(try decode("").drdam?.generator == .version1)
        #expect(try decode(#","generator":2"#).drdam?.generator == .version2)
        #expect(throws: DecodingError.self) { try decode(#","generator":3"#) }
        // Version 1 encodes without the field: an old store's record keeps its bytes.
        #expect(!String(decoding: try JSONEncoder().encode(try decode("")), as: UTF8.self).contains("generator"))
    }

    /// The version is not a creation field: an mrdam store refuses it, and a request that leaves it
    /// out is satisfied by a store of either version (the same request again answers 200, not 409).
    @Test func theVersionIsNotAskedFor() throws {
        #expect(throws: StoreError.self) { try RequestedConfiguration(kind: .mrdam, dim: 2, beta: 1, generator: .version2).resolved() }
        let request = RequestedConfiguration(kind: .drdam, dim: 2, beta: 1, features: 8, seed: 5)
        var old = try request.resolved()
        if case .drdam(var settings) = old.kind {
            settings.generator = .version1
            old.kind = .drdam(settings)
        }
        let new = try request.resolved()
        #expect(old.isSatisfied(by: request) && new.isSatisfied(by: request))
    }
}
