#ifndef ENGRAM_VECTOR_MATH_AVX512_H
#define ENGRAM_VECTOR_MATH_AVX512_H

#include <stddef.h>

/// AVX-512 loops over SLEEF's 16-lane functions (vector_math_loops.h). Call only on a CPU with AVX-512F
/// (CVectorMath checks and documents each function; these have the same contracts as their engram_*
/// counterparts there).

void engram_avx512_sincosf(const float *x, float *s, float *c, size_t n);
void engram_avx512_expf(const float *x, float *y, size_t n);
float engram_avx512_gaussian_weights(float *row, const float *norms, float x_norm, float neg_half_beta,
                                     int shift, size_t n, float *max_out);
float engram_avx512_sincos_contract(float *h, const float *bias, const float *t_cos, const float *t_sin,
                                    float scale, size_t n);

#endif
