import Core
import Foundation
import Testing
import TestSupport
@testable import Server

/// Descent against fixtures computed independently in float64 by numpy: exact (MrDAM) descent
/// (`Fixtures/make_fixtures.py`) to 1e-5, distributed (DrDAM) descent (`Fixtures/make_drdam_fixtures.py`)
/// to 1e-4.
@Suite struct FixtureTests {
    @Test(arguments: EnergyFunction.allCases)
    func exactDescentMatchesNumpy(energy: EnergyFunction) throws {
        let parameters = try Fixtures.array("parameters").values
        let (beta, alpha, depth) = (parameters[0], parameters[1], Int(parameters[2]))
        let memories = try Fixtures.array("memories"), queries = try Fixtures.array("queries"), clamp = try Fixtures.array("clamp")
        let model = try ExactMemory(memories: Matrix(rows: 12, cols: 8, values: memories.values), beta: beta, energy: energy)
        let result = try Descent.run(
            model, queries: Matrix(rows: 5, cols: 8, values: queries.values),
            parameters: DescentParameters(alpha: alpha, depth: depth), clamp: .perQuery(clamp.values.map { $0 == 1 }))
        let states = try Fixtures.array("\(energy)_states"), energies = try Fixtures.array("\(energy)_energies")
        #expect(energies.shape == [5, depth])
        #expect(approximatelyEqual(result.states.values, states.values, absolute: 1e-5), "\(maxDifference(result.states.values, states.values))")
        #expect(approximatelyEqual(result.energies.values, energies.values, absolute: 1e-5), "\(maxDifference(result.energies.values, energies.values))")
        let nearest = try model.nearest(to: result.states).map { Float($0.index) }
        let nearestExpected = try Fixtures.array("\(energy)_nearest").values
        #expect(nearest == nearestExpected)
    }

    /// DrDAM descent for every map and energy over numpy's Ω [Y, D] and b [Y] (read from the fixtures, so
    /// both sides use the same features), against numpy's float64 descent from the same memories, queries
    /// and per-query clamp. The states must have moved from the queries by far more than the tolerance.
    @Test(arguments: KernelKind.allCases, EnergyFunction.allCases)
    func distributedDescentMatchesNumpy(kind: KernelKind, energy: EnergyFunction) throws {
        let parameters = try Fixtures.array("drdam_parameters").values
        let (beta, alpha, depth, eps) = (parameters[0], parameters[1], Int(parameters[2]), parameters[3])
        let omega = try Fixtures.array("drdam_omega"), bias = try Fixtures.array("drdam_bias")
        let memories = try Fixtures.array("drdam_memories"), queries = try Fixtures.array("drdam_queries")
        let clamp = try Fixtures.array("drdam_clamp")
        let features = try RandomFeatures(
            kind: kind, omega: Matrix(rows: omega.shape[0], cols: omega.shape[1], values: omega.values), bias: bias.values, beta: beta)
        var model = try DistributedMemory(features: features, energy: energy, eps: eps)
        try model.add(Matrix(rows: memories.shape[0], cols: memories.shape[1], values: memories.values))
        let start = Matrix(rows: queries.shape[0], cols: queries.shape[1], values: queries.values)
        let result = try Descent.run(
            model, queries: start, parameters: DescentParameters(alpha: alpha, depth: depth), clamp: .perQuery(clamp.values.map { $0 == 1 }))
        let states = try Fixtures.array("drdam_\(kind)_\(energy)_states"), energies = try Fixtures.array("drdam_\(kind)_\(energy)_energies")
        #expect(states.shape == [start.rows, start.cols] && energies.shape == [start.rows, depth])
        #expect(maxDifference(states.values, start.values) > 0.1, "the reference descent must move, or the comparison proves nothing")
        #expect(approximatelyEqual(result.states.values, states.values, absolute: 1e-4), "\(maxDifference(result.states.values, states.values))")
        // Energies to 1e-4, relative where |E| > 1 (the sum energies of the exp maps reach 4).
        #expect(approximatelyEqual(result.energies.values, energies.values, absolute: 1e-4, relative: 1e-4),
                "energies differ by up to \(maxDifference(result.energies.values, energies.values))")
    }
}
