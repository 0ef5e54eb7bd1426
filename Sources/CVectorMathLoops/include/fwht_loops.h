#ifndef ENGRAM_FWHT_LOOPS_H
#define ENGRAM_FWHT_LOOPS_H

/// The fast Walsh–Hadamard transform's vector loops, written once over the macros of vector_math_loops.h
/// plus two that move lanes: VM_XOR_LANES(v, h) (lane i gets lane i ^ h of v, for h < VM_LANES a power of
/// two) and VM_LANE_BIT(h) (the mask of the lanes whose index has bit h set). Contract: engram_fwht in
/// structured.h. Every butterfly is (a, b) ↦ (a + b, a − b), stage h = 1, 2, 4, … as in the scalar loop;
/// each output is the same sum of the same operands in the same order whatever the schedule, so every
/// width gives the same bits.

#include <stddef.h>

/// Entries per cache-resident chunk: the stages up to chunk/2 run chunk by chunk (32 KiB of L1 holds one).
#define VM_FWHT_CHUNK 2048

/// The stages h, 2h, …, up to n/2 over v [n] (h ≥ VM_LANES), two at a time (radix 4) while they fit.
static inline void VM_NAME(fwht_stages)(float *v, size_t n, size_t h) {
    const VM_M all = VM_TAIL(VM_LANES);
    for (; 4 * h <= n; h *= 4) {
        for (size_t base = 0; base < n; base += 4 * h) {
            for (size_t i = base; i < base + h; i += VM_LANES) {
                VM_F a0 = VM_LOAD(all, v + i), a1 = VM_LOAD(all, v + i + h);
                VM_F a2 = VM_LOAD(all, v + i + 2 * h), a3 = VM_LOAD(all, v + i + 3 * h);
                VM_F b0 = VM_ADD(a0, a1), b1 = VM_SUB(a0, a1), b2 = VM_ADD(a2, a3), b3 = VM_SUB(a2, a3);
                VM_STORE(v + i, all, VM_ADD(b0, b2));
                VM_STORE(v + i + h, all, VM_ADD(b1, b3));
                VM_STORE(v + i + 2 * h, all, VM_SUB(b0, b2));
                VM_STORE(v + i + 3 * h, all, VM_SUB(b1, b3));
            }
        }
    }
    if (2 * h <= n) {
        for (size_t i = 0; i < h; i += VM_LANES) {
            VM_F a = VM_LOAD(all, v + i), b = VM_LOAD(all, v + i + h);
            VM_STORE(v + i, all, VM_ADD(a, b));
            VM_STORE(v + i + h, all, VM_SUB(a, b));
        }
    }
}

/// One in-register stage h < VM_LANES: lane i ↦ v[i] + v[i ^ h] where bit h of i is clear, v[i ^ h] − v[i] where set.
#define VM_FWHT_LANE_STAGE(x, h) do { \
    VM_F w_ = VM_XOR_LANES((x), (h)); \
    (x) = VM_SELECT(VM_LANE_BIT(h), VM_SUB(w_, (x)), VM_ADD((x), w_)); \
} while (0)

/// v ← H_p (sign ⊙ v), unnormalised, in place (sign may be NULL: all +1); p a power of two ≥ VM_LANES.
void VM_NAME(fwht)(float *v, const float *sign, size_t p) {
    const VM_M all = VM_TAIL(VM_LANES);
    size_t chunk = p < VM_FWHT_CHUNK ? p : VM_FWHT_CHUNK;
    for (size_t c = 0; c < p; c += chunk) {
        // The signs and the in-register stages h < VM_LANES, one load and store per vector.
        for (size_t i = c; i < c + chunk; i += VM_LANES) {
            VM_F x = VM_LOAD(all, v + i);
            if (sign) x = VM_MUL(x, VM_LOAD(all, sign + i));
            // Unrolled, so that each stage's lane pattern is a constant.
            VM_FWHT_LANE_STAGE(x, 1);
            VM_FWHT_LANE_STAGE(x, 2);
            VM_FWHT_LANE_STAGE(x, 4);
            if (VM_LANES > 8) VM_FWHT_LANE_STAGE(x, 8);
            VM_STORE(v + i, all, x);
        }
        VM_NAME(fwht_stages)(v + c, chunk, VM_LANES);
    }
    VM_NAME(fwht_stages)(v, p, chunk);
}

#endif
