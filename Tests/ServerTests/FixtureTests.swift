import Core
import Foundation
import Testing
@testable import Server

/// Exact descent against the fixtures computed independently in float64 by numpy
/// (`Fixtures/make_fixtures.py`), to 1e-5.
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
        #expect(maxDifference(result.states.values, states.values) <= 1e-5)
        #expect(maxDifference(result.energies.values, energies.values) <= 1e-5)
        let nearest = try model.nearest(to: result.states).map { Float($0.index) }
        let nearestExpected = try Fixtures.array("\(energy)_nearest").values
        #expect(nearest == nearestExpected)
    }

    func maxDifference(_ a: [Float], _ b: [Float]) -> Float {
        precondition(a.count == b.count)
        return zip(a, b).map { abs($0 - $1) }.max() ?? 0
    }
}
