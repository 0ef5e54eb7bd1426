#ifndef ENGRAM_VECTOR_MATH_H
#define ENGRAM_VECTOR_MATH_H

#include <stddef.h>

/// Vector transcendentals over float buffers, SLEEF's 1.0-ulp functions. The AVX-512 loops are chosen
/// at run time when the CPU has AVX-512F; otherwise SLEEF's scalar functions (same accuracy) run.

/// s[i] = sin(x[i]), c[i] = cos(x[i]) for i < n. s and c must not alias x.
void engram_sincosf(const float *x, float *s, float *c, size_t n);

/// y[i] = exp(x[i]) for i < n; y may equal x (in place).
void engram_expf(const float *x, float *y, size_t n);

/// The vector width in bits of the loops in use: 512, or 32 for the scalar fallback.
int engram_vector_bits(void);

#endif
