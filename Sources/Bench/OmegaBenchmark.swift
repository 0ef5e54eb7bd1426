import Core
import Foundation

/// `engram bench --omega`: dense Ω's generation, entries per second with generator version 2 on one
/// thread and on every core, version 1 beside it, and the time to create the features of a dense
/// store at the paper's PINF setting (D = 12 288, Y = 180 000: 2.2·10⁹ entries, 8.8 GB).
package struct OmegaBenchmark {
    /// Timed runs per rate; the fastest counts.
    let repeats: Int
    /// Y of the store created (D = 12 288): 180 000 is PINF; fewer for a machine without 9 GB.
    let createFeatures: Int

    static let dim = 12_288

    package init(repeats: Int, createFeatures: Int) {
        self.repeats = repeats
        self.createFeatures = createFeatures
    }

    package func run() throws -> String {
        let philox = Philox(seed: 7), cores = ProcessInfo.processInfo.activeProcessorCount
        // Entries per second of wall time (the fastest run) and per CPU-second of the process over the
        // same runs: on a shared machine the second is the rate of a core while it runs this.
        let rate = { (rows: Int, generate: () -> [Float]) -> (wall: Double, cpu: Double) in
            _ = generate()
            let cpuStart = Self.processCPUSeconds()
            let wall = Stopwatch.fastest(repeats) { _ = generate() }
            let entries = Double(rows * Self.dim)
            return (entries / wall, entries * Double(repeats) / (Self.processCPUSeconds() - cpuStart))
        }
        let rows = 2048
        let one = rate(rows) { RandomFeatures.normalRows(philox, rows: 0..<rows, dim: Self.dim, stream: 0, threads: 1) }
        let all = rate(rows) { RandomFeatures.normalRows(philox, rows: 0..<rows, dim: Self.dim, stream: 0, threads: cores) }
        let old = rate(16) { RandomFeatures.gaussianRows(philox, rows: 0..<16, dim: Self.dim, stream: 0) }
        // The generation alone: into one buffer, touched once before the runs.
        let buffer = UnsafeMutablePointer<Float>.allocate(capacity: rows * Self.dim)
        defer { buffer.deallocate() }
        buffer.initialize(repeating: 0, count: rows * Self.dim)
        let reused = { (threads: Int) in
            rate(rows) {
                RandomFeatures.normalRows(philox, rows: 0..<rows, dim: Self.dim, stream: 0, threads: threads, into: buffer)
                return []
            }
        }
        let (oneReused, allReused) = (reused(1), reused(cores))
        let start = ContinuousClock.now
        let features = try RandomFeatures(kind: .sincos, dim: Self.dim, count: createFeatures, beta: 60, seed: 7)
        let create = Stopwatch.seconds(ContinuousClock.now - start)
        let entries = Double(features.omega.count)
        return [
            "dense Ω generation (D \(Self.dim), \(VectorMath.vectorBits)-bit loops, fastest of \(repeats)):",
            "  version 2, 1 thread:         \(millions(one.wall)) M entries/s (\(millions(one.cpu)) M per CPU-second)",
            "  version 2, \(cores) threads:        \(millions(all.wall)) M entries/s (\(String(format: "%.2f", all.wall / one.wall))× one thread; \(millions(all.cpu)) M per CPU-second)",
            "  version 2 into a buffer touched before, 1 thread: \(millions(oneReused.wall)) M entries/s (\(millions(oneReused.cpu)) M per CPU-second); "
                + "\(cores) threads: \(millions(allReused.wall)) M entries/s (\(millions(allReused.cpu)) M per CPU-second)",
            "  version 1 (Swift, 1 thread): \(millions(old.wall)) M entries/s (\(millions(old.cpu)) M per CPU-second; version 2 on 1 thread: \(String(format: "%.1f", one.wall / old.wall))×)",
            "create a dense store's features, D \(Self.dim), Y \(createFeatures) (\(String(format: "%.2f", entries / 1e9))·10⁹ entries, "
                + "\(String(format: "%.1f", 4 * entries / 1e9)) GB): \(String(format: "%.2f", create)) s (\(millions(entries / create)) M entries/s)",
        ].joined(separator: "\n")
    }

    /// CPU seconds this process has used, all threads.
    private static func processCPUSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
        return Double(t.tv_sec) + 1e-9 * Double(t.tv_nsec)
    }

    private func millions(_ x: Double) -> String { String(format: "%.0f", x / 1e6) }
}
