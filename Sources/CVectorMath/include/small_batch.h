#ifndef ENGRAM_SMALL_BATCH_H
#define ENGRAM_SMALL_BATCH_H

#include <stddef.h>

/// The two products of a descent step for a few queries, without BLAS's packing: each output is
/// computed by one fixed sequence of operations whatever the number of queries or rows beside it, so
/// a query's results do not depend on the batch it is in (bit for bit, on one machine and vector width).
/// `width` picks the loops, 512, 256 or 32 bits, as in vector_math.h.

/// s[q·lds + r] = alpha · (x_q · a_r) for q < queries, r < rows; A [rows, d], X [queries, d] row-major.
void engram_batch_dot(int width, const float *a, size_t rows, const float *x, size_t queries, size_t d, float alpha,
                      float *s, size_t lds);

/// g[q·d + j] = Σ_{k < rows} p[q·ldp + k] · a[k·d + j] for q < queries and the columns begin ≤ j < end
/// (summed in order of k); P [queries, ldp], A [rows, d], G [queries, d] row-major.
void engram_batch_combine(int width, const float *p, size_t ldp, size_t queries, const float *a, size_t rows, size_t d,
                          size_t begin, size_t end, float *g);

#endif
