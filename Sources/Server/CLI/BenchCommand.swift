import ArgumentParser
import Core
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
    @Flag(help: "Measure the numeric JSON codec instead: parse and write MB/s against Foundation's JSONDecoder and JSONEncoder.")
    var codec = false

    func run() async throws {
        if codec {
            try CommandFailure.reporting(command: "bench") { print(try CodecBenchmark(repeats: repeats).run()) }
            return
        }
        if durability {
            do {
                print(try await DurabilityBenchmark(parent: URL(fileURLWithPath: data)).run())
            } catch {
                FileHandle.standardError.write(Data("engram bench: error: \(error)\n".utf8))
                throw ExitCode.failure
            }
            return
        }
        try CommandFailure.reporting(command: "bench") {
            guard depth >= 1, repeats >= 1 else { throw CommandFailure("--depth and --repeats must be at least 1") }
            if let threads { BLAS.threads = threads }
            if let vectorBits { VectorMath.vectorBits = vectorBits }
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
}
