#include "structured.h"
#include "vector_math_avx2.h"
#include "vector_math_avx512.h"
#include <math.h>
#include <string.h>

// Each elementwise pass is one multiply or one multiply-add rounded twice, never fused: the same bits
// whatever the compiler targets.
#pragma clang fp contract(off)

void engram_fwht(int width, float *v, const float *sign, size_t p) {
#if defined(__x86_64__)
    if (width == 512 && p >= 16) { engram_avx512_fwht(v, sign, p); return; }
    if (width == 256 && p >= 8) { engram_avx2_fwht(v, sign, p); return; }
#endif
    if (sign)
        for (size_t i = 0; i < p; i++) v[i] *= sign[i];
    for (size_t h = 1; h < p; h *= 2) {
        for (size_t base = 0; base < p; base += 2 * h) {
            for (size_t i = base; i < base + h; i++) {
                float a = v[i], b = v[i + h];
                v[i] = a + b;
                v[i + h] = a - b;
            }
        }
    }
}

/// p^(−3/2): the three normalisations 1/√p of H, exact for even powers of two.
static float normalisation(size_t p) { return (float)(1.0 / ((double)p * sqrt((double)p))); }

void engram_sorf_forward(int width, const float *x, size_t d, const float *signs, const float *s, size_t rows, size_t p,
                         float scale, float *work, float *out) {
    memcpy(work, x, d * sizeof(float));
    memset(work + d, 0, (p - d) * sizeof(float));
    engram_fwht(width, work, signs + 2 * p, p);
    engram_fwht(width, work, signs + p, p);
    engram_fwht(width, work, signs, p);
    float c = scale * normalisation(p);
    for (size_t i = 0; i < rows; i++) out[i] = work[i] * (s[i] * c);
}

void engram_sorf_backward(int width, const float *g, size_t rows, const float *signs, const float *s, size_t p,
                          float scale, float *work, float *out, size_t d) {
    for (size_t i = 0; i < rows; i++) work[i] = g[i] * s[i];
    memset(work + rows, 0, (p - rows) * sizeof(float));
    engram_fwht(width, work, NULL, p);
    engram_fwht(width, work, signs, p);
    engram_fwht(width, work, signs + p, p);
    float c = scale * normalisation(p);
    const float *d3 = signs + 2 * p;
    for (size_t j = 0; j < d; j++) out[j] = out[j] + work[j] * (d3[j] * c);
}
