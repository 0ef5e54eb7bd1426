"""engram_client.features' structured (SORF) features, offline: the fast Walsh–Hadamard transform
against scipy's Hadamard matrix, Ω against a construction written out entry by entry from the spec
(Philox words, scipy's H, Marsaglia–Tsang in `math`), its block structure, the chi row norms'
distribution, and the kernel it approximates. (Against the server: test_features.py.)"""

from __future__ import annotations

import math
from typing import List

import numpy as np
import pytest
from scipy import linalg, stats

from engram_client import Features, StructuredTransform
from engram_client.features import chi_norms, fwht, padded_length, philox4x32_10, seed_key

SEED = 0x299F31D0A4093822


@pytest.mark.parametrize("p", [1, 2, 4, 8, 64, 256])
def test_fwht_is_scipys_normalised_hadamard(p: int) -> None:
    a = np.random.default_rng(p).standard_normal((3, 2, p))
    np.testing.assert_allclose(fwht(a), a @ (linalg.hadamard(p) / np.sqrt(p)), rtol=0, atol=1e-13)
    with pytest.raises(ValueError, match="power of two"):
        fwht(np.zeros(3 * p))


def test_padded_length() -> None:
    assert [padded_length(d) for d in (1, 2, 3, 4, 5, 12, 16, 17, 12288)] == [1, 2, 4, 4, 8, 16, 16, 32, 16384]


def spec_sign(seed: int, block: int, m: int, j: int) -> float:
    """D_m of block k at j, one Philox call: +1 when word j mod 4 of counter (j // 4, k, 3 + m, 0) < 2³¹."""
    word = int(philox4x32_10((j // 4, block, 3 + m, 0), seed_key(seed))[j % 4])
    return 1.0 if word < 1 << 31 else -1.0


def spec_norm(seed: int, row: int, p: int) -> float:
    """S of row i by Marsaglia–Tsang, scalar, in `math`, from the spec's words."""
    d = p / 2 - 1 / 3
    c = 1 / math.sqrt(9 * d)
    for attempt in range(64):
        u = [(int(w) + 0.5) / 2**32 for w in philox4x32_10((attempt, row, 7, 0), seed_key(seed))]
        z = math.sqrt(-2 * math.log(u[0])) * math.cos(2 * math.pi * u[1])
        v = (1 + c * z) ** 3
        if v > 0 and math.log(u[2]) < z * z / 2 + d - d * v + d * math.log(v):
            return float(np.float32(math.sqrt(2 * d * v)))
    return float(np.float32(math.sqrt(2 * d)))


def spec_omega(seed: int, count: int, dim: int) -> np.ndarray:
    """Ω [count, dim] built as the spec writes it: W_k = diag(S_k) H D₁ H D₂ H D₃, H = scipy's / √P."""
    p = padded_length(dim)
    h = linalg.hadamard(p) / np.sqrt(p)
    rows: List[np.ndarray] = []
    for k in range(-(-count // p)):
        d1, d2, d3 = (np.diag([spec_sign(seed, k, m, j) for j in range(p)]) for m in (1, 2, 3))
        block = range(k * p, min((k + 1) * p, count))
        s = np.diag([spec_norm(seed, i, p) for i in block])
        rows.append(s @ (h @ d1 @ h @ d2 @ h @ d3)[:len(block), :dim])
    return np.concatenate(rows)


@pytest.mark.parametrize("count, dim", [(40, 16), (21, 5), (3, 1)])
def test_omega_is_the_spec_construction(count: int, dim: int) -> None:
    # (40, 16): two full blocks and half of one; (21, 5): P = 8, a partial last block; (3, 1): P = 1.
    t = StructuredTransform.from_seed(SEED, count, dim)
    omega = t.forward(np.eye(dim)).T  # [Y, D]: the columns Ω e_j
    np.testing.assert_allclose(omega, spec_omega(SEED, count, dim), rtol=1e-12, atol=1e-12)
    g = np.random.default_rng(1).standard_normal((4, count))
    np.testing.assert_allclose(t.backward(g), g @ omega, rtol=1e-12, atol=1e-12)


def test_blocks_are_orthogonal_with_the_chi_norms() -> None:
    # At D = P each block's rows are orthogonal and row i has length S_i; across blocks they are not.
    t = StructuredTransform.from_seed(SEED, 40, 16)
    omega = t.forward(np.eye(16)).T
    for start in (0, 16, 32):
        block = omega[start:start + 16]
        gram = block @ block.T
        np.testing.assert_allclose(gram - np.diag(np.diag(gram)), 0, atol=1e-12)
        np.testing.assert_allclose(np.sqrt(np.diag(gram)), t.norms[start:start + 16], rtol=1e-12)
    assert abs(omega[0] @ omega[16]) > 1e-3


@pytest.mark.parametrize("p", [1, 16, 1024, 16384])
def test_norms_are_chi_distributed(p: int) -> None:
    # 20 000 rows: the mean within 5 standard errors of chi_P's, the variance within 5% of it (the
    # standard error of a variance over 20 000 samples is ~1%), and a Kolmogorov–Smirnov p-value over
    # 1e-3 (a fixed seed: deterministic; a wrong shape, d or acceptance test gives p ≪ 1e-6).
    s = chi_norms(SEED, 20_000, p).astype(np.float64)
    chi = stats.chi(p)
    assert abs(s.mean() - chi.mean()) < 5 * chi.std() / math.sqrt(len(s))
    assert abs(s.var() / chi.var() - 1) < 0.05
    assert stats.kstest(s, chi.cdf).pvalue > 1e-3
    assert [float(v) for v in s[:3]] == [spec_norm(SEED, i, p) for i in range(3)]


def kernel_error(count: int, seed: int, x: np.ndarray, y: np.ndarray, beta: float) -> float:
    """The mean |φ(x)·φ(y) − exp(−β‖x − y‖²/2)| over the pairs (x, y) (rows) with sincos features."""
    features = Features.from_configuration({"kind": "drdam", "dim": x.shape[1], "beta": beta, "features": count,
                                            "seed": seed, "kernel": "sincos", "transform": "structured"})
    approx = np.sum(features.phi(x) * features.phi(y), axis=1)
    x32, y32 = (a.astype(np.float32).astype(np.float64) for a in (x, y))  # the points φ sees
    exact = np.exp(-beta * np.sum((x32 - y32) ** 2, axis=1) / 2)
    return float(np.mean(np.abs(approx - exact)))


def test_kernel_approximation_shrinks_with_y() -> None:
    # D = 12 (P = 16) at distances where the kernel is 0.1 to 0.9, averaged over 4 seeds: the error
    # falls like 1/√Y (×16 features: ÷4; allowed ÷2.5), and at Y = 4096 is under 0.01 (measured: 0.063, 0.012, 0.0037).
    rng = np.random.default_rng(7)
    x = rng.standard_normal((64, 12)) / np.sqrt(12)
    direction = rng.standard_normal((64, 12))
    y = x + direction / np.linalg.norm(direction, axis=1, keepdims=True) * rng.uniform(0.45, 2.1, (64, 1))
    errors = [np.mean([kernel_error(count, seed, x, y, beta=1.0) for seed in range(4)]) for count in (16, 256, 4096)]
    assert errors[1] < errors[0] / 2.5 and errors[2] < errors[1] / 2.5, errors
    assert errors[2] < 0.01, errors
