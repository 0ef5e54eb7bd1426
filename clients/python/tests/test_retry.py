"""503 with Retry-After: retried a bounded number of times, sleeping Retry-After capped. API keys.

The live case: a server with one compute thread and no queue (`--max-queued-recalls 0`) answers 503
with `Retry-After: 1` to any recall while a long one computes; `--request-timeout 3` ends the long
one after 3 s, so the retried recall then succeeds. The retry loop alone is also tested with a fake
transport adapter.
"""

from __future__ import annotations

import threading
import time
from typing import Any, Iterator, List, Optional

import numpy as np
import pytest
import requests
from requests.adapters import BaseAdapter

from conftest import Server, start_server
from engram_client import Engram, EngramError


@pytest.fixture(scope="module")
def busy_server() -> Iterator[Server]:
    s = start_server("--max-queued-recalls", "0", "--compute-threads", "1", "--max-batch", "1",
                     "--request-timeout", "3")
    yield s
    assert s.stop() == 0


def recording(client: Engram) -> List[float]:
    """Makes the client record its retry sleeps (and still sleep them)."""
    slept: List[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        time.sleep(seconds)

    client.sleep = sleep
    return slept


def test_503_retry_after_live(busy_server: Server) -> None:
    engram = Engram(busy_server.url, max_retries=0)
    store = engram.create_store("busy", "mrdam", dim=256, beta=1)
    rng = np.random.default_rng(5)
    store.add(rng.standard_normal((2000, 256)))
    long_error: List[EngramError] = []

    def long_recall() -> None:  # ~100 s of descent, stopped by --request-timeout after 3 s
        try:
            Engram(busy_server.url, max_retries=0).store("busy").recall(rng.standard_normal((64, 256)), depth=100000, trace=False)
        except EngramError as error:
            long_error.append(error)

    thread = threading.Thread(target=long_recall)
    started = time.monotonic()
    thread.start()
    time.sleep(0.5)  # nothing competes with it for the compute thread meanwhile
    assert not long_error, f"the long recall did not start: {long_error}"
    # Without retries: the 503 at once, with its Retry-After and the problem detail.
    busy: Optional[EngramError] = None
    while busy is None and time.monotonic() - started < 2.2:
        try:
            store.recall(np.zeros(256), depth=1)
        except EngramError as error:
            busy = error
        time.sleep(0.02)
    assert busy is not None, "the long recall never made the server busy"
    assert busy.status == 503 and busy.retry_after == 1.0 and "busy" in busy.detail
    # Bounded: two retries, each sleeping Retry-After capped at 0.1 s, then the 503 is raised.
    bounded = Engram(busy_server.url, max_retries=2, max_retry_wait=0.1)
    slept = recording(bounded)
    with pytest.raises(EngramError) as caught:
        bounded.store("busy").energy(np.zeros(256))
    assert caught.value.status == 503
    assert slept == [0.1, 0.1]
    assert time.monotonic() - started < 3.0, "the long recall was still running throughout"
    # Enough retries: sleeps of Retry-After (1 s) until the long recall stops, then the answer.
    patient = Engram(busy_server.url, max_retries=10)
    slept = recording(patient)
    result = patient.store("busy").recall(np.zeros(256), depth=1)
    assert result.steps.tolist() == [1]
    assert 1 <= len(slept) <= 5 and all(s == 1.0 for s in slept)
    thread.join()
    assert long_error and long_error[0].status == 503 and "timeout" in long_error[0].detail


class FakeAdapter(BaseAdapter):
    """Answers from a script of (status, headers, body) and records each request."""

    def __init__(self, script: List[Any]) -> None:
        super().__init__()
        self.script = list(script)
        self.requests: List[requests.PreparedRequest] = []

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        self.requests.append(request)
        status, headers, body = self.script.pop(0)
        response = requests.Response()
        response.status_code = status
        response.headers.update(headers)
        response._content = body
        response.url = request.url or ""
        response.request = request
        return response

    def close(self) -> None:
        pass


def fake_client(script: List[Any], **options: Any) -> "tuple[Engram, FakeAdapter, List[float]]":
    session = requests.Session()
    adapter = FakeAdapter(script)
    session.mount("http://", adapter)
    client = Engram("http://engram.invalid", session=session, **options)
    slept: List[float] = []
    client.sleep = slept.append
    return client, adapter, slept


BUSY = (503, {"Retry-After": "7", "Content-Type": "application/problem+json"},
        b'{"type":"about:blank","title":"Service Unavailable","status":503,"detail":"busy"}')
OK = (200, {"Content-Type": "application/json"}, b'{"stores": []}')


def test_retry_loop_retries_then_succeeds() -> None:
    client, adapter, slept = fake_client([BUSY, BUSY, OK], max_retries=3, max_retry_wait=5)
    assert client.stores() == []
    assert len(adapter.requests) == 3 and slept == [5, 5]  # Retry-After 7, capped at 5


def test_retry_loop_is_bounded() -> None:
    client, adapter, slept = fake_client([BUSY] * 4, max_retries=3)
    with pytest.raises(EngramError) as caught:
        client.stores()
    assert len(adapter.requests) == 4 and slept == [7, 7, 7]
    assert (caught.value.status, caught.value.title, caught.value.detail, caught.value.retry_after) == \
        (503, "Service Unavailable", "busy", 7.0)


def test_no_retry_without_retry_after_or_for_other_statuses() -> None:
    timeout = (503, {"Content-Type": "application/problem+json"},
               b'{"type":"about:blank","title":"Service Unavailable","status":503,"detail":"timeout"}')
    client, adapter, slept = fake_client([timeout], max_retries=3)
    with pytest.raises(EngramError) as caught:
        client.stores()
    assert caught.value.detail == "timeout" and slept == [] and len(adapter.requests) == 1
    teapot = (418, {"Content-Type": "text/plain"}, b"short and stout")
    client, adapter, slept = fake_client([teapot], max_retries=3)
    with pytest.raises(EngramError) as caught:
        client.stores()
    assert caught.value.status == 418 and caught.value.detail == "short and stout" and slept == []


def test_retry_resends_the_body() -> None:
    client, adapter, slept = fake_client(
        [BUSY, (200, {"Content-Type": "application/json"}, b'{"added":1,"count":1,"ids":["1"],"version":1}')],
        max_retries=1)
    client.store("s").add(np.ones(3))
    assert len(adapter.requests) == 2 and adapter.requests[0].body == adapter.requests[1].body
    assert adapter.requests[1].headers["Content-Type"] == "application/x-npy"


def test_api_key_header() -> None:
    s = start_server(env={"ENGRAM_API_KEY": "sesame-0123456789"})
    try:
        with pytest.raises(EngramError) as caught:
            Engram(s.url).stores()
        assert caught.value.status == 401 and caught.value.detail
        with pytest.raises(EngramError) as caught:
            Engram(s.url, api_key="wrong").stores()
        assert caught.value.status == 401
        engram = Engram(s.url, api_key="sesame-0123456789")
        engram.create_store("keyed", "mrdam", dim=2, beta=1).add([1.0, 0.0])
        assert [x["name"] for x in engram.stores()] == ["keyed"]
    finally:
        assert s.stop() == 0
