#if canImport(Accelerate)
import Accelerate
#else
import COpenBLAS
#endif

/// The few LAPACK routines Core uses, on column-major `Double` buffers, through LAPACK's Fortran
/// interface: the LAPACK inside OpenBLAS on Linux (declared in `COpenBLAS/shim.h`, since Debian's
/// libopenblas-dev ships no LAPACK header), Accelerate's on Apple platforms.
enum LAPACK {
    /// The Fortran INTEGER of both libraries (32-bit: OpenBLAS's `blasint` without INTERFACE64,
    /// Accelerate's `__CLPK_integer`).
    typealias Integer = Int32

    /// Householder QR of the m×n matrix A (column-major, leading dimension lda): `dgeqrf`. On return
    /// R is on and above the diagonal of A, the reflectors below it, their scalars in tau
    /// [min(m, n)].
    static func geqrf(m: Int, n: Int, a: UnsafeMutablePointer<Double>, lda: Int, tau: UnsafeMutablePointer<Double>) {
        guard m > 0, n > 0 else { return }
        var m = integer(m), n = integer(n), lda = integer(lda), info: Integer = 0
        withWorkspace { work, lwork in
            dgeqrf_(&m, &n, a, &lda, tau, work, &lwork, &info)
        }
        precondition(info == 0, "dgeqrf: argument \(-info) is invalid")
    }

    /// Overwrites A (m×n, m ≥ n ≥ k, column-major) holding the first k reflectors of `geqrf` with the
    /// first n columns of their product Q = H₁ H₂ ⋯ H_k: `dorgqr`.
    static func orgqr(m: Int, n: Int, k: Int, a: UnsafeMutablePointer<Double>, lda: Int, tau: UnsafeMutablePointer<Double>) {
        guard m > 0, n > 0 else { return }
        var m = integer(m), n = integer(n), k = integer(k), lda = integer(lda), info: Integer = 0
        withWorkspace { work, lwork in
            dorgqr_(&m, &n, &k, a, &lda, tau, work, &lwork, &info)
        }
        precondition(info == 0, "dorgqr: argument \(-info) is invalid")
    }

    /// Runs `call` twice: first as a workspace query (lwork = −1, the optimal size comes back in
    /// work[0]), then with a workspace of that size.
    private static func withWorkspace(_ call: (UnsafeMutablePointer<Double>, inout Integer) -> Void) {
        var size = 0.0, lwork: Integer = -1
        call(&size, &lwork)
        let count = Swift.max(1, Int(size))
        let work = UnsafeMutablePointer<Double>.allocate(capacity: count)
        defer { work.deallocate() }
        lwork = integer(count)
        call(work, &lwork)
    }

    private static func integer(_ n: Int) -> Integer {
        precondition(n <= Int(Integer.max), "LAPACK: \(n) does not fit a 32-bit Fortran INTEGER")
        return Integer(n)
    }
}
