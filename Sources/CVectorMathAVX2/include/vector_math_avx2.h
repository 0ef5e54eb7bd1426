#ifndef ENGRAM_VECTOR_MATH_AVX2_H
#define ENGRAM_VECTOR_MATH_AVX2_H

#include <stddef.h>

/// AVX2 loops over SLEEF's 8-lane functions (vector_math_loops.h). Call only on a CPU with AVX2 and FMA
/// (CVectorMath checks and documents each function; these have the same contracts as their engram_*
/// counterparts there).

void engram_avx2_sincosf(const float *x, float *s, float *c, size_t n);
void engram_avx2_expf(const float *x, float *y, size_t n);
float engram_avx2_gaussian_weights(float *row, const float *norms, float x_norm, float neg_half_beta,
                                   int shift, size_t n, float *max_out);
float engram_avx2_sincos_contract(float *h, const float *bias, const float *t_cos, const float *t_sin,
                                  float scale, size_t n);

#endif
