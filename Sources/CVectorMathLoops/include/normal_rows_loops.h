#ifndef ENGRAM_NORMAL_ROWS_LOOPS_H
#define ENGRAM_NORMAL_ROWS_LOOPS_H

/// Dense Ω's generator, version 2 (contract in normal_rows.h), written once over the macros below,
/// which a target defines before including this file: the AVX-512 and AVX2 targets with SLEEF's vector
/// functions, CVectorMath with plain C types and SLEEF's scalar ones (one lane).
///
/// Every lane holds one Philox counter; its 32-bit words sit in the low half of a 64-bit integer lane,
/// so that one unsigned 32×32→64 multiply gives Philox's product. The doubles are SLEEF's "finz"
/// functions (FMA-based, deterministic: the same bits in every vector width for the same input) of
/// 1.0-ulp accuracy; everything else is IEEE arithmetic on exact values or a single rounding, so every
/// instance writes the same bits.
///
/// Required: VM_NAME(x), NR_LANES, NR_U (64-bit unsigned lanes), NR_D (double lanes), NR_SET1_U(x),
/// NR_IOTA (the lane indices 0, 1, … as NR_U), NR_ADD_U, NR_XOR, NR_MUL32(a, b) (the 64-bit product of
/// the low 32 bits of a and b), NR_HI32(a) (a >> 32), NR_LO32(a) (a & 0xFFFFFFFF), NR_WORD_TO_D(a)
/// (the double of a lane's value < 2³²), NR_SET1_D(x), NR_ADD_D, NR_MUL_D, NR_SQRT_D, NR_LOG(d),
/// NR_SINCOS(d) (a struct with .x = sin, .y = cos), NR_STORE_D(p, d) (unaligned store of all lanes),
/// NR_STORE4(p, a, b, c, d) (a₀ b₀ c₀ d₀ a₁ b₁ … each rounded to float: 4·NR_LANES floats at p),
/// NR_STORE_U(p, u) (unaligned store of all lanes as uint64_t).

#include <stddef.h>
#include <stdint.h>

/// Philox4x32-10 of the counters (c0, c1, c2, 0) in each lane, keyed by (k0, k1): the four output
/// words, each in the low half of its lane.
static inline void VM_NAME(philox)(NR_U c[4], uint32_t k0, uint32_t k1) {
    const NR_U m0 = NR_SET1_U(0xD2511F53u), m1 = NR_SET1_U(0xCD9E8D57u);
    for (int round = 0; round < 10; round++) {
        NR_U p0 = NR_MUL32(c[0], m0), p1 = NR_MUL32(c[2], m1);
        NR_U n0 = NR_XOR(NR_XOR(NR_HI32(p1), c[1]), NR_SET1_U(k0));
        NR_U n2 = NR_XOR(NR_XOR(NR_HI32(p0), c[3]), NR_SET1_U(k1));
        c[0] = n0;
        c[1] = NR_LO32(p1);
        c[2] = n2;
        c[3] = NR_LO32(p0);
        k0 += 0x9E3779B9u;
        k1 += 0xBB67AE85u;
    }
}

/// The uniform (w + 0.5) / 2³² of each lane's word w, in (0, 1): exact.
static inline NR_D VM_NAME(uniform)(NR_U w) {
    return NR_MUL_D(NR_ADD_D(NR_WORD_TO_D(w), NR_SET1_D(0.5)), NR_SET1_D(0x1p-32));
}

void VM_NAME(philox_words)(uint32_t k0, uint32_t k1, uint32_t c1, uint32_t c2, size_t first, size_t count,
                           uint32_t *out) {
    for (size_t begin = 0; begin < count; begin += NR_LANES) {
        NR_U c[4] = {NR_ADD_U(NR_SET1_U(first + begin), NR_IOTA), NR_SET1_U(c1), NR_SET1_U(c2), NR_SET1_U(0)};
        VM_NAME(philox)(c, k0, k1);
        uint64_t words[4][NR_LANES];
        for (int word = 0; word < 4; word++) NR_STORE_U(words[word], c[word]);
        for (size_t j = 0; j < 4 * (count - begin < NR_LANES ? count - begin : NR_LANES); j++)
            out[4 * begin + j] = (uint32_t)words[j % 4][j / 4];
    }
}

void VM_NAME(normal_rows)(uint32_t k0, uint32_t k1, uint32_t stream, size_t first_row, size_t rows, size_t dim,
                          float *out) {
    const size_t counters = (dim + 3) / 4;
    const NR_D minus_two = NR_SET1_D(-2.0), two_pi = NR_SET1_D(2.0 * 3.141592653589793);
    for (size_t r = 0; r < rows; r++) {
        float *row = out + r * dim;
        for (size_t first = 0; first < counters; first += NR_LANES) {
            NR_U c[4] = {NR_ADD_U(NR_SET1_U(first), NR_IOTA), NR_SET1_U(first_row + r), NR_SET1_U(stream), NR_SET1_U(0)};
            VM_NAME(philox)(c, k0, k1);
            NR_D z[4];
            for (int pair = 0; pair < 2; pair++) {
                NR_D radius = NR_SQRT_D(NR_MUL_D(minus_two, NR_LOG(VM_NAME(uniform)(c[2 * pair]))));
                __typeof__(NR_SINCOS(NR_SET1_D(0.0))) angle = NR_SINCOS(NR_MUL_D(two_pi, VM_NAME(uniform)(c[2 * pair + 1])));
                z[2 * pair] = NR_MUL_D(radius, angle.y);
                z[2 * pair + 1] = NR_MUL_D(radius, angle.x);
            }
            // Counter first + lane gives entries 4·(first + lane) + word of the row.
            float *block = row + 4 * first;
            if (4 * (first + NR_LANES) <= dim) {
                NR_STORE4(block, z[0], z[1], z[2], z[3]);
            } else {
                double words[4][NR_LANES];
                for (int word = 0; word < 4; word++) NR_STORE_D(words[word], z[word]);
                for (size_t j = 0; j < dim - 4 * first; j++) block[j] = (float)words[j % 4][j / 4];
            }
        }
    }
}

#endif
