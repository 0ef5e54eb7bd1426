"""engram_client.features: DrDAM's features in numpy, checked against published Philox vectors and
against the live server (its snapshots' T for φ, its energy route for energies and gradients)."""

from __future__ import annotations

import math
import sys
from pathlib import Path
from typing import Any, Dict, Tuple

import numpy as np
import pytest

from engram_client import DistributedSnapshot, Engram, Features, Store
from engram_client.features import philox4x32_10, seed_key


@pytest.fixture
def engram(server: Any) -> Engram:
    return Engram(server.url)


# -- Philox against Random123's known answers ----------------------------------------------------------


@pytest.mark.parametrize("counter, key, expected", [
    ((0, 0, 0, 0), (0, 0), (0x6627E8D5, 0xE169C58D, 0xBC57AC4C, 0x9B00DBD8)),
    ((0xFFFFFFFF,) * 4, (0xFFFFFFFF, 0xFFFFFFFF), (0x408F276D, 0x41C83B0E, 0xA20BC7C6, 0x6D5451FD)),
    ((0x243F6A88, 0x85A308D3, 0x13198A2E, 0x03707344), (0xA4093822, 0x299F31D0),
     (0xD16CFE09, 0x94FDCCEB, 0x5001E420, 0x24126EA1)),
])
def test_philox_known_answers(counter: Tuple[int, ...], key: Tuple[int, int], expected: Tuple[int, ...]) -> None:
    # Random123's kat_vectors for Philox4x32-10 (the server's PhiloxTests use the same three).
    assert [int(w) for w in philox4x32_10(counter, key)] == list(expected)
    # Vectorised: the same answer in every lane of an array of counters.
    lanes = philox4x32_10(tuple(np.full(5, c, dtype=np.uint32) for c in counter), key)
    assert all(np.all(lane == e) for lane, e in zip(lanes, expected))


def test_seed_is_split_into_the_two_key_words() -> None:
    assert seed_key(0x299F31D0A4093822) == (0xA4093822, 0x299F31D0)
    with pytest.raises(ValueError):
        seed_key(1 << 64)


def test_omega_follows_the_documented_generator() -> None:
    # Seed 0: Ω's first row is Box–Muller (written here with `math`) of the zero-counter known answer.
    u = [(w + 0.5) / 2**32 for w in (0x6627E8D5, 0xE169C58D, 0xBC57AC4C, 0x9B00DBD8)]
    r0, r1 = math.sqrt(-2 * math.log(u[0])), math.sqrt(-2 * math.log(u[2]))
    expected = np.array([r0 * math.cos(2 * math.pi * u[1]), r0 * math.sin(2 * math.pi * u[1]),
                         r1 * math.cos(2 * math.pi * u[3]), r1 * math.sin(2 * math.pi * u[3])], dtype=np.float32)
    features = Features.from_configuration({"kind": "drdam", "dim": 4, "beta": 1, "features": 3, "seed": 0,
                                            "kernel": "sincos"})
    np.testing.assert_array_equal(features.omega[0], expected)


def test_configuration_errors() -> None:
    config: Dict[str, Any] = {"kind": "drdam", "dim": 4, "beta": 1, "features": 8, "seed": 1, "kernel": "sincos"}
    with pytest.raises(ValueError, match="dense, structured"):
        Features.from_configuration({**config, "transform": "sideways"})
    with pytest.raises(ValueError, match="orthogonal applies to dense features"):
        Features.from_configuration({**config, "transform": "structured", "orthogonal": "true"})
    assert Features.from_configuration({**config, "transform": "structured"}).transform.count == 8
    assert Features.from_configuration({**config, "transform": "dense"}).omega.shape == (8, 4)
    with pytest.raises(ValueError, match="mrdam"):
        Features.from_configuration({**config, "kind": "mrdam"})
    with pytest.raises(ValueError, match="kernel"):
        Features.from_configuration({**config, "kernel": "gauss"})
    with pytest.raises(ValueError, match="features"):
        Features.from_configuration({k: v for k, v in config.items() if k != "features"})


def test_generator_versions() -> None:
    """``generator`` absent is version 1 (stores made before version 2); 1 and 2, as numbers (the API)
    or strings (snapshot metadata), evaluate the same Box–Muller formula; anything else is refused."""
    config: Dict[str, Any] = {"kind": "drdam", "dim": 5, "beta": 1, "features": 8, "seed": 1, "kernel": "sincos"}
    assert Features.from_configuration(config).generator == 1
    omega = Features.from_configuration(config).omega
    for value, version in [(1, 1), ("1", 1), (2, 2), ("2", 2)]:
        features = Features.from_configuration({**config, "generator": value})
        assert features.generator == version
        np.testing.assert_array_equal(features.omega, omega)
    for value in [0, 3, "3", "two", True, 2.5, None]:
        with pytest.raises(ValueError, match="generator"):
            Features.from_configuration({**config, "generator": value})


# -- against the server ----------------------------------------------------------------------------------


def snapshot_of(store: Store, path: Path) -> DistributedSnapshot:
    """Takes a snapshot (POST …/snapshots), downloads it (GET …/snapshots/{name}) and loads it."""
    store.download_snapshot(store.snapshot()["name"], path)
    return DistributedSnapshot.load(path)


# The server computes in float32 (h = √β Ω x by BLAS, then sin/cos or exp, T rounded to float32), this
# module in float64 from the same float32 Ω, b, β and T. Measured over the four maps × both energies ×
# orthogonal or not, at D = 6 (Y = 256) and D = 64 (Y = 2048): φ(ξ) within 8e-7 of its largest entry,
# energies (|E| ≤ 0.6) within 4e-7, gradients within 2e-6 of their largest entry. The tolerances below
# are a few times that: float32 rounding, not a wrong Ω, b or map (those give errors of order 1).
PHI_ATOL = 4e-6
ENERGY_RTOL, ENERGY_ATOL = 1e-5, 2e-6
GRADIENT_ATOL = 1e-5


# D = 18: each row of Ω ends with half a Philox block; 200 features make 11 orthogonal blocks of 18
# rows and a partial one of 2. D = 64: 3 blocks of 64 and one of 8.
@pytest.mark.parametrize("dim", [18, 64])
@pytest.mark.parametrize("orthogonal", [False, True])
@pytest.mark.parametrize("energy", ["lse", "sum"])
@pytest.mark.parametrize("kernel", ["sincos", "cos", "exp", "expexp"])
def test_snapshot_energies_equal_the_servers(engram: Engram, store_name: str, tmp_path: Path,
                                             kernel: str, energy: str, orthogonal: bool, dim: int) -> None:
    store = engram.create_store(store_name, "drdam", dim=dim, beta=3.0, features=200, seed=0xA4093822299F31D0,
                                kernel=kernel, energy=energy, orthogonal=orthogonal)
    check_snapshot_against_server(store, tmp_path, dim, energy)


# D = 18 pads to P = 32: 200 features make 6 full blocks and a partial one of 8 rows. D = 64: 3 blocks
# and one of 8.
@pytest.mark.parametrize("dim", [18, 64])
@pytest.mark.parametrize("energy", ["lse", "sum"])
@pytest.mark.parametrize("kernel", ["sincos", "cos", "exp", "expexp"])
def test_structured_snapshot_energies_equal_the_servers(engram: Engram, store_name: str, tmp_path: Path,
                                                        kernel: str, energy: str, dim: int) -> None:
    store = engram.create_store(store_name, "drdam", dim=dim, beta=3.0, features=200, seed=0xA4093822299F31D0,
                                kernel=kernel, energy=energy, transform="structured")
    assert store.info()["transform"] == "structured"
    check_snapshot_against_server(store, tmp_path, dim, energy)


def check_snapshot_against_server(store: Store, tmp_path: Path, dim: int, energy: str) -> None:
    """Adds memories to the empty drdam ``store`` (β 3) and compares its downloaded snapshot with the
    server: T after one memory against φ of it, then energies and gradients near five memories."""
    rng = np.random.default_rng(19)
    memories = (rng.standard_normal((5, dim)) / np.sqrt(dim)).astype(np.float32)

    # One memory: T is the server's φ(ξ), so this checks Ω, b and the map entry by entry.
    store.add(memories[:1])
    one = snapshot_of(store, tmp_path / "one.safetensors")
    assert one.count == 1 and one.metadata["name"] == store.name
    # A new store's dense Ω is generator version 2 (the server's vectorised C), in the API and the snapshot.
    assert store.info()["generator"] == 2 and one.metadata["generator"] == "2" and one.features.generator == 2
    expected = one.features.phi(memories[0])[0]
    np.testing.assert_allclose(one.t, expected, rtol=0, atol=PHI_ATOL * np.abs(expected).max())

    # More memories: energies and gradients at points near them, and at one of them.
    store.add(memories[1:])
    snap = snapshot_of(store, tmp_path / "five.safetensors")
    assert snap.count == 5 and snap.energy_function == energy
    points = np.concatenate([memories + 0.1 * rng.standard_normal(memories.shape).astype(np.float32), memories[2:3]])
    server = store.energy(points, gradients=True)
    energies, gradients = snap.energy_and_grad(points)
    np.testing.assert_allclose(energies, server.energies, rtol=ENERGY_RTOL, atol=ENERGY_ATOL)
    np.testing.assert_allclose(gradients, server.gradients, rtol=ENERGY_RTOL,
                               atol=GRADIENT_ATOL * np.abs(server.gradients).max())
    np.testing.assert_array_equal(snap.energy(points), energies)
    np.testing.assert_array_equal(snap.grad(points), gradients)
    # The same state from the API's configuration and the snapshot's T.
    again = DistributedSnapshot.from_configuration(store.info(), snap.t, snap.count)
    np.testing.assert_array_equal(again.energy(points), energies)


def test_lse_clip_matches_the_server(engram: Engram, store_name: str, tmp_path: Path) -> None:
    # Far from the memories s(x) falls under ε = 0.5: E = −(1/β) log ε and ∇E = 0, on both sides.
    store = engram.create_store(store_name, "drdam", dim=4, beta=8, features=128, seed=5, kernel="cos", eps=0.5)
    store.add(np.eye(4, dtype=np.float32)[:1])
    snap = snapshot_of(store, tmp_path / "s.safetensors")
    far = np.array([[-3, 2, 1, 0]], dtype=np.float32)
    server = store.energy(far, gradients=True)
    energy, gradient = snap.energy_and_grad(far)
    assert snap.similarity(far)[0] <= 0.5
    np.testing.assert_allclose(energy, server.energies, rtol=1e-6)
    np.testing.assert_allclose(energy, -np.log(np.float32(0.5)) / 8, rtol=1e-6)
    assert np.all(gradient == 0) and np.all(server.gradients == 0)


def test_reader_without_safetensors_and_damage(engram: Engram, store_name: str, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    store = engram.create_store(store_name, "drdam", dim=3, beta=2, features=32, seed=9)
    store.add(np.array([[1, 0, 0], [0, 1, 0]], dtype=np.float32))
    path = tmp_path / "s.safetensors"
    store.download_snapshot(store.snapshot()["name"], path)
    pytest.importorskip("safetensors")
    with_package = DistributedSnapshot.load(path)
    monkeypatch.setitem(sys.modules, "safetensors", None)  # `import safetensors` now raises ImportError
    plain = DistributedSnapshot.load(path)
    np.testing.assert_array_equal(plain.t, with_package.t)
    assert plain.count == with_package.count == 2 and plain.metadata == with_package.metadata

    # A flipped byte in T is caught by the checksum; verify=False reads it anyway.
    data = bytearray(path.read_bytes())
    data[-11] ^= 0x40  # a mantissa bit of T's last entry (the file ends with T, then count's 8 bytes)
    damaged = tmp_path / "damaged.safetensors"
    damaged.write_bytes(bytes(data))
    with pytest.raises(ValueError, match="checksum"):
        DistributedSnapshot.load(damaged)
    assert not np.array_equal(DistributedSnapshot.load(damaged, verify=False).t, plain.t)


def test_mrdam_snapshot_is_refused(engram: Engram, store_name: str, tmp_path: Path) -> None:
    store = engram.create_store(store_name, "mrdam", dim=2, beta=1)
    store.add(np.eye(2))
    path = tmp_path / "m.safetensors"
    store.download_snapshot(store.snapshot()["name"], path)
    with pytest.raises(ValueError, match="drdam"):
        DistributedSnapshot.load(path)
