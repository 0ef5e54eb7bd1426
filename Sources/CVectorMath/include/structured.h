#ifndef ENGRAM_STRUCTURED_H
#define ENGRAM_STRUCTURED_H

#include <stddef.h>

/// The structured (SORF) random projection's loops (docs/mathematics.md, "Random features"). A block of
/// P rows (P a power of two) is W = diag(s) · H · D₁ · H · D₂ · H · D₃ with H = H_P / √P the normalised
/// Walsh–Hadamard matrix (natural order) and D_m = diag(signs + (m − 1)·P), entries ±1. `width` as in
/// vector_math.h; every width gives the same bits (the butterflies are the same exact-order sums).

/// In place: v [p] ← H_p (sign ⊙ v), H_p the unnormalised Walsh–Hadamard matrix (entries ±1), p a power
/// of two; sign [p] may be NULL (all +1).
void engram_fwht(int width, float *v, const float *sign, size_t p);

/// One block of the projection: out[i] = scale · (W pad_p(x))[i] for i < rows (rows ≤ p), x [d] (d ≤ p)
/// zero-padded to p. signs [3p] (D₁, D₂, D₃), s [rows]; work [p] is scratch. scale is applied as
/// v_i · (s_i · scale · p^(−3/2)).
void engram_sorf_forward(int width, const float *x, size_t d, const float *signs, const float *s, size_t rows, size_t p,
                         float scale, float *work, float *out);

/// One block's back-projection, added to out [d]: out[j] += scale · (Wᵀ pad_p(g))[j] for j < d, g [rows]
/// (rows ≤ p, zero-padded to p). signs [3p], s [rows] as engram_sorf_forward; work [p] is scratch.
void engram_sorf_backward(int width, const float *g, size_t rows, const float *signs, const float *s, size_t p,
                          float scale, float *work, float *out, size_t d);

#endif
