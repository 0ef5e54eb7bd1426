#include "vector_math.h"
#include "vector_math_avx512.h"
#include <math.h>
#include <sleef.h>

/// 1 when the AVX-512 loops are in use; -1 until first asked.
static int use_avx512 = -1;

static int cpu_has_avx512(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") ? 1 : 0;
#else
    return 0;
#endif
}

static int wide(void) {
    int current = __atomic_load_n(&use_avx512, __ATOMIC_RELAXED);
    if (current < 0) {
        current = cpu_has_avx512();
        __atomic_store_n(&use_avx512, current, __ATOMIC_RELAXED);
    }
    return current;
}

int engram_vector_bits(void) { return wide() ? 512 : 32; }

int engram_set_vector_bits(int bits) {
    __atomic_store_n(&use_avx512, bits >= 512 ? cpu_has_avx512() : 0, __ATOMIC_RELAXED);
    return engram_vector_bits();
}

#if defined(__x86_64__)
#define DISPATCH(call) do { if (wide()) { call; } } while (0)
#else
#define DISPATCH(call) do { } while (0)
#endif

void engram_sincosf(const float *x, float *s, float *c, size_t n) {
    DISPATCH(engram_avx512_sincosf(x, s, c, n); return);
    for (size_t i = 0; i < n; i++) {
        Sleef_float2 r = Sleef_sincosf_u10(x[i]);
        s[i] = r.x;
        c[i] = r.y;
    }
}

void engram_expf(const float *x, float *y, size_t n) {
    DISPATCH(engram_avx512_expf(x, y, n); return);
    for (size_t i = 0; i < n; i++) y[i] = Sleef_expf_u10(x[i]);
}

float engram_gaussian_weights(float *row, const float *norms, float x_norm, float neg_half_beta,
                              int shift, size_t n, float *max_out) {
    DISPATCH(return engram_avx512_gaussian_weights(row, norms, x_norm, neg_half_beta, shift, n, max_out));
    float top = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        float d = x_norm + norms[i] - 2.0f * row[i];
        row[i] = neg_half_beta * (d > 0.0f ? d : 0.0f);
        if (row[i] > top) top = row[i];
    }
    float offset = shift ? top : 0.0f, total = 0.0f;
    for (size_t i = 0; i < n; i++) {
        row[i] = Sleef_expf_u10(row[i] - offset);
        total += row[i];
    }
    *max_out = offset;
    return total;
}

float engram_sincos_contract(float *h, const float *bias, const float *t_cos, const float *t_sin,
                             float scale, size_t n) {
    DISPATCH(return engram_avx512_sincos_contract(h, bias, t_cos, t_sin, scale, n));
    float total = 0.0f;
    for (size_t i = 0; i < n; i++) {
        Sleef_float2 r = Sleef_sincosf_u10(h[i] + bias[i]);
        total += r.y * t_cos[i] + r.x * t_sin[i];
        h[i] = scale * (r.y * t_sin[i] - r.x * t_cos[i]);
    }
    return scale * total;
}
