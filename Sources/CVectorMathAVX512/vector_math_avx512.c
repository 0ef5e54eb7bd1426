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
#endif
