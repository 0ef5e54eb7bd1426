#include <cblas.h>

// LAPACK's Fortran interface, as built into libopenblas (Debian's libopenblas-dev ships no LAPACK
// header; lapacke.h would need liblapacke-dev). Arguments by reference; INTEGER is OpenBLAS's blasint
// (32-bit without INTERFACE64). Neither routine takes a CHARACTER argument, so no hidden lengths.
void dgeqrf_(blasint *m, blasint *n, double *a, blasint *lda, double *tau, double *work, blasint *lwork, blasint *info);
void dorgqr_(blasint *m, blasint *n, blasint *k, double *a, blasint *lda, double *tau, double *work, blasint *lwork, blasint *info);
