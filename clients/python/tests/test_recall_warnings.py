"""Recall diagnostics: steps at the lse clip, s(x) against its noise, and the warnings the client raises."""

from __future__ import annotations

import warnings
from typing import Any, Dict

import numpy as np
import pytest
import requests

from engram_client import Engram, RecallWarning


def json_recall(server: Any, name: str, body: Dict[str, Any]) -> Dict[str, Any]:
    response = requests.post(f"{server.url}/v1/stores/{name}/recall", json=body, timeout=60)
    assert response.status_code == 200, response.text
    return response.json()


def test_a_recall_held_at_the_clip_warns(server: Any, store_name: str) -> None:
    # sincos: |s(x)| <= the number of memories everywhere, so eps = 10 > 5 clips every state.
    engram = Engram(server.url)
    store = engram.create_store(store_name, "drdam", dim=4, beta=1, features=256, seed=3, eps=10)
    memories = np.random.default_rng(5).standard_normal((5, 4)).astype(np.float32)
    store.add(memories)
    queries = memories[:3]  # s ≈ 1, far above its noise ≈ √(5 / 512): only the clip is wrong
    with pytest.warns(RecallWarning) as caught:
        result = store.recall(queries, depth=25)
    codes = {str(w.message).split(":")[0] for w in caught}
    assert codes == {"clipped", "unchanged"}
    assert all("3 of 3 queries" in str(w.message) for w in caught)
    assert result.clipped_steps is not None and list(result.clipped_steps) == [25, 25, 25]
    assert result.warnings == [["clipped", "unchanged"]] * 3
    np.testing.assert_array_equal(result.states, queries)
    answer = json_recall(server, store_name, {"queries": queries.tolist(), "depth": 25})
    assert [r["clipped_steps"] for r in answer["results"]] == [25, 25, 25]
    assert [[w["code"] for w in r["warnings"]] for r in answer["results"]] == [["clipped", "unchanged"]] * 3
    assert all(w["message"] for r in answer["results"] for w in r["warnings"])


def test_a_well_posed_recall_is_quiet(server: Any, store_name: str) -> None:
    engram = Engram(server.url)
    beta, y = 2.0, 4096
    store = engram.create_store(store_name, "drdam", dim=6, beta=beta, features=y, seed=7)
    rng = np.random.default_rng(6)
    memories = 2 * rng.standard_normal((8, 6))
    store.add(memories)
    queries = (memories[:4] + 0.1 * rng.standard_normal((4, 6))).astype(np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RecallWarning)
        result = store.recall(queries, depth=20)
    assert result.warnings == [[], [], [], []]
    assert result.clipped_steps is not None and list(result.clipped_steps) == [0, 0, 0, 0]
    # s at the query is the kernel sum Σ exp(-β|q - ξ|²/2), to within a few times its noise, and the
    # noise is about √(count / 2Y) for sincos (within a factor 2: the memories are not all far apart).
    exact = np.exp(-beta * ((queries[:, None, :].astype(np.float64) - memories[None]) ** 2).sum(-1) / 2).sum(-1)
    assert result.signal is not None and result.noise is not None
    assert np.all(np.abs(result.signal[:, 0] - exact) < 4 * result.noise[:, 0])
    assert np.all((result.noise > 0.5 * np.sqrt(8 / (2 * y))) & (result.noise < 2 * np.sqrt(8 / (2 * y))))
    ratio = result.signal_to_noise
    assert ratio is not None and np.all(ratio > 10)


def test_queries_far_from_every_memory_are_under_the_noise(server: Any, store_name: str) -> None:
    # Far from every memory the kernel sum is ~0 and s is noise alone: s / noise is a standard normal
    # draw, under 1 for about 84% of queries (and the warning says so exactly when it is, at the query
    # or at the final state).
    engram = Engram(server.url)
    store = engram.create_store(store_name, "drdam", dim=6, beta=2, features=4096, seed=8, energy="sum")
    rng = np.random.default_rng(7)
    store.add(rng.standard_normal((8, 6)))
    far = (30 + rng.standard_normal((8, 6))).astype(np.float32)
    with pytest.warns(RecallWarning, match="signal_below_noise"):
        result = store.recall(far, depth=5)
    ratio = result.signal_to_noise
    assert ratio is not None and np.all(np.abs(ratio) < 5)
    below = [bool(np.any(r < 1)) for r in ratio]
    assert any(below)
    assert [("signal_below_noise" in codes) for codes in result.warnings] == below
    assert result.clipped_steps is not None and list(result.clipped_steps) == [0] * 8, "the sum energy has no clip"


def test_mrdam_has_no_signal_and_warns_when_nothing_moves(server: Any, store_name: str) -> None:
    engram = Engram(server.url)
    store = engram.create_store(store_name, "mrdam", dim=3, beta=2)
    store.add([[1, 0, 0], [0, 1, 0]])
    with pytest.warns(RecallWarning, match="unchanged: 1 of 2 queries"):
        result = store.recall([[0.9, 0.1, 0.0], [0.5, 0.5, 0.3]], depth=10, alpha=0.1, clamp=[[True] * 3, [False] * 3])
    assert result.clipped_steps is None and result.signal is None and result.noise is None
    assert result.signal_to_noise is None
    assert result.warnings == [["unchanged"], []]


def test_warnings_of_recalls_cut_into_several_requests_stay_per_query(server: Any, store_name: str) -> None:
    engram = Engram(server.url, max_queries=2)
    store = engram.create_store(store_name, "drdam", dim=4, beta=1, features=256, seed=3, eps=10)
    store.add(np.eye(4))
    with pytest.warns(RecallWarning) as caught:
        result = store.recall(np.zeros((5, 4)), depth=3)
    assert sorted(str(w.message).split(" (")[0] for w in caught) == ["clipped: 5 of 5 queries", "unchanged: 5 of 5 queries"]
    assert result.warnings == [["clipped", "unchanged"]] * 5
    assert result.clipped_steps is not None and list(result.clipped_steps) == [3] * 5
    assert result.signal is not None and result.signal.shape == (5, 2)
