#include "small_batch.h"
#include <math.h>
#include "vector_math_avx2.h"
#include "vector_math_avx512.h"

void engram_batch_dot(int width, const float *a, size_t rows, const float *x, size_t queries, size_t d, float alpha,
                      float *s, size_t lds) {
#if defined(__x86_64__)
    if (width == 512) { engram_avx512_batch_dot(a, rows, x, queries, d, alpha, s, lds); return; }
    if (width == 256) { engram_avx2_batch_dot(a, rows, x, queries, d, alpha, s, lds); return; }
#endif
    for (size_t q = 0; q < queries; q++) {
        for (size_t r = 0; r < rows; r++) {
            float total = 0.0f;
            for (size_t j = 0; j < d; j++) total = fmaf(x[q * d + j], a[r * d + j], total);
            s[q * lds + r] = alpha * total;
        }
    }
}

void engram_batch_combine(int width, const float *p, size_t ldp, size_t queries, const float *a, size_t rows, size_t d,
                          size_t begin, size_t end, float *g) {
#if defined(__x86_64__)
    if (width == 512) { engram_avx512_batch_combine(p, ldp, queries, a, rows, d, begin, end, g); return; }
    if (width == 256) { engram_avx2_batch_combine(p, ldp, queries, a, rows, d, begin, end, g); return; }
#endif
    for (size_t q = 0; q < queries; q++) {
        float *gq = g + q * d;
        for (size_t j = begin; j < end; j++) gq[j] = 0.0f;
        for (size_t k = 0; k < rows; k++) {
            float w = p[q * ldp + k];
            for (size_t j = begin; j < end; j++) gq[j] = fmaf(w, a[k * d + j], gq[j]);
        }
    }
}
