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
#endif
