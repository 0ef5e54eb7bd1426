#ifndef ENGRAM_VECTOR_MATH_LOOPS_H
#define ENGRAM_VECTOR_MATH_LOOPS_H

/// The vector loops of CVectorMath, written once over a small set of macros that a SIMD target defines
/// before including this file (CVectorMathAVX512, CVectorMathAVX2). Contracts are in vector_math.h.
///
/// Required: VM_NAME(x) (the function name), VM_F (float vector), VM_M (lane mask), VM_LANES,
/// VM_TAIL(remaining) (mask of the first min(remaining, VM_LANES) lanes), VM_LOAD(m, p) (masked load,
/// zero elsewhere), VM_STORE(p, m, v) (masked store), VM_SET1(x), VM_ADD, VM_SUB, VM_MUL, VM_MAX,
/// VM_FMADD(a, b, c) = a·b + c, VM_FMSUB(a, b, c) = a·b − c, VM_SELECT(m, a, b) (a in m's lanes, else b),
/// VM_SINCOS(v) (a struct with .x = sin, .y = cos), VM_EXP(v), VM_REDUCE_ADD(v), VM_REDUCE_MAX(v).

#include <math.h>
#include <stddef.h>

void VM_NAME(sincosf)(const float *x, float *s, float *c, size_t n) {
    for (size_t i = 0; i < n; i += VM_LANES) {
        VM_M m = VM_TAIL(n - i);
        __typeof__(VM_SINCOS(VM_SET1(0.0f))) r = VM_SINCOS(VM_LOAD(m, x + i));
        VM_STORE(s + i, m, r.x);
        VM_STORE(c + i, m, r.y);
    }
}

void VM_NAME(expf)(const float *x, float *y, size_t n) {
    for (size_t i = 0; i < n; i += VM_LANES) {
        VM_M m = VM_TAIL(n - i);
        VM_STORE(y + i, m, VM_EXP(VM_LOAD(m, x + i)));
    }
}

float VM_NAME(gaussian_weights)(float *row, const float *norms, float x_norm, float neg_half_beta,
                                int shift, size_t n, float *max_out) {
    const VM_F xn = VM_SET1(x_norm), nhb = VM_SET1(neg_half_beta), zero = VM_SET1(0.0f), two = VM_SET1(2.0f);
    const VM_F lowest = VM_SET1(-INFINITY);
    VM_F top = lowest;
    for (size_t i = 0; i < n; i += VM_LANES) {
        VM_M m = VM_TAIL(n - i);
        VM_F d = VM_SUB(VM_ADD(xn, VM_LOAD(m, norms + i)), VM_MUL(two, VM_LOAD(m, row + i)));
        VM_F a = VM_MUL(nhb, VM_MAX(d, zero));
        VM_STORE(row + i, m, a);
        top = VM_MAX(top, VM_SELECT(m, a, lowest));
    }
    float offset = shift ? VM_REDUCE_MAX(top) : 0.0f;
    const VM_F off = VM_SET1(offset);
    VM_F total = zero;
    for (size_t i = 0; i < n; i += VM_LANES) {
        VM_M m = VM_TAIL(n - i);
        VM_F e = VM_EXP(VM_SUB(VM_LOAD(m, row + i), off));
        VM_STORE(row + i, m, e);
        total = VM_ADD(total, VM_SELECT(m, e, zero));
    }
    *max_out = offset;
    return VM_REDUCE_ADD(total);
}

float VM_NAME(sincos_contract)(float *h, const float *bias, const float *t_cos, const float *t_sin,
                               float scale, size_t n) {
    VM_F total = VM_SET1(0.0f);
    const VM_F sc = VM_SET1(scale);
    for (size_t i = 0; i < n; i += VM_LANES) {
        VM_M m = VM_TAIL(n - i);
        __typeof__(VM_SINCOS(VM_SET1(0.0f))) r = VM_SINCOS(VM_ADD(VM_LOAD(m, h + i), VM_LOAD(m, bias + i)));
        VM_F tc = VM_LOAD(m, t_cos + i), ts = VM_LOAD(m, t_sin + i);
        // Masked-off lanes load T = 0, so they add nothing to the total.
        total = VM_FMADD(r.y, tc, VM_FMADD(r.x, ts, total));
        VM_STORE(h + i, m, VM_MUL(sc, VM_FMSUB(r.y, ts, VM_MUL(r.x, tc))));
    }
    return scale * VM_REDUCE_ADD(total);
}

#endif
