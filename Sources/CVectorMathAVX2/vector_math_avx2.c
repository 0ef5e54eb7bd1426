#include "vector_math_avx2.h"

#if defined(__x86_64__) && defined(__AVX2__)
#include <immintrin.h>
#include <sleef.h>

static inline __m256i tail_mask(size_t remaining) {
    int r = remaining >= 8 ? 8 : (int)remaining;
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(r), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

static inline float reduce_add(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

static inline float reduce_max(__m256 v) {
    __m128 s = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_max_ps(s, _mm_movehl_ps(s, s));
    s = _mm_max_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

/// Lane i of v ↦ lane i ^ h.
static inline __m256 xor_lanes(__m256 v, int h) {
    const __m256i iota = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    return _mm256_permutevar8x32_ps(v, _mm256_xor_si256(iota, _mm256_set1_epi32(h)));
}

/// The lanes whose index has bit h set (all ones in each).
static inline __m256i lane_bit(int h) {
    const __m256i iota = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    return _mm256_cmpgt_epi32(_mm256_and_si256(iota, _mm256_set1_epi32(h)), _mm256_setzero_si256());
}

#define VM_NAME(x) engram_avx2_##x
#define VM_F __m256
#define VM_M __m256i
#define VM_LANES 8
#define VM_TAIL(r) tail_mask(r)
#define VM_LOAD(m, p) _mm256_maskload_ps((p), (m))
#define VM_STORE(p, m, v) _mm256_maskstore_ps((p), (m), (v))
#define VM_SET1(x) _mm256_set1_ps(x)
#define VM_ADD _mm256_add_ps
#define VM_SUB _mm256_sub_ps
#define VM_MUL _mm256_mul_ps
#define VM_MAX _mm256_max_ps
#define VM_FMADD _mm256_fmadd_ps
#define VM_FMSUB _mm256_fmsub_ps
#define VM_SELECT(m, a, b) _mm256_blendv_ps((b), (a), _mm256_castsi256_ps(m))
#define VM_SINCOS Sleef_sincosf8_u10
#define VM_EXP Sleef_expf8_u10
#define VM_REDUCE_ADD reduce_add
#define VM_REDUCE_MAX reduce_max
#define VM_XOR_LANES xor_lanes
#define VM_LANE_BIT lane_bit
#include "vector_math_loops.h"
#include "small_batch_loops.h"
#include "fwht_loops.h"

#define NR_LANES 4
#define NR_U __m256i
#define NR_D __m256d
#define NR_SET1_U(x) _mm256_set1_epi64x((long long)(x))
#define NR_IOTA _mm256_setr_epi64x(0, 1, 2, 3)
#define NR_ADD_U _mm256_add_epi64
#define NR_XOR _mm256_xor_si256
#define NR_MUL32 _mm256_mul_epu32
#define NR_HI32(a) _mm256_srli_epi64((a), 32)
#define NR_LO32(a) _mm256_and_si256((a), _mm256_set1_epi64x(0xFFFFFFFFll))
// 2⁵² + w exactly, by the bits, then minus 2⁵² (exact): the double of a 32-bit word.
#define NR_WORD_TO_D(a) _mm256_sub_pd(_mm256_castsi256_pd(_mm256_or_si256((a), _mm256_set1_epi64x(0x4330000000000000ll))), _mm256_set1_pd(0x1p52))
#define NR_SET1_D _mm256_set1_pd
#define NR_ADD_D _mm256_add_pd
#define NR_MUL_D _mm256_mul_pd
#define NR_SQRT_D _mm256_sqrt_pd
#define NR_LOG Sleef_finz_logd4_u10avx2
#define NR_SINCOS Sleef_finz_sincosd4_u10avx2
#define NR_STORE_D _mm256_storeu_pd
#define NR_STORE_U(p, u) _mm256_storeu_si256((__m256i *)(p), (u))
#define NR_STORE4 store_interleaved

/// Stores a₀ b₀ c₀ d₀ a₁ … d₃ (each rounded to float) at p: 16 floats.
static inline void store_interleaved(float *p, __m256d a, __m256d b, __m256d c, __m256d d) {
    __m128 w = _mm256_cvtpd_ps(a), x = _mm256_cvtpd_ps(b), y = _mm256_cvtpd_ps(c), z = _mm256_cvtpd_ps(d);
    _MM_TRANSPOSE4_PS(w, x, y, z);
    _mm_storeu_ps(p, w);
    _mm_storeu_ps(p + 4, x);
    _mm_storeu_ps(p + 8, y);
    _mm_storeu_ps(p + 12, z);
}
#include "normal_rows_loops.h"
#endif
