"""engram_client against the live server. Oracles: the JSON API (sent with plain requests) and numpy."""

from __future__ import annotations

import hashlib
import sys
from typing import Any, Dict, List, Tuple

import numpy as np
import pytest
import requests
from requests.adapters import HTTPAdapter

from engram_client import Engram, EngramError, RecallResult, Store


# -- oracles -----------------------------------------------------------------------------------------


def json_post(server: Any, path: str, body: Dict[str, Any]) -> Dict[str, Any]:
    """The JSON API, without the client."""
    response = requests.post(server.url + path, json=body, timeout=60)
    assert response.status_code == 200, response.text
    return response.json()


def lse_energy_and_grad(x: np.ndarray, memories: np.ndarray, beta: float) -> Tuple[float, np.ndarray]:
    """mrdam lse in float64, written from the design: E = -(1/β) logsumexp(-β|x-ξ|²/2), ∇E = x - softmax @ Ξ."""
    a = -beta * ((x[None, :] - memories) ** 2).sum(axis=1) / 2
    top = a.max()
    w = np.exp(a - top)
    z = w.sum()
    return -(top + np.log(z)) / beta, x - (w / z) @ memories


def numpy_descent(q: np.ndarray, memories: np.ndarray, beta: float, alpha: float, depth: int,
                  clamp: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    x = q.astype(np.float64).copy()
    trace = []
    for _ in range(depth):
        e, g = lse_energy_and_grad(x, memories, beta)
        trace.append(e)
        x = x - alpha * g * (~clamp)
    return x, np.array(trace)


class CountingAdapter(HTTPAdapter):
    """Counts the requests sent through it, by method and path."""

    def __init__(self) -> None:
        super().__init__()
        self.sent: List[Tuple[str, str]] = []

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        self.sent.append((str(request.method), str(request.path_url)))
        return super().send(request, **kwargs)


def counting_client(server: Any, **options: Any) -> Tuple[Engram, CountingAdapter]:
    session = requests.Session()
    adapter = CountingAdapter()
    session.mount("http://", adapter)
    return Engram(server.url, session=session, **options), adapter


@pytest.fixture
def engram(server: Any) -> Engram:
    return Engram(server.url)


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(1123)


# -- stores --------------------------------------------------------------------------------------------


def test_create_list_info_delete(engram: Engram, store_name: str) -> None:
    store = engram.create_store(store_name, "mrdam", dim=3, beta=2.5, energy="sum")
    assert isinstance(store, Store) and store.name == store_name
    info = store.info()
    assert (info["name"], info["kind"], info["dim"], info["beta"], info["energy"], info["count"]) == \
        (store_name, "mrdam", 3, 2.5, "sum", 0)
    assert engram.store(store_name).info() == info
    assert store_name in [s["name"] for s in engram.stores()]
    # The same configuration again is fine; another one is a 409 carrying the problem.
    engram.create_store(store_name, "mrdam", dim=3, beta=2.5, energy="sum")
    with pytest.raises(EngramError) as caught:
        engram.create_store(store_name, "mrdam", dim=4, beta=2.5)
    assert caught.value.status == 409 and caught.value.title and caught.value.detail
    engram.delete_store(store_name)
    assert store_name not in [s["name"] for s in engram.stores()]
    with pytest.raises(EngramError) as caught:
        engram.delete_store(store_name)
    assert caught.value.status == 404


def test_drdam_config(engram: Engram, store_name: str) -> None:
    store = engram.create_store(store_name, "drdam", dim=4, beta=3, features=256, seed=7, kernel="cos",
                                energy="sum", eps=0.5, orthogonal=True)
    info = store.info()
    assert (info["kind"], info["features"], info["seed"], info["kernel"], info["energy"], info["eps"], info["orthogonal"]) == \
        ("drdam", 256, 7, "cos", "sum", 0.5, True)


def test_unknown_keywords_are_type_errors_before_any_request(engram: Engram, store_name: str) -> None:
    # `feature=100` once made a 4096-feature store: now it fails in Python, naming the keyword.
    with pytest.raises(TypeError, match="feature"):
        engram.create_store(store_name, "drdam", dim=4, beta=1, feature=100)  # type: ignore[call-arg]
    assert store_name not in [s["name"] for s in engram.stores()]
    store = engram.create_store(store_name, "mrdam", dim=2, beta=1)
    store.add([[1.0, 0.0]])
    for call in (lambda: store.recall([1.0, 0.0], steps=5), lambda: store.energy([1.0, 0.0], gradient=True),  # type: ignore[call-arg]
                 lambda: store.add([[0.0, 1.0]], idz=["a"])):  # type: ignore[call-arg]
        with pytest.raises(TypeError, match="steps|gradient|idz"):
            call()
    assert store.info()["count"] == 1


def test_server_refuses_unknown_fields_and_parameters(server: Any, store_name: str) -> None:
    # The oracle is the HTTP API without the client: 422 naming the field or parameter.
    body = {"kind": "drdam", "dim": 4, "beta": 1, "feature": 100}
    response = requests.put(f"{server.url}/v1/stores/{store_name}", json=body, timeout=60)
    assert response.status_code == 422 and "'feature'" in response.json()["detail"], response.text
    response = requests.get(f"{server.url}/v1/stores", params={"limit": "3"}, timeout=60)
    assert response.status_code == 422 and "'limit'" in response.json()["detail"], response.text


# -- errors --------------------------------------------------------------------------------------------


def test_unknown_store_is_404_with_detail(engram: Engram) -> None:
    with pytest.raises(EngramError) as caught:
        engram.store("no-such-store").info()
    error = caught.value
    assert error.status == 404
    assert error.title == "Not Found"
    assert "no-such-store" in error.detail
    assert error.request_id
    assert "404" in str(error) and "no-such-store" in str(error)
    with pytest.raises(EngramError) as caught:
        engram.store("no-such-store").recall(np.zeros(3), depth=1)
    assert caught.value.status == 404


def test_wrong_dimension_is_422_with_detail(engram: Engram, store_name: str) -> None:
    store = engram.create_store(store_name, "mrdam", dim=4, beta=1)
    for call in (lambda: store.add(np.ones((2, 5))),
                 lambda: store.forget(np.ones(3)),
                 lambda: store.energy(np.ones((1, 3)))):
        with pytest.raises(EngramError) as caught:
            call()
        assert caught.value.status == 422
        assert caught.value.title
        assert caught.value.detail, "the problem's detail is carried"
    store.add(np.eye(4))
    with pytest.raises(EngramError) as caught:
        store.recall(np.ones((1, 7)), depth=2)
    assert caught.value.status == 422 and caught.value.detail
    assert store.info()["count"] == 4, "a refused request changes nothing"


def test_empty_store_recall_is_409(engram: Engram, store_name: str) -> None:
    store = engram.create_store(store_name, "mrdam", dim=2, beta=1)
    with pytest.raises(EngramError) as caught:
        store.recall([0.5, 0.5], depth=3)
    assert caught.value.status == 409 and caught.value.detail


def test_client_side_shape_errors(engram: Engram, store_name: str) -> None:
    store = engram.create_store(store_name, "mrdam", dim=2, beta=1)
    with pytest.raises(ValueError):
        store.add(np.zeros((2, 2, 2)))
    with pytest.raises(ValueError):
        store.add(np.zeros((2, 2)), ids=["only-one"])


def test_unreachable_server_is_engram_error() -> None:
    with pytest.raises(EngramError) as caught:
        Engram("http://127.0.0.1:1", timeout=2).stores()
    assert caught.value.status == 0


# -- memories ------------------------------------------------------------------------------------------


def test_add_get_remove(engram: Engram, store_name: str, rng: np.random.Generator) -> None:
    store = engram.create_store(store_name, "mrdam", dim=5, beta=1)
    memories = rng.standard_normal((3, 5)).astype(np.float32)
    added = store.add(memories, ids=["a", "b", "c"])
    assert added["added"] == 3 and added["count"] == 3 and added["ids"] == ["a", "b", "c"]
    assert added["version"] == store.info()["version"]
    memory = store.get("b")
    assert memory.id == "b" and memory.index == 1
    assert memory.memory.dtype == np.float32
    np.testing.assert_array_equal(memory.memory, memories[1])
    # Without ids they are assigned; a 1-D array is one memory; float64 is rounded to float32.
    more = store.add(np.array([0.1, 0.2, 0.3, 0.4, 0.5]))
    assert more["added"] == 1 and more["count"] == 4 and len(more["ids"]) == 1
    np.testing.assert_array_equal(store.get(more["ids"][0]).memory,
                                  np.array([0.1, 0.2, 0.3, 0.4, 0.5], dtype=np.float32))
    store.remove("b")
    assert store.info()["count"] == 3
    with pytest.raises(EngramError) as caught:
        store.get("b")
    assert caught.value.status == 404 and "b" in caught.value.detail
    with pytest.raises(EngramError) as caught:
        store.add(memories[:1], ids=["a"])
    assert caught.value.status == 409


def test_drdam_keeps_no_memories(engram: Engram, store_name: str) -> None:
    store = engram.create_store(store_name, "drdam", dim=3, beta=1, features=64, seed=1)
    added = store.add(np.eye(3))
    assert added["ids"] == [] and added["count"] == 3
    with pytest.raises(EngramError) as caught:
        store.get("1")
    assert caught.value.status == 409


def test_add_in_chunks_with_ids(server: Any, store_name: str, rng: np.random.Generator) -> None:
    engram, adapter = counting_client(server)
    store = engram.create_store(store_name, "mrdam", dim=4, beta=1)
    memories = rng.standard_normal((103, 4)).astype(np.float32)
    ids = [f"m{i}" for i in range(103)]
    adapter.sent.clear()
    added = store.add(memories, ids=ids, chunk_size=10)
    posts = [p for m, p in adapter.sent if m == "POST"]
    assert len(posts) == 11, posts
    assert added["added"] == 103 and added["count"] == 103 and added["ids"] == ids
    for i in (0, 9, 10, 55, 102):
        memory = store.get(ids[i])
        assert memory.index == i
        np.testing.assert_array_equal(memory.memory, memories[i])


def test_add_chunks_by_body_limit(server: Any, store_name: str, rng: np.random.Generator) -> None:
    # A client told the server takes 2 KiB bodies cuts 1000 rows of 16 float32 (64 KiB) into ≥ 32 requests.
    engram, adapter = counting_client(server, max_body_bytes=2048 + 1024)
    store = engram.create_store(store_name, "mrdam", dim=16, beta=1)
    memories = rng.standard_normal((1000, 16)).astype(np.float32)
    adapter.sent.clear()
    added = store.add(memories)
    posts = [p for m, p in adapter.sent if m == "POST"]
    assert len(posts) == 32
    assert added["count"] == 1000 and len(added["ids"]) == 1000
    np.testing.assert_array_equal(store.get(added["ids"][-1]).memory, memories[-1])
    # And each request stays under the server's real limit when the client is told it.
    small = Engram(server.url, max_memories_per_request=7)
    assert small.store(store_name).add(memories[:20])["count"] == 1020


def test_add_progress_without_tqdm(engram: Engram, store_name: str, monkeypatch: pytest.MonkeyPatch,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setitem(sys.modules, "tqdm", None)  # import tqdm raises ImportError
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)
    store = engram.create_store(store_name, "mrdam", dim=2, beta=1)
    store.add(np.ones((30, 2)), chunk_size=10, progress=True)
    err = capsys.readouterr().err
    assert "10/30" in err and "30/30 rows (100%)" in err
    assert store.info()["count"] == 30


def test_forget(engram: Engram, store_name: str, rng: np.random.Generator) -> None:
    store = engram.create_store(store_name, "mrdam", dim=3, beta=1)
    memories = rng.standard_normal((6, 3)).astype(np.float32)
    store.add(memories)
    forgotten = store.forget(memories[[1, 4]], chunk_size=1)
    assert forgotten["forgotten"] == 2 and forgotten["count"] == 4
    assert store.info()["count"] == 4
    dense = engram.create_store(store_name + "d", "drdam", dim=3, beta=1, features=64, seed=3)
    dense.add(memories)
    assert dense.forget(memories[0])["count"] == 5


# -- recall --------------------------------------------------------------------------------------------


def assert_recall_equals_json(result: RecallResult, answer: Dict[str, Any], mrdam: bool) -> None:
    results = answer["results"]
    assert result.version == answer["version"]
    assert result.states.dtype == np.float32 and result.states.shape == (len(results), len(results[0]["state"]))
    np.testing.assert_array_equal(result.states, np.array([r["state"] for r in results], dtype=np.float32))
    np.testing.assert_array_equal(result.energy, np.array([r["energy"] for r in results], dtype=np.float32))
    np.testing.assert_array_equal(result.steps, [r["steps"] for r in results])
    if "energies" in results[0]:
        assert result.energies is not None
        for row, r in zip(result.energies, results):
            np.testing.assert_array_equal(row[: r["steps"]], np.array(r["energies"], dtype=np.float32))
    else:
        assert result.energies is None
    if mrdam:
        assert result.nearest is not None
        assert list(result.nearest.id) == [r["nearest"]["id"] for r in results]
        np.testing.assert_array_equal(result.nearest.index, [r["nearest"]["index"] for r in results])
        np.testing.assert_array_equal(result.nearest.distance,
                                      np.array([r["nearest"]["distance"] for r in results], dtype=np.float32))
    else:
        assert result.nearest is None
    assert result.warnings == [[w["code"] for w in r.get("warnings", [])] for r in results]
    if mrdam:
        assert result.clipped_steps is None and result.signal is None and result.noise is None
        assert all("signal" not in r and "clipped_steps" not in r for r in results)
    else:
        assert result.clipped_steps is not None and result.signal is not None and result.noise is not None
        np.testing.assert_array_equal(result.clipped_steps, [r["clipped_steps"] for r in results])
        for name, array in (("s", result.signal), ("noise", result.noise)):
            np.testing.assert_array_equal(
                array, np.array([[r["signal"]["start"][name], r["signal"]["end"][name]] for r in results], dtype=np.float32))


def test_recall_mrdam_equals_json_and_numpy(server: Any, engram: Engram, store_name: str,
                                            rng: np.random.Generator) -> None:
    beta, alpha, depth = 1.5, 0.1, 40
    store = engram.create_store(store_name, "mrdam", dim=8, beta=beta)
    memories = rng.standard_normal((12, 8)).astype(np.float32)
    store.add(memories, ids=[f"x{i}" for i in range(12)])
    queries = (memories[[0, 3, 5, 7]] + 0.6 * rng.standard_normal((4, 8))).astype(np.float32)
    result = store.recall(queries, depth=depth, alpha=alpha)
    assert result.energies is not None and result.energies.shape == (4, depth)
    answer = json_post(server, f"/v1/stores/{store_name}/recall",
                       {"queries": queries.tolist(), "depth": depth, "alpha": alpha})
    assert_recall_equals_json(result, answer, mrdam=True)
    # Independently, numpy in float64.
    for b in range(4):
        state, trace = numpy_descent(queries[b], memories.astype(np.float64), beta, alpha, depth,
                                     np.zeros(8, dtype=bool))
        np.testing.assert_allclose(result.states[b], state, rtol=1e-4, atol=1e-4)
        np.testing.assert_allclose(result.energies[b], trace, rtol=1e-4, atol=1e-4)
        distances = np.linalg.norm(memories.astype(np.float64) - result.states[b].astype(np.float64), axis=1)
        assert result.nearest is not None
        assert result.nearest.index[b] == np.argmin(distances)
        assert result.nearest.id[b] == f"x{np.argmin(distances)}"
        np.testing.assert_allclose(result.nearest.distance[b], distances.min(), rtol=1e-4, atol=1e-5)


def test_recall_one_query_clamp_tolerance_trace(server: Any, engram: Engram, store_name: str,
                                                rng: np.random.Generator) -> None:
    store = engram.create_store(store_name, "mrdam", dim=4, beta=8)
    store.add([[1, 0, 0, 1], [0, 1, 1, 0], [1, 1, 0, 0]], ids=["A", "B", "C"])
    query = [0.8, 0.3, 0.1, 0.9]
    clamp = [False, False, False, True]
    one = store.recall(query, depth=100, clamp=clamp)
    assert one.states.shape == (1, 4) and one.energies is not None and one.energies.shape == (1, 100)
    assert one.states[0, 3] == np.float32(0.9), "a clamped entry never changes"
    assert list(one.nearest.id) == ["A"]  # type: ignore[union-attr]
    answer = json_post(server, f"/v1/stores/{store_name}/recall",
                       {"queries": [query], "depth": 100, "clamp": clamp})
    assert_recall_equals_json(one, answer, mrdam=True)
    # A mask per query ([B, D]) travels in the .npz too.
    queries = np.array([query, [0.1, 0.9, 0.8, 0.2]], dtype=np.float32)
    masks = np.array([[True, False, False, False], [False, False, False, True]])
    two = store.recall(queries, depth=50, alpha=0.05, clamp=masks, trace=False)
    assert two.energies is None
    answer = json_post(server, f"/v1/stores/{store_name}/recall",
                       {"queries": queries.tolist(), "depth": 50, "alpha": 0.05, "clamp": masks.tolist(),
                        "trace": False})
    assert_recall_equals_json(two, answer, mrdam=True)
    assert two.states[0, 0] == queries[0, 0] and two.states[1, 3] == queries[1, 3]
    # With a tolerance a query stops early; the trace repeats its last energy after `steps`.
    early = store.recall(query, depth=1000, tolerance=1e-3)
    assert 0 < early.steps[0] < 1000
    answer = json_post(server, f"/v1/stores/{store_name}/recall",
                       {"queries": [query], "depth": 1000, "tolerance": 1e-3})
    assert_recall_equals_json(early, answer, mrdam=True)
    assert early.energies is not None
    assert np.all(early.energies[0, early.steps[0]:] == early.energy[0])


def test_recall_drdam_equals_json(server: Any, engram: Engram, store_name: str, rng: np.random.Generator) -> None:
    store = engram.create_store(store_name, "drdam", dim=6, beta=4, features=512, seed=11)
    memories = rng.standard_normal((5, 6)) / np.sqrt(6)
    store.add(memories)  # float64 travels too
    queries = memories + 0.1 * rng.standard_normal((5, 6))
    result = store.recall(queries, depth=30, alpha=0.2)
    answer = json_post(server, f"/v1/stores/{store_name}/recall",
                       {"queries": queries.astype(np.float32).tolist(), "depth": 30, "alpha": 0.2})
    assert_recall_equals_json(result, answer, mrdam=False)


# -- energy --------------------------------------------------------------------------------------------


def test_energy_equals_json_and_numpy(server: Any, engram: Engram, store_name: str,
                                      rng: np.random.Generator) -> None:
    beta = 2.0
    store = engram.create_store(store_name, "mrdam", dim=5, beta=beta)
    memories = rng.standard_normal((7, 5)).astype(np.float32)
    store.add(memories)
    points = rng.standard_normal((3, 5)).astype(np.float32)
    plain = store.energy(points)
    assert plain.gradients is None and plain.energies.shape == (3,) and plain.energies.dtype == np.float32
    both = store.energy(points, gradients=True)
    assert both.gradients is not None and both.gradients.shape == (3, 5)
    np.testing.assert_array_equal(both.energies, plain.energies)
    answer = json_post(server, f"/v1/stores/{store_name}/energy", {"points": points.tolist(), "gradients": True})
    assert both.version == answer["version"]
    np.testing.assert_array_equal(both.energies, np.array(answer["energies"], dtype=np.float32))
    np.testing.assert_array_equal(both.gradients, np.array(answer["gradients"], dtype=np.float32))
    for b in range(3):
        e, g = lse_energy_and_grad(points[b].astype(np.float64), memories.astype(np.float64), beta)
        np.testing.assert_allclose(both.energies[b], e, rtol=1e-5, atol=1e-5)
        np.testing.assert_allclose(both.gradients[b], g, rtol=1e-4, atol=1e-5)
    one = store.energy(points[2])
    assert one.energies.shape == (1,) and one.energies[0] == plain.energies[2]


# -- snapshots -----------------------------------------------------------------------------------------


def test_snapshots_download_restore_upload(engram: Engram, store_name: str, tmp_path: Any,
                                           rng: np.random.Generator) -> None:
    store = engram.create_store(store_name, "mrdam", dim=3, beta=2)
    memories = rng.standard_normal((4, 3)).astype(np.float32)
    store.add(memories, ids=["p", "q", "r", "s"])
    taken = store.snapshot()
    assert taken["version"] == store.info()["version"]
    listed = store.snapshots()
    assert [s["name"] for s in listed] == [taken["name"]]
    path = tmp_path / "copy.safetensors"
    assert store.download_snapshot(taken["name"], path) == str(path)
    data = path.read_bytes()
    assert len(data) == taken["size"] and hashlib.sha256(data).hexdigest() == taken["sha256"]
    before = store.recall(memories, depth=20)
    # Change the store, then restore: the memories are the snapshot's again.
    store.remove("q")
    store.add(np.ones(3), ids=["t"])
    restored = store.restore(taken["name"])
    assert restored["count"] == 4 and restored["version"] > taken["version"]
    np.testing.assert_array_equal(store.get("q").memory, memories[1])
    with pytest.raises(EngramError) as caught:
        store.get("t")
    assert caught.value.status == 404
    # Upload under another name: a copy that recalls the same.
    copy = engram.store(store_name + "-copy")
    uploaded = copy.upload_snapshot(path)
    assert uploaded["name"] == store_name + "-copy" and uploaded["count"] == 4 and uploaded["dim"] == 3
    after = copy.recall(memories, depth=20)
    np.testing.assert_array_equal(after.states, before.states)
    assert list(after.nearest.id) == list(before.nearest.id)  # type: ignore[union-attr]
    # A file that is not a snapshot: 422 with the detail.
    junk = tmp_path / "junk.safetensors"
    junk.write_bytes(b"not a snapshot")
    with pytest.raises(EngramError) as caught:
        copy.upload_snapshot(junk)
    assert caught.value.status == 422 and caught.value.detail
    with pytest.raises(EngramError) as caught:
        store.download_snapshot("nope.safetensors", tmp_path / "nope")
    assert caught.value.status in (404, 422)
    assert not (tmp_path / "nope").exists() and not (tmp_path / "nope.part").exists()
    store.delete_snapshot(taken["name"])
    assert store.snapshots() == []


def test_add_progress_with_tqdm(engram: Engram, store_name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    bars: List[Any] = []

    class FakeTqdm:
        def __init__(self, total: int, desc: str, unit: str) -> None:
            self.total = total
            self.updates: List[int] = []
            self.closed = False
            bars.append(self)

        def update(self, n: int) -> None:
            self.updates.append(n)

        def close(self) -> None:
            self.closed = True

    fake = type(sys)("tqdm.auto")
    fake.tqdm = FakeTqdm  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "tqdm.auto", fake)
    store = engram.create_store(store_name, "mrdam", dim=2, beta=1)
    store.add(np.ones((25, 2)), chunk_size=10, progress=True)
    assert len(bars) == 1 and bars[0].total == 25 and bars[0].updates == [10, 10, 5] and bars[0].closed


def test_checkpoint_health_store_delete(engram: Engram, store_name: str) -> None:
    assert engram.health()
    assert not Engram("http://127.0.0.1:1", timeout=2).health()
    store = engram.create_store(store_name, "mrdam", dim=2, beta=1)
    store.add([1.0, 2.0])
    report = engram.checkpoint()
    assert store_name in report["written"] and report["truncated"] in (True, False)
    store.delete()
    with pytest.raises(EngramError) as caught:
        store.info()
    assert caught.value.status == 404


def test_add_cuts_long_id_lists(server: Any, store_name: str, rng: np.random.Generator) -> None:
    # 3000 ids of 100 characters (~300 KB) travel in query strings of at most 64 KiB each.
    engram, adapter = counting_client(server)
    store = engram.create_store(store_name, "mrdam", dim=2, beta=1)
    memories = rng.standard_normal((3000, 2)).astype(np.float32)
    ids = [f"{i:05d}" + "x" * 95 for i in range(3000)]
    adapter.sent.clear()
    added = store.add(memories, ids=ids)
    posts = [p for m, p in adapter.sent if m == "POST"]
    assert len(posts) == 5 and all(len(p) < 70 * 1024 for p in posts)
    assert added["ids"] == ids and added["count"] == 3000
    np.testing.assert_array_equal(store.get(ids[2999]).memory, memories[2999])


# -- β calibration -----------------------------------------------------------------------------------


def fixed_points(memories: np.ndarray, beta: float) -> bool:
    """Whether every memory is a fixed point of the exact lse energy at β (gradient ≈ 0 within atol 1e-7,
    rtol 1e-5, the paper's test), in float64 from the float32 memories."""
    m = memories.astype(np.float32).astype(np.float64)
    return all(np.allclose(lse_energy_and_grad(x, m, beta)[1], 0, atol=1e-7, rtol=1e-5) for x in m)


def test_calibrate_beta_finds_the_smallest_beta_with_every_memory_fixed(server: Any, store_name: str) -> None:
    rng = np.random.default_rng(7)
    memories = rng.normal(size=(6, 20)) / np.sqrt(20)
    engram = Engram(server.url)
    found = engram.calibrate_beta(memories)
    beta = found["beta"]
    assert found["set"] is False and 0 < found["steps"] <= 40
    assert fixed_points(memories, beta), f"the memories are not fixed points at the β found, {beta}"
    assert not fixed_points(memories, beta - 0.01), f"they are already at {beta - 0.01}: {beta} is not the smallest"

    store = engram.create_store(store_name, "mrdam", 20, 1.0)
    store.add(memories)
    looked = store.calibrate()
    assert looked["set"] is False and store.info()["beta"] == 1.0
    assert abs(looked["beta"] - beta) < 1e-3
    chosen = store.calibrate(set=True)
    assert chosen["set"] is True
    assert store.info()["beta"] == pytest.approx(chosen["beta"], rel=1e-6)
