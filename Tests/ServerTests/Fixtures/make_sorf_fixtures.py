#!/usr/bin/env python3
"""Reference fixtures for Engram's structured (SORF) random features, computed independently with numpy and scipy.

Run from anywhere: `python3 Tests/ServerTests/Fixtures/make_sorf_fixtures.py`. It rewrites the sorf_*.npy files
beside itself. Philox4x32-10 is written out here in plain Python (checked against Random123's known answer), the
Walsh-Hadamard matrix is scipy.linalg.hadamard (natural order), and each block's matrix is formed explicitly in
float64, which the engine never does (docs/mathematics.md, "Random features"):
  P = next power of two >= D; block k covers rows [kP, min((k+1)P, Y))
  W_k = diag(S_k) H D1_k H D2_k H D3_k,  H = hadamard(P) / sqrt(P)
  D_m[j] = +1 if word j % 4 of Philox(j // 4, k, 3 + m, 0) < 2^31 else -1
  S_i = chi_P by Marsaglia-Tsang on Philox(a, i, 7, 0) (float64, rounded to float32 once)
  b_i = 2 pi * uniform word i % 4 of Philox(i // 4, 0, 1, 0) (rounded to float32)
  Omega = the stacked rows, first D columns [Y, D]
Energies and gradients of every map and energy at a few states then follow make_drdam_fixtures.py's float64 formulas.
"""
from pathlib import Path
import sys

import numpy as np
from scipy.linalg import hadamard

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from make_drdam_fixtures import ENERGIES, KINDS, energy_and_grad, features_and_jacobian  # noqa: E402

# SEED is StructuredFixtureTests.seed too (the .npy files hold Float values, too narrow for it).
SEED, BETA, K, B = 0x5EED_0019_0000_002A, 2.0, 6, 3
# (D, Y): P = 32 with a partial last block, P = 64 exactly D, P = 128 with a partial block.
SIZES = ((20, 100), (64, 150), (100, 300))
MASK = 0xFFFFFFFF


def philox(seed, counter):
    """Philox4x32-10's four output words for the four-word counter, keyed by the 64-bit seed."""
    k0, k1 = seed & MASK, seed >> 32
    c0, c1, c2, c3 = counter
    for r in range(10):
        if r > 0:
            k0, k1 = (k0 + 0x9E3779B9) & MASK, (k1 + 0xBB67AE85) & MASK
        p0, p1 = 0xD2511F53 * c0, 0xCD9E8D57 * c2
        c0, c1, c2, c3 = (p1 >> 32) ^ c1 ^ k0, p1 & MASK, (p0 >> 32) ^ c3 ^ k1, p0 & MASK
    return c0, c1, c2, c3


def uniforms(seed, counter):
    return [(w + 0.5) / 2**32 for w in philox(seed, counter)]


def signs(seed, p, k, m):
    return np.array([1.0 if philox(seed, (j // 4, k, 3 + m, 0))[j % 4] < 2**31 else -1.0 for j in range(p)])


def chi(seed, row, degrees):
    d = degrees / 2 - 1 / 3
    c = 1 / np.sqrt(9 * d)
    for attempt in range(64):
        u0, u1, u2, _ = uniforms(seed, (attempt, row, 7, 0))
        z = np.sqrt(-2 * np.log(u0)) * np.cos(2 * np.pi * u1)
        v = (1 + c * z) ** 3
        if v > 0 and np.log(u2) < z * z / 2 + d - d * v + d * np.log(v):
            return np.sqrt(2 * d * v)
    return np.sqrt(2 * d)


def omega(seed, dim, count):
    p = 1 << (dim - 1).bit_length()
    h = hadamard(p) / np.sqrt(p)
    rows = []
    for k in range(-(-count // p)):
        n = min(p, count - k * p)
        s = np.array([np.float32(chi(seed, k * p + i, p)) for i in range(n)], dtype=np.float64)
        d1, d2, d3 = (np.diag(signs(seed, p, k, m)) for m in (1, 2, 3))
        w = h @ d1 @ h @ d2 @ h @ d3
        rows.append(s[:, None] * w[:n, :dim])
    return np.concatenate(rows)


def main():
    assert philox(0, (0, 0, 0, 0)) == (0x6627E8D5, 0xE169C58D, 0xBC57AC4C, 0x9B00DBD8), "Philox known answer"
    rng = np.random.default_rng(19)
    for dim, count in SIZES:
        tag = f"sorf_{dim}"
        w = omega(SEED, dim, count)
        bias = np.array([2 * np.pi * uniforms(SEED, (i // 4, 0, 1, 0))[i % 4] for i in range(count)], dtype=np.float32)
        memories = (rng.normal(size=(K, dim)) / np.sqrt(dim)).astype(np.float32)
        states = (memories[:B] + 0.3 * rng.normal(size=(B, dim)) / np.sqrt(dim)).astype(np.float32)
        np.save(HERE / f"{tag}_omega.npy", w)
        np.save(HERE / f"{tag}_bias.npy", bias)
        np.save(HERE / f"{tag}_memories.npy", memories)
        np.save(HERE / f"{tag}_states.npy", states)
        bias64 = bias.astype(np.float64)
        for kind in KINDS:
            t = sum(features_and_jacobian(m, w, bias64, BETA, kind)[0] for m in memories.astype(np.float64))
            for energy in ENERGIES:
                results = [energy_and_grad(x, t, w, bias64, BETA, kind, energy) for x in states.astype(np.float64)]
                np.save(HERE / f"{tag}_{kind}_{energy}_energies.npy", np.array([e for e, _ in results]))
                np.save(HERE / f"{tag}_{kind}_{energy}_gradients.npy", np.stack([g for _, g in results]))
        print(f"D = {dim}, Y = {count}: row norms^2 mean {np.mean(np.sum(w * w, axis=1)):.4g}")
    np.save(HERE / "sorf_parameters.npy", np.array([BETA], dtype=np.float64))


if __name__ == "__main__":
    main()
