#ifndef ENGRAM_VECTOR_MATH_AVX512_H
#define ENGRAM_VECTOR_MATH_AVX512_H

#include <stddef.h>

/// AVX-512 loops over SLEEF's 16-lane functions. Call only on a CPU with AVX-512F
/// (CVectorMath checks). Buffers may alias only where stated.

/// s[i] = sin(x[i]), c[i] = cos(x[i]) for i < n (SLEEF, 1.0 ulp).
void engram_avx512_sincosf(const float *x, float *s, float *c, size_t n);

/// y[i] = exp(x[i]) for i < n (SLEEF, 1.0 ulp); y may equal x.
void engram_avx512_expf(const float *x, float *y, size_t n);

#endif
