#ifndef ENGRAM_VECTOR_MATH_H
#define ENGRAM_VECTOR_MATH_H

#include <stddef.h>

/// Vector transcendentals and the fused per-row passes of the descent, over float buffers, with SLEEF's
/// 1.0-ulp functions, in loops of three widths: AVX-512, AVX2 with FMA, and scalar loops with the same
/// contracts (SLEEF's scalar functions, same accuracy). Each loop takes the `width` in bits of the loops
/// to run: 512, 256 or 32, one that engram_vector_bits_supported accepts. engram_vector_bits() gives the
/// width in use for the process, the widest the CPU runs unless engram_set_vector_bits chose another;
/// passing a width explicitly lets tests compare the widths without changing that choice.

/// s[i] = sin(x[i]), c[i] = cos(x[i]) for i < n. s and c must not alias x.
void engram_sincosf(int width, const float *x, float *s, float *c, size_t n);

/// y[i] = exp(x[i]) for i < n; y may equal x (in place).
void engram_expf(int width, const float *x, float *y, size_t n);

/// One row of exact-memory weights, in place. On entry row[i] = x·ξ_i; first
/// a_i = neg_half_beta · max(x_norm + norms[i] − 2·row[i], 0) (that is −β‖x − ξ_i‖²/2), then
/// row[i] = exp(a_i − m) with m = max_i a_i when shift != 0, m = 0 otherwise.
/// Writes m to *max_out and returns Σ_i row[i].
float engram_gaussian_weights(int width, float *row, const float *norms, float x_norm, float neg_half_beta,
                              int shift, size_t n, float *max_out);

/// The sincos feature map's contraction for one row, in place. On entry h[i] = √β ω_i·x; with
/// θ_i = h[i] + bias[i], returns s = scale · Σ_i (cos θ_i · t_cos[i] + sin θ_i · t_sin[i]) and leaves
/// h[i] = scale · (cos θ_i · t_sin[i] − sin θ_i · t_cos[i]).
float engram_sincos_contract(int width, float *h, const float *bias, const float *t_cos, const float *t_sin,
                             float scale, size_t n);

/// The vector width in bits of the loops in use: 512 (AVX-512), 256 (AVX2) or 32 (scalar).
int engram_vector_bits(void);

/// Chooses the loops in use: the widest of 512, 256 and 32 that is at most `bits` and that the CPU runs
/// (for the benchmark's comparisons). Returns the width now in use.
int engram_set_vector_bits(int bits);

/// Whether the CPU runs the loops of exactly `bits` bits: 512 (AVX-512F), 256 (AVX2 with FMA) or 32 (the
/// scalar loops, always). 0 for any other width.
int engram_vector_bits_supported(int bits);

#endif
