import Core
import Testing
import TestSupport

/// Structured (SORF) features against `Fixtures/make_sorf_fixtures.py`: numpy and scipy.linalg.hadamard form
/// each block's matrix in float64 from a Python Philox, independently of the engine's fast transforms. At
/// D = 20, 64 and 100 (P = 32, 64, 128; Y = 100, 150, 300, two of them ending in a partial block): the rows of
/// Ω and the phases, then the energy and gradient of every map and energy at three states.
@Suite struct StructuredFixtureTests {
    static let sizes = [(20, 100), (64, 150), (100, 300)]

    /// The script's SEED (the fixtures' Float values cannot hold it).
    static let seed: UInt64 = 0x5EED_0019_0000_002A

    static func features(dim: Int, count: Int, kind: KernelKind) throws -> RandomFeatures {
        let beta = try Fixtures.array("sorf_parameters").values[0]
        return try RandomFeatures(kind: kind, dim: dim, count: count, beta: beta, seed: seed, transform: .structured)
    }

    @Test(arguments: sizes)
    func omegaAndPhasesMatchNumpy(dim: Int, count: Int) throws {
        let features = try Self.features(dim: dim, count: count, kind: .sincos)
        let projection = try #require(features.projection as? StructuredProjection)
        let omega = try Fixtures.array("sorf_\(dim)_omega"), bias = try Fixtures.array("sorf_\(dim)_bias")
        #expect(omega.shape == [count, dim])
        let rows = projection.materialise(rows: 0..<count)
        // Entries are O(1); three float transforms of P terms round to a few 1e-7.
        #expect(approximatelyEqual(rows, omega.values, absolute: 2e-5), "\(maxDifference(rows, omega.values))")
        #expect(features.bias == bias.values)
        #expect(features.omega.isEmpty && features.storedFloats == 4 * projection.order * ((count + projection.order - 1) / projection.order) + count)
    }

    @Test(arguments: sizes, KernelKind.allCases)
    func energiesAndGradientsMatchNumpy(size: (Int, Int), kind: KernelKind) throws {
        let (dim, count) = size
        let memories = try Fixtures.array("sorf_\(dim)_memories"), states = try Fixtures.array("sorf_\(dim)_states")
        for energy in EnergyFunction.allCases {
            var model = try DistributedMemory(features: Self.features(dim: dim, count: count, kind: kind), energy: energy, eps: 1e-10)
            try model.add(Matrix(rows: memories.shape[0], cols: dim, values: memories.values))
            let (energies, gradients) = try model.energiesAndGradients(Matrix(rows: states.shape[0], cols: dim, values: states.values))
            let expectedEnergies = try Fixtures.array("sorf_\(dim)_\(kind)_\(energy)_energies").values
            let expectedGradients = try Fixtures.array("sorf_\(dim)_\(kind)_\(energy)_gradients").values
            #expect(expectedGradients.contains { abs($0) > 0.01 }, "the reference gradient must not vanish")
            #expect(approximatelyEqual(energies, expectedEnergies, absolute: 1e-4, relative: 1e-4),
                    "\(kind) \(energy): energies differ by \(maxDifference(energies, expectedEnergies))")
            #expect(approximatelyEqual(gradients.values, expectedGradients, absolute: 1e-4, relative: 1e-4),
                    "\(kind) \(energy): gradients differ by \(maxDifference(gradients.values, expectedGradients))")
        }
    }
}
