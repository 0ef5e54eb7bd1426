#include "vector_math.h"
#include "vector_math_avx512.h"
#include <sleef.h>

static int has_avx512(void) {
#if defined(__x86_64__)
    static int cached = -1;
    if (cached < 0) {
        __builtin_cpu_init();
        cached = __builtin_cpu_supports("avx512f") ? 1 : 0;
    }
    return cached;
#else
    return 0;
#endif
}

void engram_sincosf(const float *x, float *s, float *c, size_t n) {
#if defined(__x86_64__)
    if (has_avx512()) { engram_avx512_sincosf(x, s, c, n); return; }
#endif
    for (size_t i = 0; i < n; i++) {
        Sleef_float2 r = Sleef_sincosf_u10(x[i]);
        s[i] = r.x;
        c[i] = r.y;
    }
}

void engram_expf(const float *x, float *y, size_t n) {
#if defined(__x86_64__)
    if (has_avx512()) { engram_avx512_expf(x, y, n); return; }
#endif
    for (size_t i = 0; i < n; i++) y[i] = Sleef_expf_u10(x[i]);
}

int engram_vector_bits(void) { return has_avx512() ? 512 : 32; }
