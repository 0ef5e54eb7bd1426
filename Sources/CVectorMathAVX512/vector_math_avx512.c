#include "vector_math_avx512.h"

#if defined(__x86_64__) && defined(__AVX512F__)
#include <immintrin.h>
#include <sleef.h>

static inline __mmask16 tail_mask(size_t remaining) {
    return remaining >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << remaining) - 1u);
}

void engram_avx512_sincosf(const float *x, float *s, float *c, size_t n) {
    for (size_t i = 0; i < n; i += 16) {
        __mmask16 m = tail_mask(n - i);
        __m512 v = _mm512_maskz_loadu_ps(m, x + i);
        Sleef___m512_2 r = Sleef_sincosf16_u10(v);
        _mm512_mask_storeu_ps(s + i, m, r.x);
        _mm512_mask_storeu_ps(c + i, m, r.y);
    }
}

void engram_avx512_expf(const float *x, float *y, size_t n) {
    for (size_t i = 0; i < n; i += 16) {
        __mmask16 m = tail_mask(n - i);
        __m512 v = _mm512_maskz_loadu_ps(m, x + i);
        _mm512_mask_storeu_ps(y + i, m, Sleef_expf16_u10(v));
    }
}
#endif
