#ifndef ENGRAM_NORMAL_ROWS_H
#define ENGRAM_NORMAL_ROWS_H

#include <stddef.h>
#include <stdint.h>

/// The Philox4x32-10 words that engram_normal_rows starts from: out[4·k + m] = word m of counter
/// (first + k, c1, c2, 0) keyed by (k0, k1), for k < count (first + count ≤ 2³²).
void engram_philox_words(int width, uint32_t k0, uint32_t k1, uint32_t c1, uint32_t c2, size_t first, size_t count,
                         uint32_t *out);

/// Rows of standard normals, as dense Ω's generator version 2 makes them (docs/mathematics.md):
/// out[r·dim + j] = normal j mod 4 of Philox4x32-10 counter (j / 4, first_row + r, stream, 0) keyed by
/// (k0, k1), for r < rows and j < dim, rounded once from double to float. The uniforms are
/// u = (w + 0.5)/2³² of the four words w, and (u₀, u₁, u₂, u₃) ↦ r₀ cos 2πu₁, r₀ sin 2πu₁, r₁ cos 2πu₃,
/// r₁ sin 2πu₃ with rᵢ = √(−2 ln u₂ᵢ), in double with SLEEF's deterministic ("finz", FMA-based)
/// 1.0-ulp log and sincos. The integer words are version 1's (Philox.swift) bit for bit; the normals
/// differ from version 1's (Foundation's log, cos, sin) by at most about 1 ulp in double, so rarely
/// by one float ulp. Every width (512, 256 or 32, as in vector_math.h) writes the same bits; the
/// scalar loops call SLEEF's scalar FMA functions, so they need a CPU with FMA.
/// Requires first_row + rows ≤ 2³² and dim ≤ 2³⁴ (the counter's words are 32 bits).
void engram_normal_rows(int width, uint32_t k0, uint32_t k1, uint32_t stream, size_t first_row, size_t rows,
                        size_t dim, float *out);

#endif
