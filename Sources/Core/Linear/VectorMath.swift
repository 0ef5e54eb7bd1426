import CVectorMath

/// Vector transcendentals and reductions over `Float` buffers (SLEEF's 1-ulp functions; AVX-512 loops
/// when the CPU has them, chosen at run time).
public enum VectorMath {
    /// sin[i] = sin(x[i]), cos[i] = cos(x[i]) for i < n. The outputs must not alias x.
    static func sincos(_ x: UnsafePointer<Float>, sin: UnsafeMutablePointer<Float>, cos: UnsafeMutablePointer<Float>, count n: Int) {
        engram_sincosf(x, sin, cos, n)
    }

    /// y[i] = exp(x[i]) for i < n; y may be x.
    static func exp(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count n: Int) {
        engram_expf(x, y, n)
    }

    /// max x[i] over n > 0 entries (NaN entries are skipped unless all are NaN).
    static func max(_ x: UnsafePointer<Float>, count n: Int) -> Float {
        var lanes = SIMD16<Float>(repeating: -.infinity)
        var i = 0
        let raw = UnsafeRawPointer(x)
        while i + 16 <= n {
            lanes = pointwiseMax(lanes, raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self))
            i += 16
        }
        var m = lanes.max()
        while i < n {
            m = Swift.max(m, x[i])
            i += 1
        }
        return m
    }

    /// The width in bits of the transcendental loops in use: 512 (AVX-512) or 32 (scalar).
    public static var vectorBits: Int { Int(engram_vector_bits()) }
}
