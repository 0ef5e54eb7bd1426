import ArgumentParser
import Bench
import Core
import Formats
import Foundation

/// `engram bench`: this machine's sgemm roof and the batched descent's throughput as a fraction of it,
/// measured side by side in one run.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure the sgemm roof and batched descent throughput.",
        discussion: """
            Counts 4·B·K·D (mrdam) and 4·B·Y·D (drdam) FLOP per descent step. Each figure is the best of \
            --repeats timed runs after one warm-up. Do not run it beside a build: BLAS threads collapse.
            """
    )

    @Flag(help: "Print one JSON object instead of a table.") var json = false
    @Option(help: "Descent steps per timed run.") var depth: Int = 100
    @Option(help: "Timed runs per measurement (the best counts).") var repeats: Int = 3
    @Option(help: "BLAS threads (default: as BLAS starts, normally all cores).") var threads: Int?
    @Option(help: "Widest transcendental loops to use: 512 (AVX-512), 256 (AVX2) or 32 (scalar); default the CPU's widest.")
    var vectorBits: Int?
    @Flag(help: "Measure durability instead: acknowledged adds/s with 1 and 16 writers, fsyncs shared, add latency at K = 100000, recovery time.")
    var durability = false
    @Option(help: "With --durability: where its temporary data directory goes (default the current directory, so the disk is the one a server would use).")
    var data: String = "."
    @Flag(help: "Measure small batches instead: ms per descent step at B = 1 … 64 beside numpy's (bench/numpy_descent.py) in the same run, and the bandwidth implied; then the two products by the small-batch loops against GEMM per B (the crossover).")
    var small = false
    @Option(help: "With --small: the numpy baseline script.")
    var numpyScript: String = "bench/numpy_descent.py"
    @Flag(help: "Measure the service instead: this executable's server under wrk, single-query recalls at 1, 16 and 64 connections, batching on and off, JSON and .npy, beside /healthz; then batching on/off at 64 connections and 16 connections' query-steps/s against Descent.run at B = 16 in-process.")
    var service = false
    @Option(help: "With --service: seconds of load per figure.")
    var duration: Int = 5
    @Option(help: "With --service: the server's --compute-threads (default: its own, one per core).")
    var computeThreads: Int?
    @Flag(help: "Measure the paper's PINF setting instead (D = 12288, Y = 180000, sincos, 4 queries): dense against structured features, create time, query-steps/s, feature memory, dense against the memory-bandwidth roof.")
    var paper = false
    @Option(help: "With --paper: D and Y as a fraction of the paper's (1 = its own; dense Ω takes 8.8 GB at 1).")
    var paperScale: Double = 1
    @Flag(help: "Measure the numeric JSON codec instead: parse and write MB/s against Foundation's JSONDecoder and JSONEncoder.")
    var codec = false
    @Flag(help: "Measure dense Ω's generation instead: entries/s on 1 thread and all cores (version 1 beside it), and the create time of a PINF-sized Ω (D 12288, --omega-features rows: 8.8 GB at 180000).")
    var omega = false
    @Option(help: "With --omega: the rows Y of the dense Ω created (D 12288).")
    var omegaFeatures: Int = 180_000

    func run() async throws {
        if codec { return try await Self.printing { try CodecBenchmark(repeats: repeats, writeEnergyResponse: Self.writeEnergyResponse).run() } }
        if service { return try await Self.printing { try await ServiceBenchmark(duration: duration, serveArguments: computeThreads.map { ["--compute-threads", "\($0)"] } ?? []).run() } }
        if omega {
            guard repeats >= 1, omegaFeatures >= 1, omegaFeatures <= 1 << 24 else {
                throw ValidationError("--repeats must be at least 1 and --omega-features in 1…16777216")
            }
            return try await Self.printing { try OmegaBenchmark(repeats: repeats, createFeatures: omegaFeatures).run() }
        }
        if durability { return try await Self.printing { try await DurabilityBenchmark(parent: URL(fileURLWithPath: data)).run() } }
        try CommandFailure.reporting(command: "bench") {
            guard depth >= 1, repeats >= 1 else { throw CommandFailure("--depth and --repeats must be at least 1") }
            if let threads { BLAS.threads = threads }
            if let vectorBits { VectorMath.vectorBits = vectorBits }
            if paper {
                guard paperScale > 0, paperScale <= 4 else { throw CommandFailure("--paper-scale must be in (0, 4]") }
                let cores = ProcessInfo.processInfo.activeProcessorCount
                print(try PaperBenchmark(scale: paperScale, repeats: repeats, threads: min(4, max(1, cores))).run())
                return
            }
            if small {
                print(try SmallBatchBenchmark(repeats: repeats, numpyScript: URL(fileURLWithPath: numpyScript)).run())
                return
            }
            let report = try Benchmark(depth: depth, repeats: repeats).run()
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys]
                print(String(decoding: try encoder.encode(report), as: UTF8.self))
            } else {
                print(report.table)
            }
        }
    }

    /// Writes the energy response of `energies` [B] and `gradients` [B][dim] as the server does; returns its bytes.
    private static func writeEnergyResponse(_ energies: [Float], _ gradients: [[Float]]) -> Int {
        let response = EnergyResponse(energies: energies, gradients: gradients, version: 1)
        var json = NumericJSONWriter(capacity: response.estimatedBytes)
        response.write(to: &json)
        return json.buffer.readableBytes
    }

    /// Prints what `report` returns, or its error as one `engram bench: error: …` line and exit 1.
    private static func printing(_ report: () async throws -> String) async throws {
        do {
            print(try await report())
        } catch {
            FileHandle.standardError.write(Data("engram bench: error: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }
}
