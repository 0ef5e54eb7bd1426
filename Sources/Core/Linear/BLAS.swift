#if canImport(Accelerate)
import Accelerate
#else
import COpenBLAS
#endif

/// The few BLAS routines Core uses, on row-major `Float` buffers (OpenBLAS on Linux, Accelerate on
/// Apple platforms).
package enum BLAS {
    /// C [m, n] = alpha · op(A) · op(B) + beta · C, row-major; op(A) is [m, k], op(B) is [k, n].
    /// `transA`/`transB` mean A is stored [k, m] / B is stored [n, k].
    static func gemm(
        transA: Bool = false, transB: Bool = false, m: Int, n: Int, k: Int,
        alpha: Float, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        guard m > 0, n > 0 else { return }
        cblas_sgemm(
            CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
            blasInt(m), blasInt(n), blasInt(k), alpha, a, blasInt(lda), b, blasInt(ldb), beta, c, blasInt(ldc))
    }

    /// Σ x[i]·y[i] over n entries.
    static func dot(_ n: Int, _ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>) -> Float {
        cblas_sdot(blasInt(n), x, 1, y, 1)
    }

    /// Σ |x[i]| over n entries.
    static func asum(_ n: Int, _ x: UnsafePointer<Float>) -> Float {
        cblas_sasum(blasInt(n), x, 1)
    }

    /// x[i] *= alpha over n entries.
    static func scale(_ n: Int, _ alpha: Float, _ x: UnsafeMutablePointer<Float>) {
        cblas_sscal(blasInt(n), alpha, x, 1)
    }

    /// The number of threads BLAS uses for one call.
    package static var threads: Int {
        get {
            #if canImport(Accelerate)
            return 1
            #else
            return Int(openblas_get_num_threads())
            #endif
        }
        set {
            #if !canImport(Accelerate)
            openblas_set_num_threads(Int32(max(1, newValue)))
            #endif
        }
    }

    static func blasInt(_ n: Int) -> Int32 { Int32(truncatingIfNeeded: n) }
}

extension BLAS {
    /// C = A · B for A [m, k] and B [k, n]; C must be [m, n].
    package static func multiply(_ a: Matrix, _ b: Matrix, into c: inout Matrix) {
        precondition(a.cols == b.rows && c.rows == a.rows && c.cols == b.cols, "BLAS.multiply: shapes do not fit")
        a.values.withUnsafeBufferPointer { pa in
            b.values.withUnsafeBufferPointer { pb in
                c.values.withUnsafeMutableBufferPointer { pc in
                    gemm(m: a.rows, n: b.cols, k: a.cols, alpha: 1, a: pa.baseAddress!, lda: a.cols, b: pb.baseAddress!, ldb: b.cols, beta: 0, c: pc.baseAddress!, ldc: c.cols)
                }
            }
        }
    }
}
