#include "normal_rows.h"
#include "vector_math_avx2.h"
#include "vector_math_avx512.h"
#include <math.h>
#include <sleef.h>

// sleef.h declares SLEEF's scalar FMA functions only when compiled for FMA (FP_FAST_FMA); they are in
// libsleef whatever the flags, and run on CPUs with FMA.
double Sleef_finz_logd1_u10purecfma(double);
Sleef_double2 Sleef_finz_sincosd1_u10purecfma(double);

// The scalar instance of normal_rows_loops.h: one lane, plain C types, SLEEF's scalar FMA functions
// (the same algorithm and bits as its vector ones).
typedef struct { double x, y; } scalar_sincos;

static inline scalar_sincos scalar_sincos_of(double t) {
    Sleef_double2 r = Sleef_finz_sincosd1_u10purecfma(t);
    return (scalar_sincos){r.x, r.y};
}

#define VM_NAME(x) engram_scalar_##x
#define NR_LANES 1
#define NR_U uint64_t
#define NR_D double
#define NR_SET1_U(x) ((uint64_t)(x))
#define NR_IOTA ((uint64_t)0)
#define NR_ADD_U(a, b) ((a) + (b))
#define NR_XOR(a, b) ((a) ^ (b))
#define NR_MUL32(a, b) (((a) & 0xFFFFFFFFu) * ((b) & 0xFFFFFFFFu))
#define NR_HI32(a) ((a) >> 32)
#define NR_LO32(a) ((a) & 0xFFFFFFFFu)
#define NR_WORD_TO_D(a) ((double)(a))
#define NR_SET1_D(x) ((double)(x))
#define NR_ADD_D(a, b) ((a) + (b))
#define NR_MUL_D(a, b) ((a) * (b))
#define NR_SQRT_D sqrt
#define NR_LOG Sleef_finz_logd1_u10purecfma
#define NR_SINCOS scalar_sincos_of
#define NR_STORE_D(p, d) (*(p) = (d))
#define NR_STORE_U(p, u) (*(p) = (u))
#define NR_STORE4(p, a, b, c, d) ((p)[0] = (float)(a), (p)[1] = (float)(b), (p)[2] = (float)(c), (p)[3] = (float)(d))
#include "normal_rows_loops.h"

void engram_philox_words(int width, uint32_t k0, uint32_t k1, uint32_t c1, uint32_t c2, size_t first, size_t count,
                         uint32_t *out) {
#if defined(__x86_64__)
    if (width == 512) { engram_avx512_philox_words(k0, k1, c1, c2, first, count, out); return; }
    if (width == 256) { engram_avx2_philox_words(k0, k1, c1, c2, first, count, out); return; }
#endif
    engram_scalar_philox_words(k0, k1, c1, c2, first, count, out);
}

void engram_normal_rows(int width, uint32_t k0, uint32_t k1, uint32_t stream, size_t first_row, size_t rows,
                        size_t dim, float *out) {
#if defined(__x86_64__)
    if (width == 512) { engram_avx512_normal_rows(k0, k1, stream, first_row, rows, dim, out); return; }
    if (width == 256) { engram_avx2_normal_rows(k0, k1, stream, first_row, rows, dim, out); return; }
#endif
    engram_scalar_normal_rows(k0, k1, stream, first_row, rows, dim, out);
}
