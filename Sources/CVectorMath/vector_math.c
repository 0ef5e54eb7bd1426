#include "vector_math.h"
#include "vector_math_avx2.h"
#include "vector_math_avx512.h"
#include <math.h>
#include <sleef.h>

/// The loops in use: 512 (AVX-512), 256 (AVX2 + FMA) or 32 (scalar); 0 until first asked.
static int vector_bits = 0;

static int widest_supported(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    // The AVX-512 target is compiled with -mavx512f -mavx512dq: both must be there.
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq")) return 512;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return 256;
#endif
    return 32;
}

static int bits(void) {
    int current = __atomic_load_n(&vector_bits, __ATOMIC_RELAXED);
    if (current == 0) {
        current = widest_supported();
        __atomic_store_n(&vector_bits, current, __ATOMIC_RELAXED);
    }
    return current;
}

int engram_vector_bits(void) { return bits(); }

int engram_set_vector_bits(int requested) {
    int widest = widest_supported(), chosen = 32;
    if (requested >= 512 && widest >= 512) chosen = 512;
    else if (requested >= 256 && widest >= 256) chosen = 256;
    __atomic_store_n(&vector_bits, chosen, __ATOMIC_RELAXED);
    return chosen;
}

int engram_vector_bits_supported(int requested) {
    if (requested == 32) return 1;
    if (requested == 512 || requested == 256) return widest_supported() >= requested;
    return 0;
}

/// Calls the AVX-512 or AVX2 instance of `name` when `width` is 512 or 256 (x86-64 only); the caller
/// then runs the scalar loop.
#if defined(__x86_64__)
#define DISPATCH(width, name, ...) do { \
    if ((width) == 512) return engram_avx512_##name(__VA_ARGS__); \
    if ((width) == 256) return engram_avx2_##name(__VA_ARGS__); \
} while (0)
#else
#define DISPATCH(width, name, ...) do { } while (0)
#endif

void engram_sincosf(int width, const float *x, float *s, float *c, size_t n) {
    DISPATCH(width, sincosf, x, s, c, n);
    for (size_t i = 0; i < n; i++) {
        Sleef_float2 r = Sleef_sincosf_u10(x[i]);
        s[i] = r.x;
        c[i] = r.y;
    }
}

void engram_expf(int width, const float *x, float *y, size_t n) {
    DISPATCH(width, expf, x, y, n);
    for (size_t i = 0; i < n; i++) y[i] = Sleef_expf_u10(x[i]);
}

float engram_gaussian_weights(int width, float *row, const float *norms, float x_norm, float neg_half_beta,
                              int shift, size_t n, float *max_out) {
    DISPATCH(width, gaussian_weights, row, norms, x_norm, neg_half_beta, shift, n, max_out);
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

float engram_sincos_contract(int width, float *h, const float *bias, const float *t_cos, const float *t_sin,
                             float scale, size_t n) {
    DISPATCH(width, sincos_contract, h, bias, t_cos, t_sin, scale, n);
    float total = 0.0f;
    for (size_t i = 0; i < n; i++) {
        Sleef_float2 r = Sleef_sincosf_u10(h[i] + bias[i]);
        total += r.y * t_cos[i] + r.x * t_sin[i];
        h[i] = scale * (r.y * t_sin[i] - r.x * t_cos[i]);
    }
    return scale * total;
}
