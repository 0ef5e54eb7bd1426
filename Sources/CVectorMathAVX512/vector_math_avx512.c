#include "vector_math_avx512.h"

#if defined(__x86_64__) && defined(__AVX512F__)
#include <immintrin.h>
#include <math.h>
#include <sleef.h>

static inline __mmask16 tail_mask(size_t remaining) {
    return remaining >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << remaining) - 1u);
}

void engram_avx512_sincosf(const float *x, float *s, float *c, size_t n) {
    for (size_t i = 0; i < n; i += 16) {
        __mmask16 m = tail_mask(n - i);
        Sleef___m512_2 r = Sleef_sincosf16_u10(_mm512_maskz_loadu_ps(m, x + i));
        _mm512_mask_storeu_ps(s + i, m, r.x);
        _mm512_mask_storeu_ps(c + i, m, r.y);
    }
}

void engram_avx512_expf(const float *x, float *y, size_t n) {
    for (size_t i = 0; i < n; i += 16) {
        __mmask16 m = tail_mask(n - i);
        _mm512_mask_storeu_ps(y + i, m, Sleef_expf16_u10(_mm512_maskz_loadu_ps(m, x + i)));
    }
}

float engram_avx512_gaussian_weights(float *row, const float *norms, float x_norm, float neg_half_beta,
                                     int shift, size_t n, float *max_out) {
    const __m512 xn = _mm512_set1_ps(x_norm), nhb = _mm512_set1_ps(neg_half_beta), zero = _mm512_setzero_ps();
    __m512 top = _mm512_set1_ps(-INFINITY);
    for (size_t i = 0; i < n; i += 16) {
        __mmask16 m = tail_mask(n - i);
        __m512 dot = _mm512_maskz_loadu_ps(m, row + i);
        __m512 d = _mm512_fnmadd_ps(_mm512_set1_ps(2.0f), dot, _mm512_add_ps(xn, _mm512_maskz_loadu_ps(m, norms + i)));
        __m512 a = _mm512_mul_ps(nhb, _mm512_max_ps(d, zero));
        _mm512_mask_storeu_ps(row + i, m, a);
        top = _mm512_mask_max_ps(top, m, top, a);
    }
    float offset = shift ? _mm512_reduce_max_ps(top) : 0.0f;
    const __m512 off = _mm512_set1_ps(offset);
    __m512 total = zero;
    for (size_t i = 0; i < n; i += 16) {
        __mmask16 m = tail_mask(n - i);
        __m512 e = Sleef_expf16_u10(_mm512_sub_ps(_mm512_maskz_loadu_ps(m, row + i), off));
        _mm512_mask_storeu_ps(row + i, m, e);
        total = _mm512_mask_add_ps(total, m, total, e);
    }
    *max_out = offset;
    return _mm512_reduce_add_ps(total);
}

float engram_avx512_sincos_contract(float *h, const float *bias, const float *t_cos, const float *t_sin,
                                    float scale, size_t n) {
    __m512 total = _mm512_setzero_ps();
    const __m512 sc = _mm512_set1_ps(scale);
    for (size_t i = 0; i < n; i += 16) {
        __mmask16 m = tail_mask(n - i);
        __m512 theta = _mm512_add_ps(_mm512_maskz_loadu_ps(m, h + i), _mm512_maskz_loadu_ps(m, bias + i));
        Sleef___m512_2 r = Sleef_sincosf16_u10(theta);
        __m512 tc = _mm512_maskz_loadu_ps(m, t_cos + i), ts = _mm512_maskz_loadu_ps(m, t_sin + i);
        total = _mm512_fmadd_ps(r.y, tc, _mm512_fmadd_ps(r.x, ts, total));
        __m512 g = _mm512_mul_ps(sc, _mm512_fmsub_ps(r.y, ts, _mm512_mul_ps(r.x, tc)));
        _mm512_mask_storeu_ps(h + i, m, g);
    }
    return scale * _mm512_reduce_add_ps(total);
}
#endif
