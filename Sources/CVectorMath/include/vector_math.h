#ifndef ENGRAM_VECTOR_MATH_H
#define ENGRAM_VECTOR_MATH_H

#include <stddef.h>

/// Vector transcendentals and the fused per-row passes of the descent, over float buffers, with SLEEF's
/// 1.0-ulp functions. The widest loops the CPU runs are chosen at run time: AVX-512, else AVX2 with FMA,
/// else scalar loops with the same contracts (SLEEF's scalar functions, same accuracy).

/// s[i] = sin(x[i]), c[i] = cos(x[i]) for i < n. s and c must not alias x.
void engram_sincosf(const float *x, float *s, float *c, size_t n);

/// y[i] = exp(x[i]) for i < n; y may equal x (in place).
void engram_expf(const float *x, float *y, size_t n);

/// One row of exact-memory weights, in place. On entry row[i] = x·ξ_i; first
/// a_i = neg_half_beta · max(x_norm + norms[i] − 2·row[i], 0) (that is −β‖x − ξ_i‖²/2), then
/// row[i] = exp(a_i − m) with m = max_i a_i when shift != 0, m = 0 otherwise.
/// Writes m to *max_out and returns Σ_i row[i].
float engram_gaussian_weights(float *row, const float *norms, float x_norm, float neg_half_beta,
                              int shift, size_t n, float *max_out);

/// The sincos feature map's contraction for one row, in place. On entry h[i] = √β ω_i·x; with
/// θ_i = h[i] + bias[i], returns s = scale · Σ_i (cos θ_i · t_cos[i] + sin θ_i · t_sin[i]) and leaves
/// h[i] = scale · (cos θ_i · t_sin[i] − sin θ_i · t_cos[i]).
float engram_sincos_contract(float *h, const float *bias, const float *t_cos, const float *t_sin,
                             float scale, size_t n);

/// The vector width in bits of the loops in use: 512 (AVX-512), 256 (AVX2) or 32 (scalar).
int engram_vector_bits(void);

/// Chooses the loops: the widest of 512, 256 and 32 that is at most `bits` and that the CPU runs (for
/// tests and comparisons). Returns the width now in use.
int engram_set_vector_bits(int bits);

/// Whether the CPU runs the loops of exactly `bits` bits: 512 (AVX-512F), 256 (AVX2 with FMA) or 32 (the
/// scalar loops, always). 0 for any other width.
int engram_vector_bits_supported(int bits);

/// The functions above with the loops of exactly `bits` bits rather than those in use, so that the widths
/// can be compared with one another without changing the process-wide choice. `bits` must be a width that
/// engram_vector_bits_supported accepts.
void engram_sincosf_bits(int bits, const float *x, float *s, float *c, size_t n);
void engram_expf_bits(int bits, const float *x, float *y, size_t n);
float engram_gaussian_weights_bits(int bits, float *row, const float *norms, float x_norm, float neg_half_beta,
                                   int shift, size_t n, float *max_out);
float engram_sincos_contract_bits(int bits, float *h, const float *bias, const float *t_cos, const float *t_sin,
                                  float scale, size_t n);

#endif
