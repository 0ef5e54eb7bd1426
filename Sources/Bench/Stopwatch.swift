/// The timing the benchmarks share.
enum Stopwatch {
    /// `duration` in seconds.
    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }

    /// The seconds of the fastest of `repeats` runs of `body` (warming up is the caller's).
    static func fastest(_ repeats: Int, _ body: () throws -> Void) rethrows -> Double {
        var fastest = Double.infinity
        for _ in 0..<repeats {
            let start = ContinuousClock.now
            try body()
            fastest = min(fastest, seconds(ContinuousClock.now - start))
        }
        return fastest
    }
}
