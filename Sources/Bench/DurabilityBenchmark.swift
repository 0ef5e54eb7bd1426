import Core
import Foundation
import Store

/// `engram bench --durability`: acknowledged single-memory adds per second (each waits for its log
/// record's fsync) with 1 and 16 concurrent writers and the fsyncs they shared, the latency of one add
/// to a store of K = 100 000 × D = 784, and recovery time of that store from the log and from a
/// checkpoint. Runs on a fresh data directory under `parent`, removed afterwards.
package struct DurabilityBenchmark {
    let parent: URL
    let dim = 784
    let rows = 100_000

    package init(parent: URL) {
        self.parent = parent
    }

    package func run() async throws -> String {
        let root = parent.appendingPathComponent("engram-bench-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        var lines = ["durability (D = \(dim), data directory under \(parent.path))"]
        var (registry, _) = try StoreRegistry.open(DataDirectory(root), checkpointBytes: 0)

        for writers in [1, 16] {
            let store = try await registry.create(name: "w\(writers)", configuration: RequestedConfiguration(kind: .mrdam, dim: dim, beta: 0.01)).store
            let perWriter = writers == 1 ? 2000 : 500
            let flushes = registry.log.flushes
            let started = ContinuousClock.now
            try await withThrowingTaskGroup(of: Void.self) { group in
                for w in 0..<writers {
                    group.addTask {
                        for i in 0..<perWriter { _ = try await store.add(Self.row(w * 100_000 + i, dim: dim), ids: nil) }
                    }
                }
                try await group.waitForAll()
            }
            let seconds = Stopwatch.seconds(ContinuousClock.now - started)
            let adds = writers * perWriter, used = registry.log.flushes - flushes
            lines.append("  \(writers) writer(s): \(adds) acknowledged adds in \(Self.format(seconds)) s = \(Self.format(Double(adds) / seconds, 0)) adds/s; \(used) fsyncs (\(Self.format(Double(adds) / Double(used))) adds per fsync)")
        }

        let big = try await registry.create(name: "big", configuration: RequestedConfiguration(kind: .mrdam, dim: dim, beta: 0.01)).store
        let chunk = 10_000
        for start in stride(from: 0, to: rows, by: chunk) {
            let values = (0..<(chunk * dim)).map { Float((($0 + start * dim) &* 2_654_435_761) % 1000) / 1000 }
            _ = try await big.add(Matrix(rows: chunk, cols: dim, values: values), ids: nil)
        }
        var latencies: [Double] = []
        for i in 0..<200 {
            let started = ContinuousClock.now
            _ = try await big.add(Self.row(i, dim: dim), ids: nil)
            latencies.append(Stopwatch.seconds(ContinuousClock.now - started))
        }
        let state = big.state
        var current = state
        var applyTimes: [Double] = []
        for i in 0..<200 {
            let started = ContinuousClock.now
            current = try current.applying(.add(Self.row(i, dim: dim), ids: ["x\(i)"], nextID: current.nextID)).state
            applyTimes.append(Stopwatch.seconds(ContinuousClock.now - started))
        }
        lines.append("  one add to K = \(state.count): median \(Self.milliseconds(latencies, 0.5)) ms, p99 \(Self.milliseconds(latencies, 0.99)) ms acknowledged (log and fsync included); the in-memory append alone: median \(Self.milliseconds(applyTimes, 0.5)) ms")

        let logBytes = registry.log.bytes
        registry.close()
        var report: RecoveryReport
        (registry, report) = try StoreRegistry.open(DataDirectory(root), checkpointBytes: 0)
        lines.append("  recovery from the log alone (\(Self.format(Double(logBytes) / 1_048_576, 0)) MiB, \(report.applied) records): \(Self.format(report.seconds, 2)) s")
        let started = ContinuousClock.now
        let checkpoint = try await registry.checkpoint()
        lines.append("  checkpoint of \(checkpoint.written.count) stores: \(Self.format(Stopwatch.seconds(ContinuousClock.now - started), 2)) s")
        registry.close()
        (registry, report) = try StoreRegistry.open(DataDirectory(root), checkpointBytes: 0)
        lines.append("  recovery from checkpoints (\(report.checkpoints) files, K = \(rows + 200) × \(dim) among them): \(Self.format(report.seconds, 2)) s")
        registry.close()
        return lines.joined(separator: "\n")
    }

    private static func row(_ seed: Int, dim: Int) -> Matrix {
        Matrix(rows: 1, cols: dim, values: (0..<dim).map { Float((($0 + seed * 31) &* 2_654_435_761) % 997) / 997 })
    }

    private static func milliseconds(_ xs: [Double], _ q: Double) -> String { format(xs.sorted()[Int(Double(xs.count - 1) * q)] * 1000, 3) }
    private static func format(_ x: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", x) }
}
