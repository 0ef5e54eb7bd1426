"""The Engram HTTP client: stores, memories, recall, energy and snapshots, with arrays as .npy/.npz."""

from __future__ import annotations

import io
import os
import sys
import time
import warnings
from dataclasses import dataclass, field
from typing import Any, BinaryIO, Callable, Dict, Iterator, List, Mapping, Optional, Sequence, Tuple, Union

import numpy as np
import requests

__all__ = [
    "Engram",
    "Store",
    "EngramError",
    "RecallResult",
    "RecallWarning",
    "Nearest",
    "EnergyResult",
    "Memory",
]

PathLike = Union[str, "os.PathLike[str]"]
ArrayLike = Any  # anything np.asarray takes: ndarrays, nested lists

NPY = "application/x-npy"
NPZ = "application/x-npz"

#: The server's default `--max-body-bytes` (64 MiB).
DEFAULT_MAX_BODY_BYTES = 64 * 1024 * 1024
#: The server's default `--max-memories-per-request`.
DEFAULT_MAX_MEMORIES_PER_REQUEST = 100_000
#: The server's default `--max-queries`, assumed when a server does not report its limits (/v1/info).
DEFAULT_MAX_QUERIES = 4096
#: Bytes of ids one add request carries in its query string, at most.
DEFAULT_MAX_IDS_BYTES = 64 * 1024


class EngramError(Exception):
    """Any failure the server reports, or a response the client cannot read.

    Attributes:
        status: The HTTP status (the problem's ``status``), 0 when no response arrived.
        title: The problem's ``title`` (e.g. ``"Not Found"``).
        detail: The problem's ``detail``: what is wrong, in the server's words.
        type: The problem's ``type`` (``"about:blank"`` for the server's problems).
        retry_after: The ``Retry-After`` header in seconds, when the server sent one.
        request_id: The server's ``X-Request-Id`` for the request, when sent (find it in its logs).
    """

    def __init__(
        self,
        status: int,
        title: str,
        detail: str,
        type: str = "about:blank",
        retry_after: Optional[float] = None,
        request_id: Optional[str] = None,
    ) -> None:
        super().__init__(f"{status} {title}: {detail}")
        self.status = status
        self.title = title
        self.detail = detail
        self.type = type
        self.retry_after = retry_after
        self.request_id = request_id

    @classmethod
    def from_response(cls, response: requests.Response) -> "EngramError":
        """Builds the error from a response that is not a success, reading its problem+json body."""
        title = response.reason or "Error"
        detail = ""
        type_ = "about:blank"
        status = response.status_code
        try:
            body = response.json()
        except ValueError:
            body = None
        if isinstance(body, dict):
            title = str(body.get("title", title))
            detail = str(body.get("detail", ""))
            type_ = str(body.get("type", type_))
            if isinstance(body.get("status"), int):
                status = body["status"]
        else:
            detail = response.text[:1000]
        return cls(
            status,
            title,
            detail,
            type_,
            retry_after=_parse_retry_after(response.headers.get("Retry-After")),
            request_id=response.headers.get("X-Request-Id"),
        )


def _parse_retry_after(value: Optional[str]) -> Optional[float]:
    """Seconds from a Retry-After header (delta-seconds, or an HTTP date); None when absent or unreadable."""
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        from email.utils import parsedate_to_datetime

        when = parsedate_to_datetime(value)
        return max(0.0, when.timestamp() - time.time())
    except (TypeError, ValueError, IndexError):
        return None


@dataclass
class Nearest:
    """mrdam only: for each query, the memory nearest to its final state.

    Attributes:
        index: int64 [B], the memory's row.
        id: str [B], the memory's id.
        distance: float32 [B], the Euclidean distance from the final state.
    """

    index: np.ndarray
    id: np.ndarray
    distance: np.ndarray


class RecallWarning(UserWarning):
    """A recall that may have done nothing useful: :meth:`Store.recall` issues one per warning code
    the server reported (the codes are in docs/api.md, "Recall warnings"; the per-query codes stay on
    :attr:`RecallResult.warnings`). Silence them with ``warnings.simplefilter("ignore", RecallWarning)``.
    """


#: What each of the server's recall warning codes means (its own words are in the JSON response).
RECALL_WARNINGS = {
    "clipped": "every step was at the lse clip (s(x) <= eps): the energy was flat and the state did not move",
    "unchanged": "the final state equals the query: the descent did not move it",
    "signal_below_noise": "s(x) is under its random-feature noise at the query or the result",
}


@dataclass
class RecallResult:
    """The result of one recall of B queries in a store of dimension D.

    Attributes:
        states: float32 [B, D], the final states.
        energy: float32 [B], the final states' energies.
        energies: float32 [B, depth], the energy traces (None with ``trace=False``); a query that
            stopped early repeats its final energy after ``steps`` entries.
        steps: int64 [B], the descent steps each query took.
        nearest: The nearest memories (mrdam), None for drdam.
        version: The store version recalled from.
        clipped_steps: int64 [B], drdam: the steps each query spent at the lse clip (zero gradient);
            None for mrdam.
        signal: float32 [B, 2], drdam: s(x) = <phi(x), T> at the query and at the final state; None for mrdam.
        noise: float32 [B, 2], drdam: the random-feature noise of those s (their standard deviation
            over feature seeds, estimated from the features); None for mrdam.
        warnings: Per query, the warning codes the server reported (``[]``: none), see :class:`RecallWarning`.
    """

    states: np.ndarray
    energy: np.ndarray
    energies: Optional[np.ndarray]
    steps: np.ndarray
    nearest: Optional[Nearest]
    version: int
    clipped_steps: Optional[np.ndarray] = None
    signal: Optional[np.ndarray] = None
    noise: Optional[np.ndarray] = None
    warnings: List[List[str]] = field(default_factory=list)

    @property
    def signal_to_noise(self) -> Optional[np.ndarray]:
        """float32 [B, 2], drdam: ``signal / noise`` at the query and at the final state (under 1: noise)."""
        if self.signal is None or self.noise is None:
            return None
        with np.errstate(divide="ignore", invalid="ignore"):
            return self.signal / self.noise


@dataclass
class EnergyResult:
    """Energies at B points.

    Attributes:
        energies: float32 [B].
        gradients: float32 [B, D] when asked, else None.
        version: The store version computed from.
    """

    energies: np.ndarray
    gradients: Optional[np.ndarray]
    version: int


@dataclass
class Memory:
    """One memory of an mrdam store: its ``id``, its row ``index`` and the vector (float32 [D])."""

    id: str
    index: int
    memory: np.ndarray


def _rows(array: ArrayLike, what: str) -> np.ndarray:
    """The array as float32-or-float64 C-contiguous rows [N, D]; a 1-D array is one row.

    Raises ValueError for an array of another shape or with no rows (the server takes at least one).
    """
    a = np.asarray(array)
    if a.dtype != np.float64:
        a = a.astype(np.float32, copy=False)
    if a.ndim == 1:
        a = a.reshape(1, -1)
    if a.ndim != 2:
        raise ValueError(f"{what} must be 1-D (one row) or 2-D [rows, dim], not {a.ndim}-D")
    if a.shape[0] == 0:
        raise ValueError(f"{what}: no rows")
    return np.ascontiguousarray(a)


def _join(parts: List[RecallResult]) -> RecallResult:
    """The results of consecutive requests of one recall, as one result (rows in order, the last version)."""

    def rows(arrays: List[Optional[np.ndarray]]) -> Optional[np.ndarray]:
        return None if arrays[0] is None else np.concatenate(arrays)  # type: ignore[arg-type]

    nearest = None
    if parts[0].nearest is not None:
        nearest = Nearest(
            index=np.concatenate([p.nearest.index for p in parts]),  # type: ignore[union-attr]
            id=np.concatenate([p.nearest.id for p in parts]),  # type: ignore[union-attr]
            distance=np.concatenate([p.nearest.distance for p in parts]),  # type: ignore[union-attr]
        )
    return RecallResult(
        states=np.concatenate([p.states for p in parts]),
        energy=np.concatenate([p.energy for p in parts]),
        energies=rows([p.energies for p in parts]),
        steps=np.concatenate([p.steps for p in parts]),
        nearest=nearest,
        version=parts[-1].version,
        clipped_steps=rows([p.clipped_steps for p in parts]),
        signal=rows([p.signal for p in parts]),
        noise=rows([p.noise for p in parts]),
        warnings=[codes for p in parts for codes in p.warnings],
    )


def _warn(result: RecallResult) -> None:
    """One :class:`RecallWarning` per warning code among the result's queries, saying how many had it."""
    queries: Dict[str, List[int]] = {}
    for b, codes in enumerate(result.warnings):
        for code in codes:
            queries.setdefault(code, []).append(b)
    for code, which in queries.items():
        shown = ", ".join(str(b) for b in which[:8]) + (", ..." if len(which) > 8 else "")
        meaning = RECALL_WARNINGS.get(code, "see the server's documentation")
        warnings.warn(f"{code}: {len(which)} of {len(result.warnings)} queries ({shown}): {meaning}",
                      RecallWarning, stacklevel=3)


def _npy(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=False)
    return buffer.getvalue()


def _npz(arrays: Dict[str, np.ndarray]) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)  # type: ignore[arg-type]
    return buffer.getvalue()


def _flag(value: bool) -> str:
    return "true" if value else "false"


def _number(value: float) -> str:
    return repr(float(value))


class _Progress:
    """A progress bar over `total` rows: tqdm when it is installed, else a line of text on stderr."""

    def __init__(self, total: int, description: str) -> None:
        self._total = total
        self._done = 0
        self._description = description
        self._bar: Any = None
        try:
            from tqdm.auto import tqdm  # type: ignore[import-untyped, unused-ignore]  # optional, imported when asked for

            self._bar = tqdm(total=total, desc=description, unit="rows")
        except ImportError:
            self._bar = None
            self._print()

    def _print(self) -> None:
        percent = 100.0 * self._done / self._total if self._total else 100.0
        sys.stderr.write(f"\r{self._description}: {self._done}/{self._total} rows ({percent:.0f}%)")
        sys.stderr.flush()

    def update(self, rows: int) -> None:
        self._done += rows
        if self._bar is not None:
            self._bar.update(rows)
        else:
            self._print()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
        else:
            sys.stderr.write("\n")
            sys.stderr.flush()


class Engram:
    """A connection to one Engram server.

    Args:
        url: The server's base URL, e.g. ``"http://127.0.0.1:8080"``.
        api_key: Sent as the ``api-key`` header when given.
        timeout: Seconds to wait for each response (``requests``' timeout).
        max_retries: How many times a 503 answered with ``Retry-After`` (the compute queue is full, the
            server shuts down) is tried again before :class:`EngramError` is raised.
        max_retry_wait: The longest sleep between two tries, in seconds (Retry-After is capped by it).
        max_body_bytes: The server's ``--max-body-bytes``: adds and forgets are cut into requests
            below it.
        max_memories_per_request: The server's ``--max-memories-per-request``: the most rows per add
            or forget request.
        max_queries: The most queries per recall, or points per energy, request: recalls and energies
            of more are cut into several requests. By default the server's ``max_queries``, read from
            ``GET /v1/info`` on the first recall or energy (4096 from a server that does not report it).
        session: A ``requests.Session`` to send with (one is made when absent).
    """

    def __init__(
        self,
        url: str,
        api_key: Optional[str] = None,
        timeout: Optional[float] = 300.0,
        *,
        max_retries: int = 5,
        max_retry_wait: float = 30.0,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        max_memories_per_request: int = DEFAULT_MAX_MEMORIES_PER_REQUEST,
        max_queries: Optional[int] = None,
        session: Optional[requests.Session] = None,
    ) -> None:
        self.url = url.rstrip("/")
        self.timeout = timeout
        self.max_retries = max_retries
        self.max_retry_wait = max_retry_wait
        self.max_body_bytes = max_body_bytes
        self.max_memories_per_request = max_memories_per_request
        self._max_queries = max_queries
        self.session = session if session is not None else requests.Session()
        self._headers: Dict[str, str] = {}
        if api_key is not None:
            self._headers["api-key"] = api_key
        #: Called as ``sleep(seconds)`` between retries (replaceable in tests).
        self.sleep: Callable[[float], None] = time.sleep

    def __repr__(self) -> str:
        return f"Engram({self.url!r})"

    def __enter__(self) -> "Engram":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def close(self) -> None:
        """Closes the HTTP session's connections."""
        self.session.close()

    # -- transport ---------------------------------------------------------------------------------

    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        data: Union[bytes, BinaryIO, None] = None,
        params: Optional[Mapping[str, str]] = None,
        content_type: Optional[str] = None,
        accept: Optional[str] = None,
        stream: bool = False,
    ) -> requests.Response:
        """Sends one request, retrying a 503 with ``Retry-After``; raises :class:`EngramError` on a failure.

        ``path`` starts with ``/`` (e.g. ``/v1/stores``). Returns the successful response.
        """
        headers = dict(self._headers)
        if content_type is not None:
            headers["Content-Type"] = content_type
        if accept is not None:
            headers["Accept"] = accept
        attempt = 0
        while True:
            if data is not None and hasattr(data, "seek"):
                data.seek(0)  # a file body is sent again from its start
            try:
                response = self.session.request(
                    method,
                    self.url + path,
                    json=json,
                    data=data,
                    params=params,
                    headers=headers,
                    timeout=self.timeout,
                    stream=stream,
                )
            except requests.RequestException as error:
                raise EngramError(0, type(error).__name__, str(error)) from error
            if response.ok:
                return response
            retry_after = _parse_retry_after(response.headers.get("Retry-After"))
            if response.status_code == 503 and retry_after is not None and attempt < self.max_retries:
                response.close()
                attempt += 1
                self.sleep(min(retry_after, self.max_retry_wait))
                continue
            failure = EngramError.from_response(response)
            response.close()
            raise failure

    # -- the server --------------------------------------------------------------------------------

    def info(self) -> Dict[str, Any]:
        """The server's ``{"version", "limits"}``: its version and every limit in force, by flag name."""
        return dict(self.request("GET", "/v1/info").json())

    @property
    def max_queries(self) -> int:
        """The most queries (or points) one request may carry: as given, else the server's (asked once)."""
        if self._max_queries is None:
            try:
                self._max_queries = int(self.info()["limits"]["max_queries"])
            except EngramError as error:
                if error.status not in (404, 405):
                    raise
                self._max_queries = DEFAULT_MAX_QUERIES
        return self._max_queries

    # -- stores ------------------------------------------------------------------------------------

    def create_store(
        self,
        name: str,
        kind: str,
        dim: int,
        beta: float,
        *,
        energy: Optional[str] = None,
        kernel: Optional[str] = None,
        features: Optional[int] = None,
        seed: Optional[int] = None,
        eps: Optional[float] = None,
        orthogonal: Optional[bool] = None,
        transform: Optional[str] = None,
    ) -> "Store":
        """Creates a store (or finds it, when it exists with this configuration) and returns it.

        An argument left ``None`` is not sent (the server's default applies); a keyword this method
        does not take (``feature=100``) is a ``TypeError`` before any request.

        Args:
            name: The store's name (``[A-Za-z0-9][A-Za-z0-9._-]{0,63}``).
            kind: ``"mrdam"`` (every memory kept, exact energy) or ``"drdam"`` (random features).
            dim: The dimension of memories and queries.
            beta: The inverse temperature.
            energy: ``"lse"`` (default) or ``"sum"``.
            kernel: drdam only: ``"sincos"`` (default), ``"cos"``, ``"exp"`` or ``"expexp"``.
            features: drdam only: the number of random features (default 4096).
            seed: drdam only: the features' seed (random when absent).
            eps: drdam only: the lse clip.
            orthogonal: drdam only: block-orthogonal features (default false; dense features only).
            transform: drdam only: ``"dense"`` (default: Ω [Y, D] stored) or ``"structured"`` (SORF
                blocks: 4·P·⌈Y/P⌉ numbers, P the smallest power of two ≥ dim).

        Raises:
            EngramError: 409 when the store exists with another configuration, 422 for values out of
                range (and for a drdam argument given to an mrdam store).
        """
        body: Dict[str, Any] = {"kind": kind, "dim": int(dim), "beta": float(beta)}
        optional = {"energy": energy, "kernel": kernel, "features": features, "seed": seed, "eps": eps, "orthogonal": orthogonal,
                    "transform": transform}
        body.update({key: value for key, value in optional.items() if value is not None})
        self.request("PUT", f"/v1/stores/{name}", json=body)
        return Store(self, name)

    def store(self, name: str) -> "Store":
        """A handle on the store called ``name`` (no request is sent: a missing store fails on use)."""
        return Store(self, name)

    def stores(self) -> List[Dict[str, Any]]:
        """Every store the key may see, each as its description (``name``, ``kind``, ``dim``, ``count``, …)."""
        return list(self.request("GET", "/v1/stores").json()["stores"])

    def delete_store(self, name: str) -> None:
        """Deletes a store and its memories (its snapshots are kept). 404 when there is none."""
        self.request("DELETE", f"/v1/stores/{name}")

    def calibrate_beta(self, memories: ArrayLike, energy: Optional[str] = None) -> Dict[str, Any]:
        """The smallest β at which every one of ``memories`` [K, D] is a fixed point of the exact energy
        (the DrDAM paper's bisection), to choose β before creating a store: ``{"beta", "steps", "set"}``.

        Args:
            memories: [K, D], sent as ``.npy``.
            energy: ``"lse"`` (default) or ``"sum"``.

        Raises:
            EngramError: 422 when even β = 600 does not make every memory a fixed point, or for more
                memories than the server's ``--max-queries``.
        """
        params = {} if energy is None else {"energy": energy}
        response = self.request("POST", "/v1/calibrate", data=_npy(_rows(memories, "memories")), params=params, content_type=NPY)
        return dict(response.json())

    def checkpoint(self) -> Dict[str, Any]:
        """Writes a checkpoint now; returns the server's report."""
        return dict(self.request("POST", "/v1/checkpoint").json())

    def health(self) -> bool:
        """Whether the server answers ``/readyz`` with 200 (recovered and serving)."""
        try:
            self.request("GET", "/readyz")
            return True
        except EngramError:
            return False


class Store:
    """One store of an :class:`Engram` server. Get one from :meth:`Engram.store` or :meth:`Engram.create_store`."""

    def __init__(self, client: Engram, name: str) -> None:
        self.client = client
        self.name = name

    def __repr__(self) -> str:
        return f"Store({self.name!r})"

    @property
    def _path(self) -> str:
        return f"/v1/stores/{self.name}"

    def info(self) -> Dict[str, Any]:
        """The store's description: configuration, ``count``, ``version`` and ``bytes``."""
        return dict(self.client.request("GET", self._path).json())

    def delete(self) -> None:
        """Deletes the store (its snapshots are kept)."""
        self.client.delete_store(self.name)

    # -- memories ----------------------------------------------------------------------------------

    def _chunk_rows(self, dim: int, itemsize: int, chunk_size: Optional[int], most: Optional[int] = None) -> int:
        """Rows per request: ``chunk_size`` when given, else as many as the server's body limit and
        ``most`` (by default its memories-per-request limit) allow."""
        if chunk_size is not None:
            if chunk_size < 1:
                raise ValueError("chunk_size must be at least 1")
            return chunk_size
        by_bytes = (self.client.max_body_bytes - 1024) // max(1, dim * itemsize)
        return max(1, min(self.client.max_memories_per_request if most is None else most, by_bytes))

    def _chunks(
        self, count: int, rows: int, ids: Optional[Sequence[str]]
    ) -> Iterator[Tuple[int, int]]:
        """[start, end) ranges of at most ``rows`` rows, cut shorter so that the ids fit a query string."""
        start = 0
        while start < count:
            end = min(count, start + rows)
            if ids is not None:
                size = 0
                for i in range(start, end):
                    size += len(ids[i]) + 1
                    if size > DEFAULT_MAX_IDS_BYTES and i > start:
                        end = i
                        break
            yield start, end
            start = end

    def add(
        self,
        array: ArrayLike,
        ids: Optional[Sequence[str]] = None,
        *,
        chunk_size: Optional[int] = None,
        progress: bool = False,
    ) -> Dict[str, Any]:
        """Adds memories, rows of ``array`` ([K, D], or [D] for one), sent as ``.npy``.

        A large array is sent in requests of at most ``chunk_size`` rows (by default as many as
        the server's body and per-request limits allow); each request is durable on its own, so a
        failure midway leaves the earlier chunks added.

        Args:
            array: The memories.
            ids: mrdam only: one id per memory (assigned ``"1"``, ``"2"``, … when absent).
            chunk_size: Rows per request.
            progress: Show a progress bar (tqdm when installed, else a line on stderr).

        Returns:
            ``{"added", "count", "ids", "version"}`` over every chunk: the rows added, the count and
            version after the last chunk, and every new id (empty for drdam).
        """
        rows = _rows(array, "memories")
        if ids is not None:
            ids = [str(i) for i in ids]
            if len(ids) != rows.shape[0]:
                raise ValueError(f"{len(ids)} ids for {rows.shape[0]} memories")
        per = self._chunk_rows(rows.shape[1], rows.itemsize, chunk_size)
        bar = _Progress(rows.shape[0], f"add {self.name}") if progress else None
        total: Dict[str, Any] = {"added": 0, "count": None, "ids": [], "version": None}
        try:
            for start, end in self._chunks(rows.shape[0], per, ids):
                params = {"ids": ",".join(ids[start:end])} if ids is not None else None
                answer = self.client.request(
                    "POST", f"{self._path}/memories", data=_npy(rows[start:end]), params=params,
                    content_type=NPY,
                ).json()
                total["added"] += answer["added"]
                total["count"] = answer["count"]
                total["ids"].extend(answer["ids"])
                total["version"] = answer["version"]
                if bar is not None:
                    bar.update(end - start)
        finally:
            if bar is not None:
                bar.close()
        return total

    def forget(self, array: ArrayLike, *, chunk_size: Optional[int] = None) -> Dict[str, Any]:
        """Forgets memories by value: drdam subtracts their features, mrdam removes the rows equal to them.

        Returns ``{"forgotten", "count", "version"}`` (summed over chunks, as :meth:`add`).
        """
        rows = _rows(array, "memories")
        per = self._chunk_rows(rows.shape[1], rows.itemsize, chunk_size)
        total: Dict[str, Any] = {"forgotten": 0, "count": None, "version": None}
        for start, end in self._chunks(rows.shape[0], per, None):
            answer = self.client.request(
                "POST", f"{self._path}/memories/forget", data=_npy(rows[start:end]), content_type=NPY
            ).json()
            total["forgotten"] += answer["forgotten"]
            total["count"] = answer["count"]
            total["version"] = answer["version"]
        return total

    def get(self, id: str) -> Memory:
        """One memory of an mrdam store by id (404 when there is none; 409 for drdam, which keeps none)."""
        answer = self.client.request("GET", f"{self._path}/memories/{id}").json()
        return Memory(
            id=answer["id"], index=int(answer["index"]), memory=np.asarray(answer["memory"], dtype=np.float32)
        )

    def remove(self, id: str) -> None:
        """Removes one memory of an mrdam store by id."""
        self.client.request("DELETE", f"{self._path}/memories/{id}")

    # -- compute -----------------------------------------------------------------------------------

    def recall(
        self,
        queries: ArrayLike,
        depth: int = 1000,
        alpha: float = 0.1,
        clamp: Optional[ArrayLike] = None,
        tolerance: float = 0.0,
        *,
        trace: bool = True,
    ) -> RecallResult:
        """Energy descent from each query: ``depth`` steps of size ``alpha`` (see the server's docs).

        Args:
            queries: [B, D], or [D] for one query.
            depth: Steps at most.
            alpha: Step size.
            clamp: bool [D] (every query) or [B, D]: True entries are held fixed.
            tolerance: With tolerance > 0 a query stops once no entry moved by that much.
            trace: Return the energy traces (``energies``).

        More queries than the server takes in one request (its ``max_queries``, or its body limit)
        are sent in several requests and their results joined in order; ``version`` is then the last
        request's.

        A query whose recall may have done nothing (every step at the lse clip, a state that did not
        move, a signal under the random-feature noise) raises a :class:`RecallWarning` through
        :func:`warnings.warn`, one per code; the codes stay on ``RecallResult.warnings``.
        """
        q = _rows(queries, "queries")
        masks = None if clamp is None else np.asarray(clamp, dtype=np.bool_)
        per = self._chunk_rows(q.shape[1], q.itemsize, None, most=self.client.max_queries)
        parts = []
        for start in range(0, q.shape[0], per):
            part_clamp = masks[start:start + per] if masks is not None and masks.ndim == 2 else masks
            parts.append(self._recall(q[start:start + per], depth, alpha, part_clamp, tolerance, trace))
        result = parts[0] if len(parts) == 1 else _join(parts)
        _warn(result)
        return result

    def _recall(
        self, q: np.ndarray, depth: int, alpha: float, clamp: Optional[np.ndarray], tolerance: float, trace: bool
    ) -> RecallResult:
        """One recall request of the queries ``q``."""
        params = {
            "depth": str(int(depth)),
            "alpha": _number(alpha),
            "tolerance": _number(tolerance),
            "trace": _flag(trace),
        }
        if clamp is None:
            body, content_type = _npy(q), NPY
        else:
            body, content_type = _npz({"queries": q, "clamp": clamp}), NPZ
        response = self.client.request(
            "POST", f"{self._path}/recall", data=body, params=params, content_type=content_type, accept=NPZ
        )
        arrays = np.load(io.BytesIO(response.content), allow_pickle=False)
        nearest = None
        if "nearest" in arrays.files:
            nearest = Nearest(
                index=arrays["nearest"], id=arrays["nearest_id"], distance=arrays["nearest_distance"]
            )
        return RecallResult(
            states=arrays["states"],
            energy=arrays["energy"],
            energies=arrays["energies"] if "energies" in arrays.files else None,
            steps=arrays["steps"],
            nearest=nearest,
            version=int(response.headers.get("Engram-Version", -1)),
            clipped_steps=arrays["clipped_steps"] if "clipped_steps" in arrays.files else None,
            signal=arrays["signal"] if "signal" in arrays.files else None,
            noise=arrays["noise"] if "noise" in arrays.files else None,
            warnings=[str(codes).split(",") if codes else [] for codes in arrays["warnings"]],
        )

    def energy(self, points: ArrayLike, gradients: bool = False) -> EnergyResult:
        """The energy at each point ([B, D], or [D] for one), and its gradient when ``gradients``.

        More points than one request takes are sent in several, as :meth:`recall` sends queries.
        """
        p = _rows(points, "points")
        per = self._chunk_rows(p.shape[1], p.itemsize, None, most=self.client.max_queries)
        parts = [self._energy(p[start:start + per], gradients) for start in range(0, p.shape[0], per)]
        if len(parts) == 1:
            return parts[0]
        return EnergyResult(
            energies=np.concatenate([part.energies for part in parts]),
            gradients=None if parts[0].gradients is None else np.concatenate([part.gradients for part in parts]),  # type: ignore[misc]
            version=parts[-1].version,
        )

    def _energy(self, p: np.ndarray, gradients: bool) -> EnergyResult:
        """One energy request at the points ``p``."""
        response = self.client.request(
            "POST", f"{self._path}/energy", data=_npy(p), params={"gradients": _flag(gradients)},
            content_type=NPY, accept=NPZ,
        )
        arrays = np.load(io.BytesIO(response.content), allow_pickle=False)
        return EnergyResult(
            energies=arrays["energies"],
            gradients=arrays["gradients"] if "gradients" in arrays.files else None,
            version=int(response.headers.get("Engram-Version", -1)),
        )

    def calibrate(self, set: bool = False) -> Dict[str, Any]:
        """mrdam: the smallest β at which every memory of the store is a fixed point of its exact energy,
        ``{"beta", "steps", "set"}``; with ``set=True`` the store's β becomes it (a logged write).

        Raises:
            EngramError: 422 on a drdam store (send its memories to :meth:`Engram.calibrate_beta`).
        """
        return dict(self.client.request("POST", f"{self._path}/calibrate", json={"set": bool(set)}).json())

    # -- snapshots ---------------------------------------------------------------------------------

    def snapshot(self) -> Dict[str, Any]:
        """Takes a snapshot of the store; returns ``{"name", "size", "sha256", "version", "created"}``."""
        return dict(self.client.request("POST", f"{self._path}/snapshots").json())

    def snapshots(self) -> List[Dict[str, Any]]:
        """The store's snapshots, oldest first (also those a deleted store left)."""
        return list(self.client.request("GET", f"{self._path}/snapshots").json()["snapshots"])

    def download_snapshot(self, name: str, path: PathLike) -> str:
        """Downloads the snapshot ``name`` (a safetensors file) to ``path``, streamed; returns the path."""
        response = self.client.request("GET", f"{self._path}/snapshots/{name}", stream=True)
        target = os.fspath(path)
        partial = target + ".part"
        try:
            with open(partial, "wb") as file:
                for block in response.iter_content(chunk_size=1 << 20):
                    file.write(block)
            os.replace(partial, target)
        finally:
            response.close()
            if os.path.exists(partial):
                os.remove(partial)
        return target

    def delete_snapshot(self, name: str) -> None:
        """Deletes the snapshot ``name``."""
        self.client.request("DELETE", f"{self._path}/snapshots/{name}")

    def restore(self, name: str) -> Dict[str, Any]:
        """Makes the store exactly its snapshot ``name`` (creating it again if deleted); returns the store."""
        return dict(self.client.request("POST", f"{self._path}/snapshots/{name}/restore").json())

    def upload_snapshot(self, path: PathLike) -> Dict[str, Any]:
        """Makes the store exactly the snapshot file at ``path`` (of any store), creating it when missing.

        Returns the store's description.
        """
        with open(os.fspath(path), "rb") as file:
            return dict(
                self.client.request(
                    "POST", f"{self._path}/snapshots/upload", data=file, content_type="application/octet-stream"
                ).json()
            )
