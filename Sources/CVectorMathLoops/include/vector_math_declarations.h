#ifndef ENGRAM_VECTOR_MATH_DECLARATIONS_H
#define ENGRAM_VECTOR_MATH_DECLARATIONS_H

#include <stddef.h>

/// Declares one SIMD instance of the loops in vector_math_loops.h, its names prefixed by `prefix`
/// (e.g. engram_avx2_). Their contracts are those of the engram_* functions in vector_math.h.
#define ENGRAM_DECLARE_VECTOR_LOOPS(prefix) \
    void prefix##sincosf(const float *x, float *s, float *c, size_t n); \
    void prefix##expf(const float *x, float *y, size_t n); \
    float prefix##gaussian_weights(float *row, const float *norms, float x_norm, float neg_half_beta, \
                                   int shift, size_t n, float *max_out); \
    float prefix##sincos_contract(float *h, const float *bias, const float *t_cos, const float *t_sin, \
                                  float scale, size_t n);

#endif
