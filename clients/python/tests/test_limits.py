"""The client reads the server's limits (/v1/info) and splits recalls and energies to fit them."""

from __future__ import annotations

from typing import Iterator

import numpy as np
import pytest

from conftest import Server, start_server
from engram_client import Engram
from test_client import counting_client, json_post


@pytest.fixture(scope="module")
def small_server() -> Iterator[Server]:
    """A server taking at most 3 queries (or points) per request."""
    s = start_server("--max-queries", "3")
    yield s
    assert s.stop() == 0, "the server did not exit 0 on SIGTERM:\n" + "".join(s.log[-20:])


def test_info_reports_the_version_and_limits(small_server: Server) -> None:
    info = Engram(small_server.url).info()
    assert info["version"] == "0.1.0"
    assert info["limits"]["max_queries"] == 3 and info["limits"]["max_body_bytes"] == 64 * 1024 * 1024


def test_recall_and_energy_are_split_by_max_queries(small_server: Server) -> None:
    rng = np.random.default_rng(7)
    engram, adapter = counting_client(small_server)
    store = engram.create_store("split", "mrdam", dim=4, beta=2)
    memories = rng.standard_normal((6, 4)).astype(np.float32)
    store.add(memories, ids=[f"m{i}" for i in range(6)])
    queries = (memories[[0, 1, 2, 3, 4, 5, 0, 1, 2, 3]] + 0.3 * rng.standard_normal((10, 4))).astype(np.float32)
    clamp = np.zeros((10, 4), dtype=bool)
    clamp[:, 3] = True
    adapter.sent.clear()
    result = store.recall(queries, depth=20, clamp=clamp)
    assert len([p for m, p in adapter.sent if m == "POST" and p.startswith("/v1/stores/split/recall")]) == 4
    assert result.states.shape == (10, 4) and result.energies is not None and result.energies.shape == (10, 20)
    assert result.nearest is not None and result.nearest.id.shape == (10,)
    # Each query alone, in JSON, is the oracle.
    for b in range(10):
        alone = json_post(small_server, "/v1/stores/split/recall",
                          {"queries": [queries[b].tolist()], "depth": 20, "clamp": clamp[b].tolist()})["results"][0]
        np.testing.assert_allclose(result.states[b], alone["state"], rtol=1e-6, atol=1e-6)
        assert result.nearest.id[b] == alone["nearest"]["id"]
    adapter.sent.clear()
    energy = store.energy(queries[:7], gradients=True)
    assert len([p for m, p in adapter.sent if m == "POST" and p.startswith("/v1/stores/split/energy")]) == 3
    assert energy.energies.shape == (7,) and energy.gradients is not None and energy.gradients.shape == (7, 4)
    points = json_post(small_server, "/v1/stores/split/energy", {"points": queries[:3].tolist()})
    np.testing.assert_allclose(energy.energies[:3], points["energies"], rtol=1e-6)


def test_an_explicit_max_queries_needs_no_info(small_server: Server) -> None:
    engram, adapter = counting_client(small_server, max_queries=2)
    store = engram.create_store("explicit", "mrdam", dim=2, beta=1)
    store.add(np.eye(2, dtype=np.float32))
    assert store.recall(np.eye(2, dtype=np.float32)[[0, 1, 0, 1, 0]], depth=2).states.shape == (5, 2)
    posts = [p for m, p in adapter.sent if m == "POST" and p.startswith("/v1/stores/explicit/recall")]
    assert len(posts) == 3 and ("GET", "/v1/info") not in adapter.sent
