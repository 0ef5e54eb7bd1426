import Core
import Foundation
import Testing
import TestSupport

/// β calibration against `Fixtures/calibrate_beta.py`, an independent numpy (float64) reimplementation
/// of the paper's search and of its fixed-point criterion.
@Suite struct BetaCalibrationTests {
    /// The numpy oracle's answer for `memories` under `energy`, and whether every memory is a fixed
    /// point at each β of `check`.
    struct Oracle: Decodable {
        let beta: Double
        let steps: Int
        let upper: Bool
        let fixed: [Bool]
    }

    static func oracle(_ memories: Matrix, energy: EnergyFunction, check: [Double] = []) throws -> Oracle {
        let probe = try EngramProcess.run(["python3", "-c", "import numpy"])
        try #require(probe.status == 0, "python3 cannot import numpy: pip install numpy (`make pydeps` does): \(probe.output)")
        let directory = try TemporaryDirectory("calibrate")
        let input = directory.file("request.json")
        let rows = (0..<memories.rows).map { memories.row($0).map(Double.init) }
        try JSONSerialization.data(withJSONObject: ["memories": rows, "energy": energy.rawValue, "check": check]).write(to: input)
        let script = try #require(Bundle.module.url(forResource: "calibrate_beta", withExtension: "py", subdirectory: "Fixtures"))
        let run = try EngramProcess.run(["python3", script.path, input.path])
        try #require(run.status == 0, "\(run.output)")
        return try JSONDecoder().decode(Oracle.self, from: Data(run.stdout.utf8))
    }

    /// Random memories; near-duplicates (0.3 apart, needing a large β); orthogonal ones far apart (a
    /// small β); two pairs of exact duplicates (where lse's softmax differs from sum's weights).
    static let sets: [(String, Matrix)] = [
        ("random", randomMatrix(rows: 12, cols: 16, seed: 19, scale: 0.25)),
        ("near-duplicates", Matrix(rows: 3, cols: 4, values: [1, 0, 0, 0, 0, 1, 0, 0, 1.3, 0, 0, 0])),
        ("orthogonal", Matrix(rows: 4, cols: 6, values: (0..<24).map { $0 % 7 == 0 ? 3 : 0 })),
        // Two pairs of exact duplicates: lse's normaliser is 2 at every memory, halving the
        // neighbours' pull that sum's weights keep, so lse and sum need different β.
        ("duplicates", Matrix(rows: 4, cols: 2, values: [1, 0, 1, 0, 1.3, 0, 1.3, 0])),
    ]

    @Test(arguments: EnergyFunction.allCases) func theSearchFindsNumpysBeta(energy: EnergyFunction) throws {
        for (name, memories) in Self.sets {
            let found = try BetaCalibration.search(memories: memories, energy: energy)
            let below = found.beta - 2 * BetaCalibration.precision
            let oracle = try Self.oracle(memories, energy: energy, check: [found.beta, below])
            #expect(oracle.upper, "\(name): numpy finds no β for these memories")
            #expect(abs(found.beta - oracle.beta) <= BetaCalibration.precision, "\(name) \(energy): \(found.beta) against numpy's \(oracle.beta)")
            #expect(found.steps == oracle.steps, "\(name) \(energy)")
            #expect(oracle.fixed == [true, false], "\(name) \(energy): numpy's criterion at β = \(found.beta) and \(below): \(oracle.fixed)")
        }
    }

    @Test func theSetsSpanTheBracket() throws {
        let betas = try Self.sets.map { try BetaCalibration.search(memories: $0.1, energy: .lse).beta }
        #expect(betas[1] > 100, "near-duplicates need a large β: \(betas)")
        #expect(betas[2] < 10, "orthogonal memories far apart need a small β: \(betas)")
        let sum = try BetaCalibration.search(memories: Self.sets[3].1, energy: .sum).beta
        #expect(sum - betas[3] > 10, "exact duplicates halve lse's pull: \(betas[3]) against sum's \(sum)")
    }

    @Test func memoriesTooCloseForAnyBetaAreRefused() throws {
        let close = Matrix(rows: 2, cols: 2, values: [0, 0, 0.01, 0])
        #expect(try Self.oracle(close, energy: .lse).upper == false)
        #expect(throws: CoreError.self) { try BetaCalibration.search(memories: close, energy: .lse) }
        #expect(throws: CoreError.self) { try BetaCalibration.search(memories: Matrix(rows: 1, cols: 2, values: [.nan, 0]), energy: .lse) }
    }
}
