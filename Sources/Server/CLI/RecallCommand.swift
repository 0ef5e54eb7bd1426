import ArgumentParser
import Core
import Formats
import Store
import Foundation

/// `engram recall`: offline recall on NumPy files. Reads memories [K, D] and queries [B, D] (float32 or
/// float64), descends, and writes `states.npy` (float32 [B, D]), `energies.npy` (float32 [B, depth]),
/// `steps.npy` (int64 [B]) and, for mrdam, `nearest.npy` (int64 [B]) to the output directory.
struct RecallCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recall",
        abstract: "Recall queries from memories stored in .npy files.",
        discussion: """
            Writes DIR/states.npy (float32 [B, D]), DIR/energies.npy (float32 [B, depth]; a query that \
            stopped early repeats its final energy), DIR/steps.npy (int64 [B]) and, for mrdam, \
            DIR/nearest.npy (int64 [B], the row of the memory nearest to each final state).
            """
    )

    @Option(help: "Memories, [K, D] float32 or float64 .npy.") var memories: String
    @Option(help: "Queries, [B, D] float32 or float64 .npy.") var queries: String
    @Option(help: "Output directory (created if missing).") var out: String
    @Option(help: "mrdam (exact, every memory a row) or drdam (random features).") var kind: StoreKind = .mrdam
    @Option(help: "Inverse temperature β > 0.") var beta: Float = 1
    @Option(help: "Step size α ≥ 0.") var alpha: Float = 0.1
    @Option(help: "Descent steps ≥ 1.") var depth: Int = 1000
    @Option(help: "lse or sum.") var energy: EnergyFunction = .lse
    @Option(help: "drdam feature map: sincos, cos, exp or expexp.") var kernel: KernelKind = .sincos
    @Option(help: "drdam: the number Y of random features.") var features: Int = 4096
    @Option(help: "drdam: the features' 64-bit seed.") var seed: UInt64 = 0
    @Option(help: "drdam: the lse clip ε ≥ 0 (default 1e-10 for sincos/cos, 0 for exp/expexp).") var eps: Float?
    @Flag(help: "drdam: block-orthogonal random features (dense only).") var orthogonal = false
    @Option(help: "drdam: dense (Ω stored, Y·D floats) or structured (SORF blocks, 4·P·⌈Y/P⌉ floats, P the power of two ≥ D).")
    var transform: FeatureTransform = .dense
    @Option(help: "Stop a query once no entry moves by this much in a step (0: never).") var tolerance: Float = 0
    @Option(help: "Clamp mask .npy, bool or 0/1, [D] or [B, D]: true entries never change.") var clamp: String?

    func run() throws {
        try CommandFailure.reporting(command: "recall") {
            let memories = try Self.matrix(at: self.memories, name: "memories")
            let queries = try Self.matrix(at: self.queries, name: "queries")
            guard queries.cols == memories.cols else {
                throw CommandFailure("queries have dimension \(queries.cols) but memories have dimension \(memories.cols)")
            }
            let mask = try clamp.map { try Self.clampMask(at: $0, batch: queries.rows, dim: queries.cols) } ?? ClampMask.none
            let parameters = DescentParameters(alpha: alpha, depth: depth, tolerance: tolerance)
            let outDirectory = URL(fileURLWithPath: out)
            let result: DescentResult
            var nearest: [NearestMemory]?
            switch kind {
            case .mrdam:
                let model = try ExactMemory(memories: memories, beta: beta, energy: energy)
                result = try Descent.run(model, queries: queries, parameters: parameters, clamp: mask, threads: BLAS.threads)
                nearest = try model.nearest(to: result.states)
            case .drdam:
                let request = RequestedConfiguration(kind: .drdam, dim: memories.cols, beta: beta, energy: energy, kernel: kernel, features: features,
                                                     seed: seed, eps: eps, orthogonal: orthogonal, transform: transform)
                guard let settings = try request.resolved().drdam else { throw CommandFailure("a drdam configuration without features") }
                let cap = Limits().maxFeatureEntries
                guard let entries = settings.transformEntries(dim: memories.cols), entries <= cap else {
                    throw CommandFailure("the \(transform) feature transform of \(features) features at dim \(memories.cols) is over the limit of \(cap) entries (the server's default --max-feature-entries)")
                }
                let map = try settings.randomFeatures(dim: memories.cols, beta: beta)
                var model = try DistributedMemory(features: map, energy: energy, eps: settings.eps)
                try model.add(memories)
                result = try Descent.run(model, queries: queries, parameters: parameters, clamp: mask, threads: BLAS.threads)
            }
            do {
                try FileManager.default.createDirectory(at: outDirectory, withIntermediateDirectories: true)
                let b = queries.rows
                try NPYArray.encode(float32: result.states.values, shape: [b, queries.cols]).write(to: outDirectory.appendingPathComponent("states.npy"))
                try NPYArray.encode(float32: result.energies.values, shape: [b, depth]).write(to: outDirectory.appendingPathComponent("energies.npy"))
                try NPYArray.encode(int64: result.steps.map(Int64.init), shape: [b]).write(to: outDirectory.appendingPathComponent("steps.npy"))
                if let nearest {
                    try NPYArray.encode(int64: nearest.map { Int64($0.index) }, shape: [b]).write(to: outDirectory.appendingPathComponent("nearest.npy"))
                }
            } catch {
                throw CommandFailure("cannot write to \(out): \(error.localizedDescription)")
            }
        }
    }

    /// Reads a 2-D float array [rows, cols] from `path`.
    static func matrix(at path: String, name: String) throws -> Matrix {
        let array = try read(path)
        guard array.isFloat else { throw CommandFailure("\(path): \(name) must be float32 or float64, got \(array.dtype)") }
        guard array.shape.count == 2 else { throw CommandFailure("\(path): \(name) must be 2-D [rows, dim], got shape \(array.shape)") }
        guard array.shape[1] > 0 else { throw CommandFailure("\(path): \(name) have dimension 0") }
        guard array.values.allSatisfy(\.isFinite) else { throw CommandFailure("\(path): \(name) contain NaN or infinity") }
        return Matrix(rows: array.shape[0], cols: array.shape[1], values: array.values)
    }

    /// Reads a clamp mask ([dim] or [batch, dim], bool or 0/1) from `path`.
    static func clampMask(at path: String, batch: Int, dim: Int) throws -> ClampMask {
        let array = try read(path)
        guard array.values.allSatisfy({ $0 == 0 || $0 == 1 }) else { throw CommandFailure("\(path): a clamp mask holds only booleans or 0/1") }
        let mask = array.values.map { $0 == 1 }
        switch array.shape {
        case [dim]: return .shared(mask)
        case [batch, dim]: return .perQuery(mask)
        default: throw CommandFailure("\(path): the clamp mask has shape \(array.shape); expected [\(dim)] or [\(batch), \(dim)]")
        }
    }

    private static func read(_ path: String) throws -> NPYArray {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw CommandFailure("cannot read \(path): no such file or it is not readable")
        }
        do {
            return try NPYArray(npy: data)
        } catch let error as NPYError {
            throw CommandFailure("\(path): \(error)")
        }
    }
}
