import Core
import Formats
import Foundation
import Testing
import TestSupport
@testable import Server

/// `engram recall` end to end: the built binary on temporary files.
@Suite struct RecallCommandTests {
    /// The files of one test, removed with it.
    let directory: TemporaryDirectory
    let memories = Matrix(rows: 6, cols: 4, values: (0..<24).map { Float(($0 * 37) % 11) / 5 - 1 })
    let queries = Matrix(rows: 3, cols: 4, values: (0..<12).map { Float(($0 * 13) % 7) / 4 - 0.8 })

    init() throws {
        directory = try TemporaryDirectory("recall")
        try write("memories.npy", NPYBytes.f4(memories.values, shape: [6, 4]))
        try write("queries.npy", NPYBytes.f4(queries.values, shape: [3, 4]))
    }

    func path(_ name: String) -> String { directory.file(name).path }
    func write(_ name: String, _ data: Data) throws { try data.write(to: directory.file(name)) }
    func read(_ name: String) throws -> NPYArray { try NPYArray(npy: Data(contentsOf: directory.file(name))) }

    @Test func mrdamWritesStatesEnergiesAndNearest() throws {
        try write("clamp.npy", NPYBytes.f4([1, 0, 0, 0], shape: [4]))
        let run = try EngramProcess.engram(["recall", "--memories", path("memories.npy"), "--queries", path("queries.npy"), "--out", path("out"),
                                  "--beta", "2", "--alpha", "0.2", "--depth", "25", "--clamp", path("clamp.npy")])
        #expect(run.status == 0, "stderr: \(run.stderr)")
        let model = try ExactMemory(memories: memories, beta: 2)
        let expected = try Descent.run(model, queries: queries, parameters: DescentParameters(alpha: 0.2, depth: 25), clamp: .shared([true, false, false, false]))
        let states = try read("out/states.npy"), energies = try read("out/energies.npy"), nearest = try read("out/nearest.npy")
        #expect(states.shape == [3, 4] && states.dtype == "<f4")
        #expect(approximatelyEqual(states.values, expected.states.values, absolute: 1e-6))
        #expect(energies.shape == [3, 25] && approximatelyEqual(energies.values, expected.energies.values, absolute: 1e-6))
        let nearestExpected = try model.nearest(to: expected.states).map { Float($0.index) }
        #expect(nearest.dtype == "<i8" && nearest.values == nearestExpected)
        #expect(try read("out/steps.npy").values == [25, 25, 25])
        #expect((0..<3).allSatisfy { states.values[$0 * 4].bitPattern == queries[$0, 0].bitPattern }, "the clamped entry stays")
    }

    @Test func drdamFromFloat64WithTolerance() throws {
        try write("memories64.npy", NPYBytes.f8(memories.values.map(Double.init), shape: [6, 4]))
        let run = try EngramProcess.engram(["recall", "--kind", "drdam", "--memories", path("memories64.npy"), "--queries", path("queries.npy"),
                                  "--out", path("out"), "--features", "256", "--seed", "5", "--kernel", "cos", "--depth", "300",
                                  "--tolerance", "1e-3", "--energy", "sum", "--beta", "1.5"])
        #expect(run.status == 0, "stderr: \(run.stderr)")
        let features = try RandomFeatures(kind: .cos, dim: 4, count: 256, beta: 1.5, seed: 5)
        var model = try DistributedMemory(features: features, energy: .sum)
        try model.add(memories)
        let expected = try Descent.run(model, queries: queries, parameters: DescentParameters(alpha: 0.1, depth: 300, tolerance: 1e-3))
        let states = try read("out/states.npy"), steps = try read("out/steps.npy")
        #expect(approximatelyEqual(states.values, expected.states.values, absolute: 1e-5))
        #expect(steps.values == expected.steps.map(Float.init))
        #expect(expected.steps.contains { $0 < 300 })
        #expect(!FileManager.default.fileExists(atPath: path("out/nearest.npy")))
    }

    @Test(arguments: [
        (["--memories", "missing.npy"], "cannot read"),
        (["--memories", "notnpy.npy"], "not a .npy file"),
        (["--memories", "vector.npy"], "must be 2-D"),
        (["--memories", "ints.npy"], "must be float32 or float64"),
        (["--queries", "wide.npy"], "queries have dimension 5 but memories have dimension 4"),
        (["--queries", "nan.npy"], "contain NaN or infinity"),
        (["--clamp", "badmask.npy"], "only booleans or 0/1"),
        (["--clamp", "shortmask.npy"], "expected [4] or [3, 4]"),
        (["--beta", "-1"], "beta must be a positive finite number"),
        (["--depth", "0"], "depth must be at least 1"),
        (["--kind", "drdam", "--features", "1099511627776"], "is over the limit of 67108864 entries"),
        (["--kind", "drdam", "--transform", "structured", "--features", "1099511627776"], "the structured feature transform of 1099511627776 features at dim 4 is over the limit"),
    ])
    func refusesBadInputWithOneLine(arguments: [String], message: String) throws {
        try write("notnpy.npy", Data("just text".utf8))
        try write("vector.npy", NPYBytes.f4([1, 2, 3, 4], shape: [4]))
        try write("ints.npy", NPYBytes.file(NPYBytes.header("<i8", [2, 2]), [Int64](1...4).flatMap { NPYBytes.bytes(of: $0) }))
        try write("wide.npy", NPYBytes.f4([Float](repeating: 0, count: 10), shape: [2, 5]))
        try write("nan.npy", NPYBytes.f4([0, .nan, 0, 0], shape: [1, 4]))
        try write("badmask.npy", NPYBytes.f4([0, 2, 0, 1], shape: [4]))
        try write("shortmask.npy", NPYBytes.f4([0, 1], shape: [2]))
        var options = ["--memories": "memories.npy", "--queries": "queries.npy"]
        var extra: [String] = []
        var i = 0
        while i < arguments.count {
            if arguments[i] == "--memories" || arguments[i] == "--queries" || arguments[i] == "--clamp" {
                options[arguments[i]] = arguments[i + 1]
            } else {
                extra.append("\(arguments[i])=\(arguments[i + 1])")
            }
            i += 2
        }
        let files = options.sorted { $0.key < $1.key }.flatMap { [$0.key, path($0.value)] }
        let run = try EngramProcess.engram(["recall"] + files + ["--out", path("out"), "--depth", "3"] + extra)
        #expect(run.status != 0)
        let lines = run.stderr.split(separator: "\n")
        #expect(lines.count == 1, "one line on stderr, got: \(run.stderr)")
        #expect(run.stderr.hasPrefix("engram recall: error: ") && run.stderr.contains(message), "stderr: \(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: path("out/states.npy")), "nothing is written on error")
    }
}
