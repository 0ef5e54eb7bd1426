#include "vector_math_avx512.h"

#if defined(__x86_64__) && defined(__AVX512F__)
#include <immintrin.h>
#include <sleef.h>

static inline __mmask16 tail_mask(size_t remaining) {
    return remaining >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << remaining) - 1u);
}

/// Lane i of v ↦ lane i ^ h.
static inline __m512 xor_lanes(__m512 v, int h) {
    const __m512i iota = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    return _mm512_permutexvar_ps(_mm512_xor_si512(iota, _mm512_set1_epi32(h)), v);
}

/// The lanes whose index has bit h set.
static inline __mmask16 lane_bit(int h) {
    return h == 1 ? (__mmask16)0xAAAA : h == 2 ? (__mmask16)0xCCCC : h == 4 ? (__mmask16)0xF0F0 : (__mmask16)0xFF00;
}

#define VM_NAME(x) engram_avx512_##x
#define VM_F __m512
#define VM_M __mmask16
#define VM_LANES 16
#define VM_TAIL(r) tail_mask(r)
#define VM_LOAD(m, p) _mm512_maskz_loadu_ps((m), (p))
#define VM_STORE(p, m, v) _mm512_mask_storeu_ps((p), (m), (v))
#define VM_SET1(x) _mm512_set1_ps(x)
#define VM_ADD _mm512_add_ps
#define VM_SUB _mm512_sub_ps
#define VM_MUL _mm512_mul_ps
#define VM_MAX _mm512_max_ps
#define VM_FMADD _mm512_fmadd_ps
#define VM_FMSUB _mm512_fmsub_ps
#define VM_SELECT(m, a, b) _mm512_mask_blend_ps((m), (b), (a))
#define VM_SINCOS Sleef_sincosf16_u10
#define VM_EXP Sleef_expf16_u10
#define VM_REDUCE_ADD _mm512_reduce_add_ps
#define VM_REDUCE_MAX _mm512_reduce_max_ps
#define VM_XOR_LANES xor_lanes
#define VM_LANE_BIT lane_bit
#include "vector_math_loops.h"
#include "small_batch_loops.h"
#include "fwht_loops.h"

#define NR_LANES 8
#define NR_U __m512i
#define NR_D __m512d
#define NR_SET1_U(x) _mm512_set1_epi64((long long)(x))
#define NR_IOTA _mm512_setr_epi64(0, 1, 2, 3, 4, 5, 6, 7)
#define NR_ADD_U _mm512_add_epi64
#define NR_XOR _mm512_xor_si512
#define NR_MUL32 _mm512_mul_epu32
#define NR_HI32(a) _mm512_srli_epi64((a), 32)
#define NR_LO32(a) _mm512_and_si512((a), _mm512_set1_epi64(0xFFFFFFFFll))
// 2⁵² + w exactly, by the bits, then minus 2⁵² (exact): the double of a 32-bit word.
#define NR_WORD_TO_D(a) _mm512_sub_pd(_mm512_castsi512_pd(_mm512_or_si512((a), _mm512_set1_epi64(0x4330000000000000ll))), _mm512_set1_pd(0x1p52))
#define NR_SET1_D _mm512_set1_pd
#define NR_ADD_D _mm512_add_pd
#define NR_MUL_D _mm512_mul_pd
#define NR_SQRT_D _mm512_sqrt_pd
#define NR_LOG Sleef_finz_logd8_u10avx512f
#define NR_SINCOS Sleef_finz_sincosd8_u10avx512f
#define NR_STORE_D _mm512_storeu_pd
#define NR_STORE_U(p, u) _mm512_storeu_si512((p), (u))
#define NR_STORE4 store_interleaved

/// Stores a₀ b₀ c₀ d₀ a₁ … d₇ (each rounded to float) at p: 32 floats.
static inline void store_interleaved(float *p, __m512d a, __m512d b, __m512d c, __m512d d) {
    __m512 ab = _mm512_insertf32x8(_mm512_castps256_ps512(_mm512_cvtpd_ps(a)), _mm512_cvtpd_ps(b), 1);
    __m512 cd = _mm512_insertf32x8(_mm512_castps256_ps512(_mm512_cvtpd_ps(c)), _mm512_cvtpd_ps(d), 1);
    const __m512i low = _mm512_setr_epi32(0, 8, 16, 24, 1, 9, 17, 25, 2, 10, 18, 26, 3, 11, 19, 27);
    const __m512i high = _mm512_setr_epi32(4, 12, 20, 28, 5, 13, 21, 29, 6, 14, 22, 30, 7, 15, 23, 31);
    _mm512_storeu_ps(p, _mm512_permutex2var_ps(ab, low, cd));
    _mm512_storeu_ps(p + 16, _mm512_permutex2var_ps(ab, high, cd));
}
#include "normal_rows_loops.h"
#endif
