import CVectorMath
import Foundation

extension RandomFeatures {
    /// Rows `rows` of a matrix of standard normals [rows.count, dim] from one Philox stream, by
    /// generator version 2 (`engram_normal_rows`: entry (i, j) is Box–Muller normal j mod 4 of counter
    /// (j / 4, i, stream, 0), as version 1's `gaussianRows`, with SLEEF's log and sincos), split into
    /// `threads` contiguous blocks of rows generated side by side. Each entry depends only on its
    /// counter, so the result is the same bits whatever `threads` is. Requires rows.upperBound ≤ 2³².
    package static func normalRows(_ generator: Philox, rows: Range<Int>, dim: Int, stream: UInt32,
                                   threads: Int = ProcessInfo.processInfo.activeProcessorCount) -> [Float] {
        normalRows(generator, rows: rows, dim: dim, stream: stream, threads: threads, width: .inUse)
    }

    /// As above, with the vector loops of `width`.
    static func normalRows(_ generator: Philox, rows: Range<Int>, dim: Int, stream: UInt32, threads: Int, width: VectorWidth) -> [Float] {
        [Float](unsafeUninitializedCapacity: rows.count * dim) { buffer, initialized in
            normalRows(generator, rows: rows, dim: dim, stream: stream, threads: threads, width: width, into: buffer.baseAddress!)
            initialized = rows.count * dim
        }
    }

    /// As above, written to `out` [rows.count, dim] (the benchmark's reused buffer: the rate of the
    /// generation without the first touch of fresh memory).
    package static func normalRows(_ generator: Philox, rows: Range<Int>, dim: Int, stream: UInt32, threads: Int,
                                   into out: UnsafeMutablePointer<Float>) {
        normalRows(generator, rows: rows, dim: dim, stream: stream, threads: threads, width: .inUse, into: out)
    }

    private static func normalRows(_ generator: Philox, rows: Range<Int>, dim: Int, stream: UInt32, threads: Int, width: VectorWidth,
                                   into out: UnsafeMutablePointer<Float>) {
        precondition(rows.lowerBound >= 0 && rows.upperBound <= 1 << 32 && dim > 0, "normalRows: rows \(rows), dim \(dim)")
        let count = rows.count, parts = Swift.max(1, Swift.min(threads, count))
        // Each part writes its own rows [begin, end), disjoint from the others'.
        nonisolated(unsafe) let out = out
        DispatchQueue.concurrentPerform(iterations: parts) { part in
            let begin = part * count / parts, end = (part + 1) * count / parts
            engram_normal_rows(Int32(width.bits), generator.key.0, generator.key.1, stream, rows.lowerBound + begin, end - begin, dim,
                               out + begin * dim)
        }
    }
}
