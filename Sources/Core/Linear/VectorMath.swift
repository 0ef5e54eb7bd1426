import CVectorMath

/// Vector transcendentals and the descent's fused per-row passes over `Float` buffers (SLEEF's 1-ulp
/// functions; AVX-512, AVX2 or scalar loops, the widest the CPU runs, chosen at run time). Each function
/// takes the `width` of the loops to run, by default those in use, so that tests can compare the widths
/// without touching the process-wide choice.
package enum VectorMath {
    /// sin[i] = sin(x[i]), cos[i] = cos(x[i]) for i < n. The outputs must not alias x.
    static func sincos(_ x: UnsafePointer<Float>, sin: UnsafeMutablePointer<Float>, cos: UnsafeMutablePointer<Float>, count n: Int,
                       width: VectorWidth = .inUse) {
        engram_sincosf(Int32(width.bits), x, sin, cos, n)
    }

    /// y[i] = exp(x[i]) for i < n; y may be x.
    static func exp(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count n: Int, width: VectorWidth = .inUse) {
        engram_expf(Int32(width.bits), x, y, n)
    }

    /// One row of exact-memory weights, in place (see `engram_gaussian_weights`): on entry row[i] = x·ξ_i,
    /// on return row[i] = exp(a_i − m) with a_i = −β‖x − ξ_i‖²/2 and m = max a (or 0 without `shift`).
    /// Returns Σ row and m.
    static func gaussianWeights(_ row: UnsafeMutablePointer<Float>, norms: UnsafePointer<Float>, xNorm: Float, beta: Float,
                                shift: Bool, count n: Int, width: VectorWidth = .inUse) -> (sum: Float, max: Float) {
        var top: Float = 0
        let sum = engram_gaussian_weights(Int32(width.bits), row, norms, xNorm, -0.5 * beta, shift ? 1 : 0, n, &top)
        return (sum, top)
    }

    /// The sincos map's fused contraction of one row (see `engram_sincos_contract`): returns
    /// s = scale Σ (cos θ ⊙ T_cos + sin θ ⊙ T_sin) and leaves h = scale (cos θ ⊙ T_sin − sin θ ⊙ T_cos),
    /// θ = h + bias.
    static func sincosContract(_ h: UnsafeMutablePointer<Float>, bias: UnsafePointer<Float>, tCos: UnsafePointer<Float>,
                               tSin: UnsafePointer<Float>, scale: Float, count n: Int, width: VectorWidth = .inUse) -> Float {
        engram_sincos_contract(Int32(width.bits), h, bias, tCos, tSin, scale, n)
    }

    /// The width in bits of the loops in use: 512 (AVX-512), 256 (AVX2) or 32 (scalar). Setting it picks the
    /// widest loops at most that wide that the CPU runs (32 forces the scalar loops).
    package static var vectorBits: Int {
        get { Int(engram_vector_bits()) }
        set { engram_set_vector_bits(Int32(newValue)) }
    }
}
