"""DrDAM's random features in numpy, as the server makes them from a store's configuration.

A drdam store keeps its seed, not Ω: this module regenerates Ω and the phases b from the seed
exactly as the server does (Philox4x32-10, Box–Muller), applies the same four feature maps, and so
evaluates a downloaded drdam snapshot offline (energy and gradient at any points, without a server).

>>> snap = DistributedSnapshot.load("letters.safetensors")        # doctest: +SKIP
>>> snap.energy(points), snap.grad(points)                         # doctest: +SKIP

Generation (docs/mathematics.md; the server's ``RandomFeatures.swift``), Philox keyed by the 64-bit
seed (low word first), counters (c0, c1, c2, 0):

- dense Ω[i, j] = Box–Muller normal number j mod 4 of counter (j // 4, i, 0), rounded to float32;
- orthogonal Ω: rows [kD, (k+1)D) are the Gram–Schmidt orthonormalisation of the Gaussian rows of
  stream 2 (QR with diag(R) made positive), each scaled by the norm of the Gaussian row of stream 3;
- b[i] = 2π · uniform number i mod 4 of counter (i // 4, 0, 1), for the maps with a phase;
- structured (``transform: structured``, SORF): no Ω; per block of P rows (P the power of two ≥ D)
  random signs from streams 4–6 and chi row norms from stream 7 (``StructuredTransform``).

Uniforms are (w + 0.5) / 2³² for each 32-bit output word w; Box–Muller maps (u₀, u₁, u₂, u₃) to
r₀ cos 2πu₁, r₀ sin 2πu₁, r₁ cos 2πu₃, r₁ sin 2πu₃ with rᵢ = √(−2 ln u₂ᵢ), all in float64.

A configuration's ``generator`` (absent = 1) says whose log, cos and sin evaluated that formula for
dense Ω: version 1 (stores made before version 2) Foundation's, version 2 SLEEF's (vectorised C).
Both are within about one float64 ulp of the exact value, so numpy's float64 evaluation here gives
either version's float32 Ω up to one float32 ulp, in rare entries (none in millions checked); the
energies agree with the server's to float32 rounding all the same.

The server computes in float32; this module computes in float64 from the same float32 Ω, b, β and
T, so its answers are what the server's float32 arithmetic approximates (the two agree to float32
rounding: energies within ~4e-7 at |E| ≤ 0.6 in the tests, tests/test_features.py).
"""

from __future__ import annotations

import json
import os
import struct
import zlib
from dataclasses import dataclass
from typing import Any, Dict, Mapping, Optional, Tuple, Union

import numpy as np

PathLike = Union[str, "os.PathLike[str]"]

# Philox4x32-10's constants (Salmon et al., SC 2011).
_MULTIPLIERS = (0xD2511F53, 0xCD9E8D57)
_WEYL = (0x9E3779B9, 0xBB67AE85)
_MASK32 = 0xFFFFFFFF

TRANSFORMS = ("dense", "structured")
"""How Ω x is computed, as a configuration's ``transform`` names it (absent: dense)."""
GENERATORS = (1, 2)
"""Dense Ω's generator versions (a configuration's ``generator``; absent means 1)."""

KERNELS = ("sincos", "cos", "exp", "expexp")
"""The feature maps, as a configuration's ``kernel`` names them."""

MULTIPLICITY = {"sincos": 2, "cos": 1, "exp": 1, "expexp": 2}
"""F / Y for each map: the maps that stack two blocks have 2."""

_NORMALS_PER_CHUNK = 1 << 20  # normals generated at once: 8 MiB of float64 per intermediate array


def philox4x32_10(counter: Tuple[Any, Any, Any, Any], key: Tuple[int, int]) -> Tuple[np.ndarray, ...]:
    """Philox4x32-10 on arrays: the four uint32 output words for each counter.

    Args:
        counter: four uint32 arrays (or ints), broadcast together: the counter's words c0…c3.
        key: the two 32-bit key words (k0, k1).

    Returns:
        Four uint32 arrays of the broadcast shape.
    """
    c0, c1, c2, c3 = np.broadcast_arrays(*(np.asarray(c, dtype=np.uint32) for c in counter))
    k0, k1 = key[0] & _MASK32, key[1] & _MASK32
    m0, m1 = np.uint64(_MULTIPLIERS[0]), np.uint64(_MULTIPLIERS[1])
    shift = np.uint64(32)
    for round_ in range(10):
        if round_ > 0:
            k0 = (k0 + _WEYL[0]) & _MASK32
            k1 = (k1 + _WEYL[1]) & _MASK32
        p0 = np.multiply(c0, m0, dtype=np.uint64)  # (ndarray.astype is many times slower here)
        p1 = np.multiply(c2, m1, dtype=np.uint64)
        hi0, lo0 = (p0 >> shift).astype(np.uint32), p0.astype(np.uint32)
        hi1, lo1 = (p1 >> shift).astype(np.uint32), p1.astype(np.uint32)
        c0, c1, c2, c3 = hi1 ^ c1 ^ np.uint32(k0), lo1, hi0 ^ c3 ^ np.uint32(k1), lo0
    return c0, c1, c2, c3


def seed_key(seed: int) -> Tuple[int, int]:
    """The Philox key of a store's 64-bit seed: (low 32 bits, high 32 bits)."""
    if not 0 <= int(seed) < 1 << 64:
        raise ValueError(f"seed must be in [0, 2**64), got {seed}")
    return int(seed) & _MASK32, int(seed) >> 32


def uniforms(key: Tuple[int, int], counter: Tuple[Any, Any, Any, Any]) -> np.ndarray:
    """The uniforms in (0, 1) for each counter: float64 [..., 4], (w + 0.5) / 2³² per output word."""
    words = philox4x32_10(counter, key)
    return np.add(np.stack(words, axis=-1), 0.5, dtype=np.float64) / 4294967296.0


def normals(key: Tuple[int, int], counter: Tuple[Any, Any, Any, Any]) -> np.ndarray:
    """Four standard normals per counter, float64 [..., 4], by Box–Muller on the pairs of `uniforms`."""
    u = uniforms(key, counter)
    r0 = np.sqrt(-2 * np.log(u[..., 0]))
    r1 = np.sqrt(-2 * np.log(u[..., 2]))
    t0 = 2 * np.pi * u[..., 1]
    t1 = 2 * np.pi * u[..., 3]
    return np.stack([r0 * np.cos(t0), r0 * np.sin(t0), r1 * np.cos(t1), r1 * np.sin(t1)], axis=-1)


def gaussian_rows(key: Tuple[int, int], rows: range, dim: int, stream: int) -> np.ndarray:
    """Rows ``rows`` of a matrix of standard normals, float64 [len(rows), dim]: entry (i, j) is normal
    j mod 4 of counter (j // 4, i, stream, 0)."""
    blocks = -(-dim // 4)
    i = np.arange(rows.start, rows.stop, dtype=np.uint32)[:, None]
    j = np.arange(blocks, dtype=np.uint32)[None, :]
    z = normals(key, (j, i, np.uint32(stream), np.uint32(0)))  # [rows, blocks, 4]
    return z.reshape(len(rows), 4 * blocks)[:, :dim]


def gaussian_omega(seed: int, count: int, dim: int) -> np.ndarray:
    """Dense Gaussian Ω, float32 [count, dim] (stream 0), made a chunk of rows at a time: either
    generator version's Ω up to one float32 ulp in rare entries (see the module's docstring)."""
    key = seed_key(seed)
    out = np.empty((count, dim), dtype=np.float32)
    step = max(1, _NORMALS_PER_CHUNK // dim)
    for start in range(0, count, step):
        stop = min(count, start + step)
        out[start:stop] = gaussian_rows(key, range(start, stop), dim, 0)
    return out


def orthogonal_omega(seed: int, count: int, dim: int) -> np.ndarray:
    """Block-orthogonal Ω, float32 [count, dim] (Yu et al. 2016; the server's
    ``RandomFeatures+Orthogonal.swift``): block k's rows are the orthonormal basis Gram–Schmidt builds
    from the Gaussian rows of stream 2, found by QR of their transpose with each column of Q multiplied
    by sign(R_ii), then scaled by the norms of the Gaussian rows of stream 3. Computed in float64 and
    rounded once to float32 (the server uses LAPACK's QR too: the two agree to ~1e-15 before rounding)."""
    key = seed_key(seed)
    out = np.empty((count, dim), dtype=np.float32)
    for start in range(0, count, dim):
        rows = range(start, min(count, start + dim))
        q, r = np.linalg.qr(gaussian_rows(key, rows, dim, 2).T)  # q [dim, n], r [n, n]
        q = q * np.where(np.diag(r) < 0, -1.0, 1.0)[None, :]
        norms = np.sqrt(np.sum(gaussian_rows(key, rows, dim, 3) ** 2, axis=1))
        out[start:rows.stop] = q.T * norms[:, None]
    return out


def phases(seed: int, count: int) -> np.ndarray:
    """The phases b, float32 [count]: b[i] = 2π · uniform i mod 4 of counter (i // 4, 0, 1, 0)."""
    blocks = -(-count // 4)
    u = uniforms(seed_key(seed), (np.arange(blocks, dtype=np.uint32), np.uint32(0), np.uint32(1), np.uint32(0)))
    return (2 * np.pi * u.reshape(-1)[:count]).astype(np.float32)


class DenseTransform:
    """The products with a stored Ω [Y, D]: ``forward(x) = x Ωᵀ`` and ``backward(g) = g Ω``.

    ``StructuredTransform`` offers the same ``count``, ``dim`` and two methods without storing Ω.
    Holds Ω in float32 (the server's values) and in float64 (for the products): 12·Y·D bytes.
    """

    def __init__(self, omega: np.ndarray) -> None:
        self.omega = np.asarray(omega, dtype=np.float32)
        self.count, self.dim = self.omega.shape
        self._omega64 = self.omega.astype(np.float64)

    @classmethod
    def from_seed(cls, seed: int, count: int, dim: int, orthogonal: bool) -> "DenseTransform":
        """Ω [count, dim] generated from ``seed`` as the server generates it."""
        return cls((orthogonal_omega if orthogonal else gaussian_omega)(seed, count, dim))

    def forward(self, x: np.ndarray) -> np.ndarray:
        """x Ωᵀ: [B, D] → [B, Y], float64."""
        return x @ self._omega64.T

    def backward(self, g: np.ndarray) -> np.ndarray:
        """g Ω: [B, Y] → [B, D], float64 (Ωᵀ g for each row g)."""
        return g @ self._omega64


def padded_length(dim: int) -> int:
    """P, the smallest power of two ≥ ``dim`` (≥ 1): the length states are zero-padded to."""
    return 1 << max(0, int(dim) - 1).bit_length()


def fwht(a: np.ndarray) -> np.ndarray:
    """The normalised fast Walsh–Hadamard transform along the last axis (length P, a power of two),
    in natural (Sylvester) order: a Hᵀ = a H with H[i, j] = (−1)^popcount(i & j) / √P. float64, a new
    array; log₂ P butterfly passes."""
    out = np.array(a, dtype=np.float64)
    n = out.shape[-1]
    if n & (n - 1) or n == 0:
        raise ValueError(f"the transform's length must be a power of two, got {n}")
    lead = out.shape[:-1]
    h = 1
    while h < n:
        pairs = out.reshape(*lead, n // (2 * h), 2, h)
        out = np.stack([pairs[..., 0, :] + pairs[..., 1, :], pairs[..., 0, :] - pairs[..., 1, :]], axis=-2)
        h *= 2
    return out.reshape(*lead, n) / np.sqrt(n)


def structured_signs(seed: int, blocks: int, length: int) -> np.ndarray:
    """The sign vectors D₁, D₂, D₃ of each block, float64 [3, blocks, length] of ±1: D_m of block k
    at j is +1 when output word j mod 4 of counter (j // 4, k, 3 + m, 0) is < 2³¹, else −1."""
    j = np.arange(-(-length // 4), dtype=np.uint32)[None, None, :]
    k = np.arange(blocks, dtype=np.uint32)[None, :, None]
    m = np.arange(1, 4, dtype=np.uint32)[:, None, None]
    words = np.stack(philox4x32_10((j, k, 3 + m, np.uint32(0)), seed_key(seed)), axis=-1)  # [3, blocks, ⌈P/4⌉, 4]
    words = words.reshape(3, blocks, -1)[:, :, :length]
    return np.where(words < np.uint32(1 << 31), 1.0, -1.0)


_CHI_ATTEMPTS = 64  # Marsaglia–Tsang attempts per row before the fallback √(2d)


def chi_norms(seed: int, count: int, degrees: int) -> np.ndarray:
    """The row norms S, float32 [count]: chi with ``degrees`` (= P) degrees of freedom, row i from the
    uniforms (u₀, u₁, u₂, u₃) of counters (a, i, 7, 0), a = 0, 1, …: Marsaglia–Tsang for Gamma(P/2, 1)
    with d = P/2 − 1/3, c = 1/√(9d): z = √(−2 ln u₀) cos 2πu₁, v = (1 + cz)³, the first attempt with
    v > 0 and ln u₂ < z²/2 + d − dv + d ln v gives s = √(2dv); none in 64 gives √(2d). In float64,
    rounded once."""
    key = seed_key(seed)
    d = degrees / 2 - 1 / 3
    c = 1 / np.sqrt(9 * d)
    s = np.full(count, np.sqrt(2 * d))
    pending = np.arange(count)
    for attempt in range(_CHI_ATTEMPTS):
        if pending.size == 0:
            break
        u = uniforms(key, (np.uint32(attempt), pending.astype(np.uint32), np.uint32(7), np.uint32(0)))  # [n, 4]
        z = np.sqrt(-2 * np.log(u[:, 0])) * np.cos(2 * np.pi * u[:, 1])
        v = (1 + c * z) ** 3
        accepted = v > 0
        w, zz = v[accepted], z[accepted]
        accepted[accepted] = np.log(u[accepted, 2]) < zz * zz / 2 + d - d * w + d * np.log(w)
        s[pending[accepted]] = np.sqrt(2 * d * v[accepted])
        pending = pending[~accepted]
    return s.astype(np.float32)


class StructuredTransform:
    """Structured orthogonal random features (SORF, Yu et al. 2016; the server's structured transform):
    Ω [Y, D] is never stored. With P the smallest power of two ≥ D and H the normalised Walsh–Hadamard
    matrix of order P, block k = 0 … ⌈Y/P⌉ − 1 is W_k = diag(S_k) H D₁ H D₂ H D₃ [P, P] (signs Dₘ and
    chi row norms S from Philox streams 4–7: ``structured_signs``, ``chi_norms``); Ω's rows
    [kP, min((k+1)P, Y)) are its first rows, restricted to the first D columns (x is zero-padded).

    Holds S (float32 [Y], the server's values) and the signs (float64 [3, blocks, P]); each product
    costs O(B · blocks · P log P).
    """

    def __init__(self, signs: np.ndarray, norms: np.ndarray, dim: int) -> None:
        self.signs = np.asarray(signs, dtype=np.float64)
        _, self.blocks, self.length = self.signs.shape
        self.norms = np.asarray(norms, dtype=np.float32)
        self.count, self.dim = len(self.norms), int(dim)
        if not (0 < self.dim <= self.length and self.count <= self.blocks * self.length):
            raise ValueError(f"{self.count} rows at dim {self.dim} do not fit {self.blocks} blocks of {self.length}")
        padded = np.zeros(self.blocks * self.length, dtype=np.float64)
        padded[:self.count] = self.norms
        self._norms64 = padded.reshape(self.blocks, self.length)  # zeros past row Y

    @classmethod
    def from_seed(cls, seed: int, count: int, dim: int) -> "StructuredTransform":
        """The structured transform of ``count`` rows at ``dim`` generated from ``seed`` as the server does."""
        p = padded_length(dim)
        return cls(structured_signs(seed, -(-count // p), p), chi_norms(seed, count, p), dim)

    def forward(self, x: np.ndarray) -> np.ndarray:
        """Ω x for each row x of x [B, D]: [B, Y], float64 (per block S ⊙ H D₁ H D₂ H D₃ pad(x))."""
        x = np.asarray(x, dtype=np.float64)
        u = np.zeros((x.shape[0], 1, self.length))
        u[:, 0, :self.dim] = x
        d1, d2, d3 = self.signs
        u = self._norms64 * fwht(d1 * fwht(d2 * fwht(d3 * u)))  # [B, blocks, P]
        return u.reshape(x.shape[0], -1)[:, :self.count]

    def backward(self, g: np.ndarray) -> np.ndarray:
        """Ωᵀ g for each row g of g [B, Y]: [B, D], float64 (per block the first D entries of
        D₃ H D₂ H D₁ H (S ⊙ g_k), summed over the blocks)."""
        g = np.asarray(g, dtype=np.float64)
        u = np.zeros((g.shape[0], self.blocks * self.length))
        u[:, :self.count] = g
        d1, d2, d3 = self.signs
        u = d3 * fwht(d2 * fwht(d1 * fwht(self._norms64 * u.reshape(g.shape[0], self.blocks, self.length))))
        return u.sum(axis=1)[:, :self.dim]


Transform = Union[DenseTransform, StructuredTransform]
"""The products x ↦ Ω x and g ↦ Ωᵀ g of a store's features, stored or structured."""


def _field(config: Mapping[str, Any], key: str) -> Any:
    if key not in config:
        raise ValueError(f"the configuration has no '{key}'")
    return config[key]


def _generator(config: Mapping[str, Any]) -> int:
    """The configuration's ``generator``, 1 when absent (stores made before version 2)."""
    value = config.get("generator", 1)
    if isinstance(value, bool) or value not in GENERATORS + tuple(str(v) for v in GENERATORS):
        raise ValueError(f"'generator' must be one of {', '.join(map(str, GENERATORS))}, got {value!r}")
    return int(value)  # snapshot metadata holds strings


def _boolean(value: Any, key: str) -> bool:
    if isinstance(value, bool):
        return value
    if value in ("true", "false"):  # snapshot metadata holds strings
        return value == "true"
    raise ValueError(f"'{key}' must be true or false, got {value!r}")


class Features:
    """A drdam store's random features: φ : R^D → R^F with ⟨φ(x), φ(y)⟩ ≈ exp(−β‖x − y‖²/2).

    With h = √β Ω x [Y], q = β‖x‖² and the phases b [Y]:

    - ``sincos`` (F = 2Y): φ = Y^{-1/2} [cos(h + b); sin(h + b)];
    - ``cos`` (F = Y): φ = (2/Y)^{1/2} cos(h + b);
    - ``exp`` (F = Y): φ = Y^{-1/2} exp(h − q);
    - ``expexp`` (F = 2Y): φ = (2Y)^{-1/2} [exp(h − q); exp(−h − q)].

    Attributes:
        kernel: the map's name; count: Y; dim: D; beta: β (the float32 value the server uses, as a
        Python float); transform: the products with Ω (``DenseTransform``: ``.omega`` [Y, D] float32, or
        ``StructuredTransform``);
        bias: b [Y] float32 (zeros for the maps without a phase); generator: dense Ω's generator
        version (1 or 2) of the configuration it was made from.
    """

    def __init__(self, kernel: str, transform: "Transform", bias: np.ndarray, beta: float, generator: int = 2) -> None:
        if kernel not in KERNELS:
            raise ValueError(f"unknown kernel '{kernel}': one of {', '.join(KERNELS)}")
        if generator not in GENERATORS:
            raise ValueError(f"unknown generator {generator!r}: one of {', '.join(map(str, GENERATORS))}")
        self.kernel = kernel
        self.generator = generator
        self.transform = transform
        self.count, self.dim = transform.count, transform.dim
        self.bias = np.asarray(bias, dtype=np.float32)
        self.beta = float(np.float32(beta))
        if not (np.isfinite(self.beta) and self.beta > 0):
            raise ValueError(f"beta must be a positive finite number, got {beta}")

    @classmethod
    def from_configuration(cls, config: Mapping[str, Any]) -> "Features":
        """The features of a drdam store from its configuration: the dict ``GET /v1/stores/{name}``
        answers (``Store.info()``), or a snapshot's metadata (the same keys, values as strings).

        Raises:
            ValueError: not a drdam configuration, or a field missing or out of range (``generator``
                other than 1, 2 or absent included).
            ValueError: also for a ``transform`` other than ``"dense"`` (the default, when absent) and
                ``"structured"``, or structured features asked to be orthogonal.
        """
        if config.get("kind", "drdam") != "drdam":
            raise ValueError(f"only drdam stores have random features, this configuration is '{config.get('kind')}'")
        transform = str(config.get("transform", "dense"))
        if transform not in TRANSFORMS:
            raise ValueError(f"unknown transform '{transform}': one of {', '.join(TRANSFORMS)}")
        kernel = str(_field(config, "kernel"))
        if kernel not in KERNELS:
            raise ValueError(f"unknown kernel '{kernel}': one of {', '.join(KERNELS)}")
        dim, count, seed = int(_field(config, "dim")), int(_field(config, "features")), int(_field(config, "seed"))
        if dim <= 0 or count <= 0:
            raise ValueError(f"dim and features must be positive, got {dim} and {count}")
        orthogonal = _boolean(config.get("orthogonal", False), "orthogonal")
        if orthogonal and transform == "structured":
            raise ValueError("orthogonal applies to dense features; structured features are orthogonal within each block")
        generator = _generator(config)
        beta = float(np.float32(_field(config, "beta")))
        bias = phases(seed, count) if kernel in ("sincos", "cos") else np.zeros(count, dtype=np.float32)
        products: Transform = (StructuredTransform.from_seed(seed, count, dim) if transform == "structured"
                               else DenseTransform.from_seed(seed, count, dim, orthogonal))
        return cls(kernel, products, bias, beta, generator)

    @property
    def omega(self) -> np.ndarray:
        """Ω, float32 [Y, D] (dense transforms only: structured features store no Ω)."""
        if not isinstance(self.transform, DenseTransform):
            raise AttributeError("structured features store no Ω: transform.forward(np.eye(dim)).T makes it")
        return self.transform.omega

    @property
    def feature_count(self) -> int:
        """F, the length of φ(x) and of T: multiplicity · Y."""
        return MULTIPLICITY[self.kernel] * self.count

    def _points(self, x: Any) -> np.ndarray:
        """Points as float64 [B, D], each rounded to float32 first (what the server sees)."""
        p = np.asarray(x)
        if p.ndim == 1:
            p = p[None, :]
        if p.ndim != 2 or p.shape[1] != self.dim:
            raise ValueError(f"points must be [B, {self.dim}] (or [{self.dim}]), got shape {np.shape(x)}")
        p = p.astype(np.float32).astype(np.float64)
        if not np.all(np.isfinite(p)):
            raise ValueError("points contain NaN or infinity (or values beyond float32's range)")
        return p

    def _phi(self, p: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
        """φ [B, F] and the phased pre-activations h + b [B, Y] of points p [B, D] (float64)."""
        h = np.sqrt(self.beta) * self.transform.forward(p)
        q = self.beta * np.sum(p * p, axis=1)[:, None]
        y = self.count
        if self.kernel == "sincos":
            a = h + self.bias
            return np.concatenate([np.cos(a), np.sin(a)], axis=1) / np.sqrt(y), a
        if self.kernel == "cos":
            a = h + self.bias
            return np.sqrt(2 / y) * np.cos(a), a
        if self.kernel == "exp":
            return np.exp(h - q) / np.sqrt(y), h
        return np.exp(np.concatenate([h, -h], axis=1) - q) / np.sqrt(2 * y), h

    def phi(self, x: Any) -> np.ndarray:
        """φ(x) for each row of x [B, D] (or one point [D]): float64 [B, F]."""
        return self._phi(self._points(x))[0]

    def similarity(self, x: Any, t: np.ndarray, *, jacobian: bool = False) -> Tuple[np.ndarray, Optional[np.ndarray]]:
        """s(x) = ⟨φ(x), T⟩ [B] and, when ``jacobian``, J_φ(x)ᵀ T [B, D], for T [F].

        Every map's J_φᵀ T is √β Ωᵀ g + c x for a vector g [Y] and a scalar c (the server's
        ``FeatureKernel``): g = Y^{-1/2}(−sin(h+b) ⊙ T_cos + cos(h+b) ⊙ T_sin) for sincos,
        −(2/Y)^{1/2} sin(h+b) ⊙ T for cos (c = 0 for both); φ ⊙ T for exp and φ₊ ⊙ T₊ − φ₋ ⊙ T₋ for
        expexp, with c = −2βs.
        """
        p = self._points(x)
        t = np.asarray(t, dtype=np.float64)
        if t.shape != (self.feature_count,):
            raise ValueError(f"T must have {self.feature_count} entries, got shape {t.shape}")
        phi, a = self._phi(p)
        s = phi @ t
        if not jacobian:
            return s, None
        y = self.count
        if self.kernel == "sincos":
            g, c = -phi[:, y:] * t[:y] + phi[:, :y] * t[y:], np.zeros_like(s)
        elif self.kernel == "cos":
            g, c = -np.sqrt(2 / y) * np.sin(a) * t, np.zeros_like(s)
        elif self.kernel == "exp":
            g, c = phi * t, -2 * self.beta * s
        else:
            g, c = phi[:, :y] * t[:y] - phi[:, y:] * t[y:], -2 * self.beta * s
        return s, np.sqrt(self.beta) * self.transform.backward(g) + c[:, None] * p


def _read_safetensors(path: PathLike) -> Tuple[Dict[str, np.ndarray], Dict[str, str]]:
    """A safetensors file's tensors (numpy arrays) and ``__metadata__``, by the ``safetensors``
    package when it is installed, else by `_read_safetensors_plainly`."""
    try:
        from safetensors import safe_open
    except ImportError:
        return _read_safetensors_plainly(path)
    with safe_open(os.fspath(path), framework="np") as file:
        return {name: file.get_tensor(name) for name in file.keys()}, dict(file.metadata() or {})


def _read_safetensors_plainly(path: PathLike) -> Tuple[Dict[str, np.ndarray], Dict[str, str]]:
    """The tensors and metadata of a safetensors file, read without the ``safetensors`` package: an
    8-byte little-endian header length N, N bytes of JSON header (each tensor's ``dtype``, ``shape``
    and ``data_offsets`` into the data after the header, and ``__metadata__``), then the data."""
    dtypes = {"F64": "<f8", "F32": "<f4", "I64": "<i8", "U8": "u1"}
    with open(os.fspath(path), "rb") as file:
        data = file.read()
    if len(data) < 8:
        raise ValueError("not a safetensors file: shorter than 8 bytes")
    (n,) = struct.unpack("<Q", data[:8])
    if n > min(len(data) - 8, 1 << 20):
        raise ValueError(f"not a safetensors file: a header of {n} bytes")
    header = json.loads(data[8:8 + n].decode("utf-8"))
    metadata = header.pop("__metadata__", None) or {}
    body = memoryview(data)[8 + n:]
    tensors: Dict[str, np.ndarray] = {}
    for name, entry in header.items():
        if entry["dtype"] not in dtypes:
            raise ValueError(f"tensor '{name}' has dtype {entry['dtype']}, which Engram snapshots do not use")
        start, stop = (int(v) for v in entry["data_offsets"])
        shape = tuple(int(v) for v in entry["shape"])
        dtype = np.dtype(dtypes[entry["dtype"]])
        if not 0 <= start <= stop <= len(body) or stop - start != dtype.itemsize * int(np.prod(shape, dtype=np.int64)):
            raise ValueError(f"tensor '{name}': data_offsets {entry['data_offsets']} do not fit its shape or the file")
        tensors[name] = np.frombuffer(body[start:stop], dtype=dtype).reshape(shape)
    return tensors, dict(metadata)


@dataclass
class DistributedSnapshot:
    """A drdam store's state, evaluated offline: its features (from the configuration), T [F] (the
    server's float64 accumulator, used rounded to float32 as the server uses it) and the energy.

    - ``lse``: E(x) = −(1/β) log max(s, ε), ∇E = −J_φᵀ T / (β s) where s > ε and 0 where the clip holds;
    - ``sum``: E(x) = −(1/β) s, ∇E = −J_φᵀ T / β; with s(x) = ⟨φ(x), T⟩.
    """

    features: Features
    t: np.ndarray
    """T [F], float32 (the server rounds the float64 accumulator so)."""
    count: int
    """Memories added minus memories forgotten."""
    energy_function: str
    eps: float
    metadata: Dict[str, str]
    """The snapshot's metadata (the configuration, ``name``, ``version``, ``created``, …); the
    configuration alone when made with ``from_configuration``."""

    @classmethod
    def from_configuration(cls, config: Mapping[str, Any], t: np.ndarray, count: int = 0) -> "DistributedSnapshot":
        """A state from a store's configuration (as ``Store.info()`` answers it, or snapshot metadata)
        and its accumulator T [F]."""
        features = Features.from_configuration(config)
        energy = str(config.get("energy", "lse"))
        if energy not in ("lse", "sum"):
            raise ValueError(f"unknown energy '{energy}': lse or sum")
        t = np.asarray(t).astype(np.float32)
        if t.shape != (features.feature_count,):
            raise ValueError(f"T has shape {t.shape}, the features need [{features.feature_count}]")
        eps = float(np.float32(_field(config, "eps")))
        return cls(features, t, int(count), energy, eps, {str(k): str(v) for k, v in config.items()})

    @classmethod
    def load(cls, path: PathLike, *, verify: bool = True) -> "DistributedSnapshot":
        """Loads a drdam snapshot downloaded from Engram (``Store.download_snapshot``).

        Uses the ``safetensors`` package when it is installed, else a reader of its own. With
        ``verify``, checks the snapshot's ``engram_crc32`` (docs/formats.md) and refuses a damaged file.

        Raises:
            ValueError: not an Engram drdam snapshot, or damaged.
            NotImplementedError: a transform this client does not implement.
        """
        tensors, metadata = _read_safetensors(path)
        if metadata.get("format") != "engram-store":
            raise ValueError("not an Engram store snapshot (metadata 'format' is not 'engram-store')")
        if metadata.get("kind") != "drdam":
            raise ValueError(f"not a drdam snapshot (kind '{metadata.get('kind')}')")
        if set(tensors) != {"T", "count"}:
            raise ValueError(f"a drdam snapshot holds tensors T and count, this one {sorted(tensors)}")
        if verify:
            _verify_checksum(metadata, [tensors["T"], tensors["count"]])
        return cls.from_configuration(metadata, np.asarray(tensors["T"], dtype=np.float64), int(tensors["count"]))

    @property
    def beta(self) -> float:
        return self.features.beta

    def similarity(self, x: Any) -> np.ndarray:
        """s(x) = ⟨φ(x), T⟩ for each row of x [B, D] (or one point [D]): float64 [B]."""
        s, _ = self.features.similarity(x, self.t)
        return s

    def _energy(self, s: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
        """The energies [B] at similarities s [B], and k [B] such that ∇E = k · J_φᵀ T."""
        beta = self.beta
        if self.energy_function == "sum":
            return -s / beta, np.full_like(s, -1 / beta)
        clipped = s <= self.eps
        with np.errstate(divide="ignore"):  # eps = 0 and s ≤ 0: +inf, as the server answers
            energy = -np.log(np.where(clipped, self.eps, s)) / beta
        return energy, np.where(clipped, 0.0, -1 / (beta * np.where(clipped, 1.0, s)))

    def energy(self, x: Any) -> np.ndarray:
        """The energy at each row of x [B, D] (or one point [D]): float64 [B]."""
        return self._energy(self.similarity(x))[0]

    def energy_and_grad(self, x: Any) -> Tuple[np.ndarray, np.ndarray]:
        """The energy [B] and its gradient [B, D] (float64) at each row of x [B, D] (or one point [D])."""
        s, j = self.features.similarity(x, self.t, jacobian=True)
        assert j is not None
        energy, k = self._energy(s)
        return energy, k[:, None] * j

    def grad(self, x: Any) -> np.ndarray:
        """∇E at each row of x [B, D] (or one point [D]): float64 [B, D]."""
        return self.energy_and_grad(x)[1]


def _verify_checksum(metadata: Mapping[str, str], tensors: Any) -> None:
    """Checks ``engram_crc32``: zlib's CRC32 of the other metadata entries as sorted ``key=value\\n``
    lines, continued over the tensors' little-endian bytes in Engram's order (a list of arrays)."""
    stored = metadata.get("engram_crc32")
    if stored is None:
        raise ValueError("the snapshot has no engram_crc32")
    lines = "".join(f"{k}={v}\n" for k, v in sorted(metadata.items()) if k != "engram_crc32")
    crc = zlib.crc32(lines.encode("utf-8"))
    for tensor in tensors:
        crc = zlib.crc32(np.ascontiguousarray(tensor, dtype=tensor.dtype.newbyteorder("<")).tobytes(), crc)
    if str(crc) != stored:
        raise ValueError("the snapshot's checksum does not match: the file is damaged")
