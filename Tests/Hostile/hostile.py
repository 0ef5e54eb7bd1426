#!/usr/bin/env python3
"""The hostile-client suite (issue 18, deliverable 8): the attacks of issue 18 and their near variants
against the built server, as a process, each asserting its answer (a 4xx or 503, never another 5xx,
never a dropped connection where an answer is due), the server alive afterwards, its peak memory
bounded and `/healthz` answered throughout.

One tool, two uses:
- as a test (`make hostile`): `python3 Tests/Hostile/hostile.py --binary .build/debug/engram`, small
  sizes, the server under an address-space cap; exits 1 when any attack fails;
- as a measurement (`--report --scale full`): the issue's full sizes, under a cap of half the machine's
  memory (`--as-cap-gib`),
  for the README's before/after figures; an attack the binary does not survive is reported as such
  (the server is restarted for the next one) and the tool exits 0.

For each attack it prints: the statuses it got, the server's CPU seconds (utime + stime from
/proc/<pid>/stat), its peak RSS (VmHWM, reset before each attack through /proc/<pid>/clear_refs) and
the latencies of `/healthz`, polled every 50 ms by a process of its own for the whole run.

Standard library and numpy only.
"""

from __future__ import annotations

import argparse
import http.client
import io
import json
import os
import re
import resource
import select
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Callable, Dict, Iterable, List, Optional, Sequence, Tuple

import numpy as np

LISTENING = re.compile(r"listening on http://([0-9.]+):(\d+)")
ADMIN, WRITER, READER, MULTI = "admin-key-0123456789", "team-a-key-0123456789", "reader-key-0123456789", "multi-key-0123456789"
MIB = 1 << 20


@dataclass(frozen=True)
class Scale:
    """The sizes of one run (bytes unless said)."""
    recall_body: int          # a recall body carrying an extra array (item 5)
    recall_parallel: int      # such bodies at once
    npz_member: int           # the one member every central-directory entry points at (item 4)
    npz_entries: int          # central-directory entries (at most 65535: no zip64)
    header: int               # a safetensors header's JSON (item 7)
    upload: int               # each of the parallel uploads (item 7), just under --max-snapshot-bytes
    uploads: int              # uploads at once
    idle_connections: int     # connections beyond --max-connections (item 8)
    max_connections: int
    unread_body: int          # the Content-Length of a 401 request (item 14)
    total_bytes: int          # --max-total-bytes (item 9)
    add_bytes: int            # numbers of each parallel add, in bytes of the store
    flags: Tuple[str, ...]    # limits the server is started with
    # --idle-timeout, --header-timeout, --body-timeout (s): short, so that the slowloris attacks are
    # quick; the body timeout leaves a loaded server time to read the bodies of parallel requests (it
    # reads them as it has threads free: eight 1 GiB uploads take a while), and the idle timeout
    # leaves the connections held against --max-connections open while the ones beyond it are tried.
    idle_timeout: float = 5
    header_timeout: float = 1
    body_timeout: float = 5

    def server_flags(self) -> Tuple[str, ...]:
        return (*self.flags, "--idle-timeout", str(self.idle_timeout), "--header-timeout", str(self.header_timeout),
                "--body-timeout", str(self.body_timeout))


def scales() -> Dict[str, Scale]:
    small = Scale(recall_body=4 * MIB, recall_parallel=4, npz_member=4 * MIB, npz_entries=2000, header=6 * MIB,
                  upload=8 * MIB - 4096, uploads=8, idle_connections=16, max_connections=48, unread_body=32 * MIB,
                  total_bytes=MIB, add_bytes=384 * 1024,
                  flags=("--max-body-bytes", str(16 * MIB), "--max-snapshot-bytes", str(8 * MIB), "--max-features", "1024",
                         "--max-total-bytes", str(MIB), "--max-snapshot-disk-bytes", str(MIB), "--max-connections", "48"))
    full = Scale(recall_body=57 * MIB, recall_parallel=4, npz_member=60 * MIB, npz_entries=65535, header=99 * MIB,
                 upload=(1 << 30) - 4096, uploads=8, idle_connections=1000, max_connections=1024, unread_body=200 * MIB,
                 total_bytes=128 * MIB, add_bytes=48 * MIB,
                 flags=("--max-features", "1024", "--max-total-bytes", str(128 * MIB), "--max-snapshot-disk-bytes", str(MIB)), body_timeout=120)
    return {"small": small, "full": full}




class AttackFailed(Exception):
    """An attack got an answer it should not have."""


# ---------------------------------------------------------------------------------------------- server

class Server:
    """`engram serve` as a process: on 127.0.0.1, port 0, in a data directory of its own, with the keys
    of `keys_file`, under an address-space cap of `cap` bytes (0: none)."""

    def __init__(self, binary: str, flags: Sequence[str], cap: int, workdir: str):
        self.binary, self.cap, self.workdir = binary, cap, workdir
        self.data = tempfile.mkdtemp(prefix="data-", dir=workdir)
        self.keys_file = os.path.join(workdir, "keys.json")
        with open(self.keys_file, "w") as f:
            json.dump({"keys": [
                {"name": "admin", "key": ADMIN, "role": "write"},
                {"name": "team-a", "key": WRITER, "role": "write", "stores": ["team-a-*"]},
                {"name": "reader", "key": READER, "role": "read"},
                {"name": "multi", "key": MULTI, "role": "read", "stores": ["*a*b*c*d*e*f*"]},
            ]}, f)
        supported = subprocess.run([binary, "serve", "--help"], capture_output=True, text=True).stdout
        # Flags this binary does not have (an older build) are left out, and said so.
        self.flags: List[str] = []
        self.missing: List[str] = []
        for name, value in zip(flags[::2], flags[1::2]):
            (self.flags.extend([name, value]) if name in supported else self.missing.append(name))
        self.process: Optional[subprocess.Popen] = None
        self.port = 0
        self.log: List[str] = []

    def start(self, fresh: bool = False) -> None:
        """Starts the server (on a new, empty data directory when `fresh`) and waits for /readyz."""
        if fresh:
            self.data = tempfile.mkdtemp(prefix="data-", dir=self.workdir)
        cap = self.cap

        def limit() -> None:
            if cap:
                resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

        self.process = subprocess.Popen(
            [self.binary, "serve", "--host", "127.0.0.1", "--port", "0", "--data", self.data, "--log-level", "notice",
             "--keys-file", self.keys_file, *self.flags],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, preexec_fn=limit)
        deadline = time.monotonic() + 120
        assert self.process.stdout is not None
        self.port = 0
        while not self.port:
            line = self.process.stdout.readline()
            if not line:
                raise RuntimeError("the server exited at start:\n" + "".join(self.log[-20:]))
            self.log.append(line)
            match = LISTENING.search(line)
            if match:
                self.port = int(match.group(2))
        threading.Thread(target=self._drain, args=(self.process,), daemon=True).start()
        while True:  # listening comes before recovery is done: wait for /readyz
            try:
                if request(self.port, "GET", "/readyz", timeout=5).status == 200:
                    return
            except OSError:
                pass
            if time.monotonic() > deadline or not self.alive():
                raise RuntimeError("the server did not become ready:\n" + "".join(self.log[-20:]))
            time.sleep(0.02)

    def _drain(self, process: subprocess.Popen) -> None:
        for line in process.stdout:  # type: ignore[union-attr]
            self.log.append(line)
            del self.log[:-200]

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def exit_status(self) -> str:
        code = self.process.poll() if self.process else None
        if code is None:
            return "running"
        return f"killed by {signal.Signals(-code).name}" if code < 0 else f"exited {code}"

    def stop(self) -> None:
        if self.alive():
            assert self.process is not None
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def cpu_seconds(self) -> float:
        with open(f"/proc/{self.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def reset_peak(self) -> None:
        with open(f"/proc/{self.pid}/clear_refs", "w") as f:
            f.write("5")

    def peak_rss_mib(self) -> float:
        with open(f"/proc/{self.pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        return float("nan")


# ------------------------------------------------------------------------------------------------ HTTP

@dataclass
class Answer:
    status: int
    headers: Dict[str, str]
    body: bytes

    def json(self) -> dict:
        return json.loads(self.body or b"{}")


def request(port: int, method: str, path: str, body: bytes | Iterable[bytes] | None = None, key: Optional[str] = None,
            content_type: str = "application/json", length: Optional[int] = None, timeout: float = 120) -> Answer:
    """One request on its own connection, written by hand: the body (bytes, or chunks totalling `length`)
    is sent until the server answers, which it may do early (a 401 or 413 before the body is read)."""
    if isinstance(body, (bytes, bytearray)):
        view = memoryview(body)
        length, chunks = len(body), (view[i:i + MIB] for i in range(0, len(body), MIB))
    else:
        chunks = iter(body or [])
        length = length or 0
    head = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", f"Content-Length: {length}", "Connection: close"]
    if key:
        head.append(f"api-key: {key}")
    if length:
        head.append(f"Content-Type: {content_type}")
    sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode())
        for chunk in chunks:
            readable, _, _ = select.select([sock], [], [], 0)
            if readable:
                break  # answered (or closed) before the whole body was sent
            try:
                sock.sendall(chunk)
            except (BrokenPipeError, ConnectionResetError):
                break
        return read_answer(sock)
    finally:
        sock.close()


def read_answer(sock: socket.socket) -> Answer:
    """Reads one HTTP/1.1 response (Content-Length or chunked); raises ConnectionError when the server
    closes without one."""
    data = b""
    while b"\r\n\r\n" not in data:
        try:
            chunk = sock.recv(65536)
        except ConnectionResetError:
            chunk = b""
        if not chunk:
            raise ConnectionError("the server closed the connection without an answer" + (f" (after {data[:80]!r})" if data else ""))
        data += chunk
    head, rest = data.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.strip().lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:] if ":" in line)}

    def more() -> bytes:
        try:
            return sock.recv(65536)
        except (ConnectionResetError, socket.timeout):
            return b""

    if "content-length" in headers:
        n = int(headers["content-length"])
        while len(rest) < n:
            chunk = more()
            if not chunk:
                break
            rest += chunk
        body = rest[:n]
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        body = b""
        while True:
            while b"\r\n" not in rest:
                chunk = more()
                if not chunk:
                    return Answer(status, headers, body)
                rest += chunk
            size_line, rest = rest.split(b"\r\n", 1)
            size = int(size_line.split(b";")[0], 16)
            while len(rest) < size + 2:
                chunk = more()
                if not chunk:
                    break
                rest += chunk
            body += rest[:size]
            rest = rest[size + 2:]
            if size == 0:
                break
    else:
        body = rest
    return Answer(status, headers, body)


def json_body(value: object) -> bytes:
    return json.dumps(value).encode()


# --------------------------------------------------------------------------------------------- /healthz

def poll_healthz(port: int, timeout: float) -> None:
    """The poller's own process: GET /healthz every 50 ms on a new connection, one line per poll on
    stdout, `started latency status` (CLOCK_MONOTONIC seconds, `-` when unanswered), until stdin closes."""
    stop = threading.Event()
    threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), daemon=True).start()
    while not stop.wait(0.05):
        started = time.monotonic()
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
            conn.request("GET", "/healthz")
            status = conn.getresponse().status
            conn.close()
            print(f"{started} {time.monotonic() - started} {status}", flush=True)
        except (OSError, http.client.HTTPException):
            print(f"{started} - 0", flush=True)


class HealthPoller:
    """Polls `/healthz` every 50 ms from a process of its own (`poll_healthz`), so that what an attack
    does in this process (building a payload holds the GIL) never delays a poll; records (time, latency
    s or None, status). Setting `port` (re)starts the polling process on that port."""

    def __init__(self, timeout: float):
        self.timeout = timeout
        self.samples: List[Tuple[float, Optional[float], int]] = []
        self._process: Optional[subprocess.Popen] = None
        self._port = 0

    @property
    def port(self) -> int:
        return self._port

    @port.setter
    def port(self, port: int) -> None:
        if port == self._port and self._process is not None:
            return
        self.stop()
        self._port = port
        process = subprocess.Popen([sys.executable, os.path.abspath(__file__), "--poll-healthz", str(port), "--health-timeout", str(self.timeout)],
                                   stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self._process = process
        threading.Thread(target=self._read, args=(process,), daemon=True).start()

    def _read(self, process: subprocess.Popen) -> None:
        for line in process.stdout:
            started, latency, status = line.split()
            self.samples.append((float(started), None if latency == "-" else float(latency), int(status)))

    def stop(self) -> None:
        """Ends the polling process (it stops when its stdin closes)."""
        if self._process is not None:
            self._process.stdin.close()
            self._process.wait()
            self._process = None

    def window(self, start: float, end: float) -> List[Tuple[float, Optional[float], int]]:
        return [s for s in list(self.samples) if start <= s[0] <= end]


# ------------------------------------------------------------------------------------ attack payloads

def safetensors(header: dict | bytes, data: bytes = b"") -> bytes:
    text = header if isinstance(header, bytes) else json.dumps(header, separators=(",", ":")).encode()
    return struct.pack("<Q", len(text)) + text + data


def hand_made_drdam(dim: int = 3, features: int = 8, version: str = "1", next_id: str = "1", count: int = 0) -> bytes:
    """A drdam snapshot as docs/formats.md describes it (T all zeros, the counters given), checksummed."""
    metadata = {"format": "engram-store", "format_version": "1", "name": "hand", "kind": "drdam", "dim": str(dim), "beta": "2.0",
                "energy": "lse", "kernel": "sincos", "features": str(features), "seed": "7", "eps": "1e-10", "orthogonal": "false",
                "version": version, "next_id": next_id, "sequence": "1", "created": "2027-01-15T08:00:00Z"}
    t = bytes(8 * 2 * features)
    count_bytes = struct.pack("<q", count) if count < 1 << 63 else struct.pack("<Q", count)
    lines = "".join(f"{k}={metadata[k]}\n" for k in sorted(metadata)).encode()
    metadata["engram_crc32"] = str(zlib.crc32(count_bytes, zlib.crc32(t, zlib.crc32(lines))))
    header = {"__metadata__": metadata, "T": {"dtype": "F64", "shape": [2 * features], "data_offsets": [0, len(t)]},
              "count": {"dtype": "I64", "shape": [], "data_offsets": [len(t), len(t) + 8]}}
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    return safetensors(text, t + count_bytes)


def amplified_npz(member_bytes: int, entries: int, same_name: bool) -> bytes:
    """An .npz whose central directory lists `entries` entries all pointing at one stored member
    `queries.npy` of about `member_bytes` (float32 rows of dimension 4): duplicates of one name, or
    distinct names."""
    rows = max(1, member_bytes // 16)
    buffer = io.BytesIO()
    np.save(buffer, np.full((rows, 4), 0.5, dtype=np.float32))
    npy = buffer.getvalue()
    crc = zlib.crc32(npy)
    name = b"queries.npy"
    local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 0, 0, 0, crc, len(npy), len(npy), len(name), 0) + name
    directory = bytearray()
    for i in range(entries):
        entry_name = name if same_name or i == 0 else f"q{i}.npy".encode()
        directory += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 0, 0, 0, crc, len(npy), len(npy),
                                 len(entry_name), 0, 0, 0, 0, 0, 0) + entry_name
    offset = len(local) + len(npy)
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, entries, entries, len(directory), offset, 0)
    return local + npy + bytes(directory) + end


def numbers_array(n: int) -> Iterable[bytes]:
    """`n` comma-separated numbers, in chunks of about 1 MiB."""
    piece = b"0.123456," * (MIB // 9)
    per = MIB // 9
    while n > per:
        yield piece
        n -= per
    yield b"0.123456," * (n - 1) + b"0.123456"


def rows_json(rows: int, dim: int) -> bytes:
    row = b"[" + b",".join([b"0.25"] * dim) + b"]"
    return b'{"memories":[' + b",".join([row] * rows) + b"]}"


# ---------------------------------------------------------------------------------------------- attacks

@dataclass
class Context:
    server: Server
    scale: Scale

    @property
    def port(self) -> int:
        return self.server.port


@dataclass
class Attack:
    name: str
    item: str
    run: Callable[[Context], str]
    restarts: bool = False  # the attack restarts the server itself (/healthz is not asked to answer then)


def expect(answer: Answer, allowed: Iterable[int], what: str) -> int:
    allowed = set(allowed)
    if answer.status not in allowed:
        detail = answer.body[:300].decode("utf-8", "replace")
        raise AttackFailed(f"{what}: {answer.status}, expected one of {sorted(allowed)}: {detail}")
    return answer.status


def parallel(n: int, job: Callable[[int], object]) -> List[object]:
    """Runs job(0) … job(n−1) at once; each result is its return value or the exception it raised."""
    def guarded(i: int) -> object:
        try:
            return job(i)
        except Exception as error:  # reported by the caller, per job
            return error
    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(guarded, range(n)))


def statuses(results: List[object], allowed: Iterable[int], what: str) -> str:
    allowed = set(allowed)
    got: List[str] = []
    for r in results:
        if isinstance(r, Answer):
            expect(r, allowed, what)
            got.append(str(r.status))
        else:
            raise AttackFailed(f"{what}: no answer ({r})")
    return summary(got)


def summary(got: List[str]) -> str:
    counts: Dict[str, int] = {}
    for g in got:
        counts[g] = counts.get(g, 0) + 1
    return " ".join(f"{k}×{v}" if v > 1 else k for k, v in sorted(counts.items()))


def setup(ctx: Context) -> None:
    """The stores the attacks read: team-a-data (mrdam, dim 4, 16 memories)."""
    port = ctx.port
    expect(request(port, "PUT", "/v1/stores/team-a-data", json_body({"kind": "mrdam", "dim": 4, "beta": 2}), key=ADMIN), {200, 201}, "create")
    expect(request(port, "POST", "/v1/stores/team-a-data/memories", json_body({"memories": np.eye(4).tolist() * 4}), key=ADMIN), {200}, "add")


def upload(ctx: Context, name: str, body: bytes, key: str = WRITER) -> Answer:
    return request(ctx.port, "POST", f"/v1/stores/{name}/snapshots/upload", body, key=key, content_type="application/octet-stream")


def overflowing_safetensors(ctx: Context) -> str:
    """Item 1: the 105-byte upload whose data offsets overflow, and its variants."""
    got = []
    big, top = (1 << 63) - 1, (1 << 64) - 1
    variants = {
        "overflow": {"T": {"dtype": "F64", "shape": [1], "data_offsets": [big - 4, big]}},
        "Int.max": {"T": {"dtype": "F64", "shape": [1], "data_offsets": [big, big]}},
        "UInt64.max": {"T": {"dtype": "F64", "shape": [1], "data_offsets": [0, top]}},
        "negative": {"T": {"dtype": "F64", "shape": [1], "data_offsets": [-8, 0]}},
        "overlap": {"T": {"dtype": "F64", "shape": [2], "data_offsets": [0, 16]}, "count": {"dtype": "I64", "shape": [], "data_offsets": [8, 16]}},
        "shape-overflow": {"T": {"dtype": "F64", "shape": [1 << 62, 1 << 62], "data_offsets": [0, 8]}},
        "fractional-shape": {"T": {"dtype": "F64", "shape": [1.5, 2], "data_offsets": [0, 24]}},
    }
    for label, header in variants.items():
        body = safetensors(header, bytes(8))
        got.append(expect(upload(ctx, "team-a-st", body), {400, 422}, f"safetensors {label}"))
    return summary([str(g) for g in got])


def huge_counters(ctx: Context) -> str:
    """Items 2 and 3: count 2^63−1 and 2^48+1, version and next_id 2^64−1; then a write, and a restart."""
    got = []
    for label, snapshot in [("count 2^63-1", hand_made_drdam(count=(1 << 63) - 1)), ("count 2^48+1", hand_made_drdam(count=(1 << 48) + 1)),
                            ("version 2^64-1", hand_made_drdam(version=str((1 << 64) - 1))),
                            ("next_id 2^64-1", hand_made_drdam(next_id=str((1 << 64) - 1)))]:
        got.append(str(expect(upload(ctx, "team-a-counters", snapshot), {400, 422}, label)))
    expect(upload(ctx, "team-a-counters", hand_made_drdam(count=2)), {200, 201}, "a sane hand-made snapshot")
    expect(request(ctx.port, "POST", "/v1/stores/team-a-counters/memories", json_body({"memories": [[0.1, 0.2, 0.3]]}), key=WRITER), {200}, "a write after")
    ctx.server.stop()
    ctx.server.start()
    expect(request(ctx.port, "GET", "/v1/stores/team-a-counters", key=WRITER), {200}, "the store after a restart")
    return summary(got) + " restart ok"


def npz_amplification(ctx: Context) -> str:
    """Item 4: one .npz member listed by every central-directory entry (one name, then distinct ones)."""
    results = []
    for same in (True, False):
        body = amplified_npz(ctx.scale.npz_member, ctx.scale.npz_entries, same)
        results.append(request(ctx.port, "POST", "/v1/stores/team-a-data/recall?depth=1", body, key=READER,
                               content_type="application/x-npz", timeout=600))
    return statuses(results, {400, 413, 422}, "amplified .npz")


def extra_array(ctx: Context) -> str:
    """Item 5: recall bodies carrying a large array in a field the route does not take, in parallel."""
    n = ctx.scale.recall_body // 9
    prefix = b'{"queries":[[1,0,0,0]],"depth":1,"extra":['

    def body() -> Iterable[bytes]:
        yield prefix
        yield from numbers_array(n)
        yield b"]}"

    length = len(prefix) + 9 * n - 1 + 2
    results = parallel(ctx.scale.recall_parallel, lambda _: request(ctx.port, "POST", "/v1/stores/team-a-data/recall", body(), key=READER,
                                                                   length=length, timeout=600))
    return statuses(results, {413, 422, 503}, "a recall with an extra array")


def unknown_fields(ctx: Context) -> str:
    """Item 15: `"steps": 5` meant as depth, a create's `feature`, and an unknown query parameter."""
    got = [expect(request(ctx.port, "POST", "/v1/stores/team-a-data/recall", json_body({"queries": [[1, 0, 0, 0]], "steps": 5}), key=READER),
                  {422}, "recall with steps"),
           expect(request(ctx.port, "PUT", "/v1/stores/team-a-f", json_body({"kind": "drdam", "dim": 4, "beta": 2, "feature": 100}), key=WRITER),
                  {422}, "create with feature"),
           expect(request(ctx.port, "POST", "/v1/stores/team-a-data/recall?steps=5", json_body({"queries": [[1, 0, 0, 0]]}), key=READER),
                  {400, 422}, "recall with ?steps"),
           expect(request(ctx.port, "PATCH", "/v1/stores/team-a-data", key=WRITER), {405}, "a wrong method")]
    return summary([str(g) for g in got])


def over_creation_limits(ctx: Context) -> str:
    """Item 6: an upload with features over --max-features (1024), and 2^20 × 65 536 of Ω."""
    got = [expect(upload(ctx, "team-a-wide", hand_made_drdam(dim=4, features=4096)), {422}, "features over the limit"),
           expect(upload(ctx, "team-a-wide", hand_made_drdam(dim=65536, features=1 << 20)), {413, 422}, "2^20 features of dim 65536")]
    return summary([str(g) for g in got])


def huge_header(ctx: Context) -> str:
    """Item 7: a safetensors header of many small tensor entries, as large as the scale says."""
    entry = b'"t%08d":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},'
    count = ctx.scale.header // len(entry % 0)
    text = b"{" + b"".join(entry % i for i in range(count)) + b'"__metadata__":{}}'
    text += b" " * (-len(text) % 8)
    return str(expect(upload(ctx, "team-a-header", safetensors(text, bytes(4))), {400, 413, 422}, "a huge header"))


def parallel_uploads(ctx: Context) -> str:
    """Item 7: uploads just under --max-snapshot-bytes, all at once (a header, then zeros)."""
    size = ctx.scale.upload
    header = json.dumps({"T": {"dtype": "F64", "shape": [(size - 256) // 8], "data_offsets": [0, (size - 256) // 8 * 8]}}).encode()
    header += b" " * (-len(header) % 8)
    lead = struct.pack("<Q", len(header)) + header
    zeros = bytes(MIB)

    def body() -> Iterable[bytes]:
        yield lead
        left = size - len(lead)
        while left > 0:
            yield zeros[:min(left, MIB)]
            left -= MIB

    results = parallel(ctx.scale.uploads, lambda i: request(ctx.port, "POST", f"/v1/stores/team-a-up{i}/snapshots/upload", body(), key=WRITER,
                                                           content_type="application/octet-stream", length=size, timeout=900))
    return statuses(results, {400, 413, 422, 503}, "parallel uploads")


def wait_closed(sock: socket.socket, within: float) -> Tuple[float, bytes]:
    """Waits (a blocking recv) for the server to close the connection; returns the seconds it took and
    what it sent first (a 408, or nothing). Raises AttackFailed when it is still open after `within`."""
    started = time.monotonic()
    sock.settimeout(within)
    received = b""
    try:
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            received += chunk
    except ConnectionResetError:
        pass
    except socket.timeout:
        raise AttackFailed(f"the connection was still open after {within:.0f} s")
    return time.monotonic() - started, received


def slowloris_idle(ctx: Context) -> str:
    """Item 8: connections that send nothing are closed after --idle-timeout."""
    socks = [socket.create_connection(("127.0.0.1", ctx.port), timeout=10) for _ in range(ctx.scale.idle_connections)]
    try:
        waits = [wait_closed(s, ctx.scale.idle_timeout + 30)[0] for s in socks]
    finally:
        for s in socks:
            s.close()
    return f"closed after ≤{max(waits):.1f} s"


def trickle(sock: socket.socket, data: bytes, every: float, within: float) -> Tuple[float, bytes]:
    """Sends `data` a byte at a time, one each `every` seconds (a select on the socket is the wait: the
    server closing it ends it), until the server closes; raises AttackFailed after `within`."""
    started = time.monotonic()
    for i in range(len(data)):
        readable, _, _ = select.select([sock], [], [], every)
        if readable:
            return wait_closed(sock, 5)[0] + (time.monotonic() - started), b""
        if time.monotonic() - started > within:
            raise AttackFailed(f"the connection was still open after {within:.0f} s of trickling")
        try:
            sock.sendall(data[i:i + 1])
        except (BrokenPipeError, ConnectionResetError):
            return time.monotonic() - started, b""
    raise AttackFailed("the whole trickle was accepted")


def slowloris_head(ctx: Context) -> str:
    """Item 8: a head trickled a byte every 100 ms is closed after --header-timeout."""
    sock = socket.create_connection(("127.0.0.1", ctx.port), timeout=10)
    try:
        took, _ = trickle(sock, b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + b"X-Slow: " + b"a" * 10_000, 0.1, ctx.scale.header_timeout + 30)
    finally:
        sock.close()
    return f"closed after {took:.1f} s"


def slowloris_body(ctx: Context) -> str:
    """Item 8: a body trickled a byte every 100 ms is closed after --body-timeout."""
    sock = socket.create_connection(("127.0.0.1", ctx.port), timeout=10)
    try:
        sock.sendall(f"POST /v1/stores/team-a-data/recall HTTP/1.1\r\nHost: x\r\napi-key: {READER}\r\nContent-Type: application/json\r\n"
                     f"Content-Length: 100000\r\n\r\n".encode())
        took, _ = trickle(sock, b'{"queries":[[' + b"1," * 50_000, 0.1, ctx.scale.body_timeout + 30)
    finally:
        sock.close()
    return f"closed after {took:.1f} s"


def beyond_max_connections(ctx: Context) -> str:
    """Item 8: a request on a connection beyond --max-connections is answered 503 at once and closed."""
    held: List[socket.socket] = []
    extra = 8
    info = request(ctx.port, "GET", "/v1/info", key=ADMIN)
    cap = int(info.json()["limits"]["max_connections"]) if info.status == 200 else ctx.scale.max_connections
    try:
        for _ in range(cap):
            held.append(socket.create_connection(("127.0.0.1", ctx.port), timeout=10))
        got = []
        for _ in range(extra):
            s = socket.create_connection(("127.0.0.1", ctx.port), timeout=10)
            held.append(s)
            try:
                s.settimeout(10)
                s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
                got.append(str(read_answer(s).status))
            except (ConnectionError, socket.timeout) as error:
                got.append(f"no answer ({error})")
        # The /healthz poller holds a connection for a moment every 50 ms: one request may take the
        # place it gives back, and be served.
        if got.count("503") < extra - 1 or any(g not in ("503", "200") for g in got):
            raise AttackFailed(f"connections beyond the cap: {summary(got)}, expected 503 each (one 200 allowed)")
        return summary(got)
    finally:
        for s in held:
            s.close()


def total_bytes_race(ctx: Context) -> str:
    """Item 9: parallel adds to different stores against --max-total-bytes; the stores' bytes after."""
    dim = 255  # 48 MiB of numbers in 49 152 rows: under --max-memories-per-request and --max-body-bytes
    rows = ctx.scale.add_bytes // (4 * (dim + 1))
    body = rows_json(rows, dim)
    n = 8
    for i in range(n):
        expect(request(ctx.port, "PUT", f"/v1/stores/team-a-t{i}", json_body({"kind": "mrdam", "dim": dim, "beta": 2}), key=WRITER), {200, 201}, "create")
    results = parallel(n, lambda i: request(ctx.port, "POST", f"/v1/stores/team-a-t{i}/memories", body, key=WRITER, timeout=600))
    got = statuses(results, {200, 422, 503}, "parallel adds")
    total = sum(s["bytes"] for s in request(ctx.port, "GET", "/v1/stores", key=ADMIN).json()["stores"])
    if total > ctx.scale.total_bytes:
        raise AttackFailed(f"the stores hold {total} bytes, over --max-total-bytes {ctx.scale.total_bytes}")
    for i in range(n):
        request(ctx.port, "DELETE", f"/v1/stores/team-a-t{i}", key=WRITER)
    return f"{got}; {total} ≤ {ctx.scale.total_bytes} bytes"


def long_names(ctx: Context) -> str:
    """Item 10: 30 000-character store names against a pattern with several `*`, two at once."""
    names = ["a" * 30_000, "ab" * 15_000]
    results = parallel(4, lambda i: request(ctx.port, "GET", f"/v1/stores/{names[i % 2]}", key=MULTI, timeout=120))
    return statuses(results, {400, 403, 404, 414, 422, 431}, "a 30 000-character name")


def unread_body(ctx: Context) -> str:
    """Item 14: a request without a key announcing a large body is answered 401 and closed, unread."""
    sock = socket.create_connection(("127.0.0.1", ctx.port), timeout=10)
    try:
        sock.sendall(f"POST /v1/stores/team-a-up/snapshots/upload HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\n"
                     f"Content-Length: {ctx.scale.unread_body}\r\n\r\n".encode())
        sock.settimeout(10)
        answer = read_answer(sock)
        expect(answer, {401}, "no key")
        took, _ = wait_closed(sock, 10)
    except (ConnectionError, socket.timeout) as error:
        raise AttackFailed(f"no answer before the body: {error}")
    finally:
        sock.close()
    return f"401, closed after {took:.1f} s"


def readyz_and_metrics(ctx: Context) -> str:
    """Item 13: /readyz without a key names no path; /metrics refuses a scoped key."""
    ready = request(ctx.port, "GET", "/readyz")
    expect(ready, {200, 503}, "/readyz")
    if ctx.server.data.encode() in ready.body or b"team-a" in ready.body:
        raise AttackFailed(f"/readyz without a key names a path or a store: {ready.body[:200]!r}")
    metrics = request(ctx.port, "GET", "/metrics", key=WRITER)
    return f"{ready.status}, /metrics {expect(metrics, {403}, '/metrics with a scoped key')}"


def snapshot_loop(ctx: Context) -> str:
    """Item 12: create, snapshot, delete, repeat: refused at --max-snapshot-disk-bytes (1 MiB); the deleted
    stores' snapshots are listed and deleted, which makes room again."""
    rows = rows_json(1000, 63)  # 256 000 bytes of numbers: about 250 KiB a snapshot
    names = []
    for i in range(40):
        name = f"team-a-snap{i}"
        expect(request(ctx.port, "PUT", f"/v1/stores/{name}", json_body({"kind": "mrdam", "dim": 63, "beta": 2}), key=WRITER), {200, 201}, "create")
        expect(request(ctx.port, "POST", f"/v1/stores/{name}/memories", rows, key=WRITER), {200}, "add")
        taken = request(ctx.port, "POST", f"/v1/stores/{name}/snapshots", key=WRITER)
        expect(request(ctx.port, "DELETE", f"/v1/stores/{name}", key=WRITER), {204}, "delete")
        if taken.status != 201:
            expect(taken, {422, 507}, "a snapshot past the limit")
            break
        names.append(name)
    else:
        raise AttackFailed("40 snapshots of 250 KiB were taken under a 1 MiB limit")
    for name in names:
        for s in request(ctx.port, "GET", f"/v1/stores/{name}/snapshots", key=WRITER).json()["snapshots"]:
            expect(request(ctx.port, "DELETE", f"/v1/stores/{name}/snapshots/{s['name']}", key=WRITER), {204}, "deleting a deleted store's snapshot")
    expect(request(ctx.port, "PUT", "/v1/stores/team-a-again", json_body({"kind": "mrdam", "dim": 63, "beta": 2}), key=WRITER), {200, 201}, "create")
    expect(request(ctx.port, "POST", "/v1/stores/team-a-again/memories", rows, key=WRITER), {200}, "add")
    expect(request(ctx.port, "POST", "/v1/stores/team-a-again/snapshots", key=WRITER), {201}, "a snapshot once room was made")
    return f"{taken.status} after {len(names)} snapshots; room again after deleting them"


ATTACKS = [
    Attack("safetensors offsets", "1", overflowing_safetensors),
    Attack("counters past 2^48", "2, 3", huge_counters, restarts=True),
    Attack(".npz CRC amplification", "4", npz_amplification),
    Attack("recall with extra array", "5", extra_array),
    Attack("unknown fields", "15", unknown_fields),
    Attack("upload over creation limits", "6", over_creation_limits),
    Attack("huge safetensors header", "7", huge_header),
    Attack("parallel uploads", "7", parallel_uploads),
    Attack("slowloris: idle", "8", slowloris_idle),
    Attack("slowloris: head", "8", slowloris_head),
    Attack("slowloris: body", "8", slowloris_body),
    Attack("beyond --max-connections", "8", beyond_max_connections),
    Attack("adds vs --max-total-bytes", "9", total_bytes_race),
    Attack("30 000-char names", "10", long_names),
    Attack("snapshot/delete loop", "12", snapshot_loop),
    Attack("/readyz and /metrics", "13", readyz_and_metrics),
    Attack("401 with a large body", "14", unread_body),
]


# ------------------------------------------------------------------------------------------------- run

@dataclass
class Outcome:
    attack: Attack
    answer: str
    passed: bool
    cpu: float = float("nan")
    peak_mib: float = float("nan")
    health: List[Optional[float]] = field(default_factory=list)


def percentile(values: List[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


def run(args: argparse.Namespace) -> int:
    scale = scales()[args.scale]
    cap = int(args.as_cap_gib * (1 << 30))
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # the client holds many connections
    outcomes: List[Outcome] = []
    with tempfile.TemporaryDirectory(prefix="engram-hostile-") as workdir:
        server = Server(args.binary, scale.server_flags(), cap, workdir)
        if server.missing:
            print(f"note: {args.binary} has no {', '.join(server.missing)}: started without them")
        server.start()
        poller = HealthPoller(timeout=args.health_timeout)
        poller.port = server.port
        ctx = Context(server, scale)
        setup(ctx)
        chosen = [a for a in ATTACKS if not args.only or any(o.lower() in a.name.lower() for o in args.only)]
        for attack in chosen:
            outcomes.append(one(attack, ctx, poller, args))
            print(row(outcomes[-1]), flush=True)
        poller.stop()
        server.stop()
    print()
    print(table(outcomes, args, cap))
    failed = [o for o in outcomes if not o.passed]
    if failed and not args.report:
        print(f"\n{len(failed)} of {len(outcomes)} attacks failed: " + ", ".join(o.attack.name for o in failed))
        return 1
    print(f"\n{len(outcomes) - len(failed)} of {len(outcomes)} attacks passed")
    return 0


def one(attack: Attack, ctx: Context, poller: HealthPoller, args: argparse.Namespace) -> Outcome:
    """Runs one attack, measuring the server; restarts the server when the attack left it dead."""
    server = ctx.server
    if not server.alive():
        return Outcome(attack, "not run: the server could not be started again", False)
    server.reset_peak()
    cpu0 = server.cpu_seconds()
    started = time.monotonic()
    passed, answer = True, ""
    try:
        answer = attack.run(ctx)
    except AttackFailed as error:
        passed, answer = False, str(error)
    except (OSError, ConnectionError, RuntimeError, ValueError, KeyError) as error:
        passed, answer = False, f"{type(error).__name__}: {error}"
    ended = time.monotonic()
    poller.port = server.port
    outcome = Outcome(attack, answer, passed)
    if server.alive():
        outcome.cpu = server.cpu_seconds() - cpu0 if not attack.restarts else float("nan")
        outcome.peak_mib = server.peak_rss_mib()
        if outcome.peak_mib > args.max_rss_mib:
            outcome.passed = False
            outcome.answer += f"; peak RSS {outcome.peak_mib:.0f} MiB over {args.max_rss_mib} MiB"
    else:
        outcome.passed = False
        outcome.answer = f"SERVER DIED ({server.exit_status()}) — {outcome.answer}"
        for fresh in (False, True):  # the same data directory first; a fresh one when it cannot start again
            try:
                server.start(fresh=fresh)
                if fresh:
                    setup(ctx)
                break
            except RuntimeError as error:
                outcome.answer += f"; restart{' (fresh)' if fresh else ''} failed: {str(error).splitlines()[0]}"
        poller.port = server.port
    samples = poller.window(started, ended)
    outcome.health = [latency for _, latency, _ in samples]
    unanswered = sum(1 for latency in outcome.health if latency is None)
    if unanswered and not attack.restarts and outcome.passed:
        outcome.passed = False
        outcome.answer += f"; /healthz unanswered {unanswered} of {len(samples)} times (timeout {args.health_timeout:.0f} s)"
    return outcome


def health_figures(o: Outcome) -> str:
    answered = [1000 * latency for latency in o.health if latency is not None]
    missed = len(o.health) - len(answered)
    if not answered:  # the attack ended before a poll was due
        return f"{'-':>8} {'-':>8} {'-':>8}" + (f"  ({missed} unanswered)" if missed else "")
    text = f"{percentile(answered, 50):8.1f} {percentile(answered, 99):8.1f} {max(answered):8.1f}"
    return text + (f"  ({missed} unanswered)" if missed else "")


def row(o: Outcome) -> str:
    mark = "ok  " if o.passed else "FAIL"
    return (f"{mark} {o.attack.item:>5} {o.attack.name:<28} {o.cpu:8.2f} {o.peak_mib:9.0f} {health_figures(o)}   {o.answer}")


def table(outcomes: List[Outcome], args: argparse.Namespace, cap: int) -> str:
    title = (f"binary {args.binary}, scale {args.scale}, address-space cap {cap / (1 << 30):.1f} GiB" if cap
             else f"binary {args.binary}, scale {args.scale}, no address-space cap")
    head = f"     {'item':>5} {'attack':<28} {'CPU s':>8} {'peak MiB':>9} {'hz p50':>8} {'hz p99':>8} {'hz max':>8}   answer"
    return "\n".join([title, head] + [row(o) for o in outcomes])


def default_cap_gib() -> float:
    """The test's address-space cap: 3 GiB, and 160 MiB per core for what grows with the cores (a thread's
    8 MiB stack, a 64 MiB malloc arena, OpenBLAS's buffers). A debug server on 2 cores maps about
    0.85 GiB idle and 1.1 GiB serving ordinary adds and recalls; the largest legitimate request of the
    small scale adds at most 8 × 16 MiB bodies and their copies. An allocation the size of an attack
    (gigabytes) fails under it, and the server dying of it is reported."""
    return 3 + 160 * (os.cpu_count() or 1) / 1024


def half_the_memory_gib() -> float:
    """The measurement's cap: half the machine's memory, so that a binary which collects eight 1 GiB
    uploads whole dies of it (and is reported) before it takes the machine down with it."""
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2 / (1 << 30)


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default=".build/debug/engram", help="the engram binary (default .build/debug/engram)")
    parser.add_argument("--scale", choices=["small", "full"], default=None, help="sizes: small (the test, default) or full (the issue's)")
    parser.add_argument("--report", action="store_true", help="measure: report failures and dead servers, exit 0 (default scale full)")
    parser.add_argument("--as-cap-gib", type=float, default=None,
                        help="the server's address-space cap in GiB (by default 3 GiB + 160 MiB per core as a test, half the memory with --report; 0: none)")
    parser.add_argument("--max-rss-mib", type=float, default=None, help="peak RSS an attack may reach (default 1024 small, no bound full)")
    parser.add_argument("--health-timeout", type=float, default=5.0, help="seconds a /healthz poll may take before it counts as unanswered")
    parser.add_argument("--only", nargs="*", help="run only the attacks whose names contain one of these")
    parser.add_argument("--poll-healthz", type=int, metavar="PORT", help=argparse.SUPPRESS)  # the poller's own process
    args = parser.parse_args(argv)
    if args.poll_healthz:
        poll_healthz(args.poll_healthz, args.health_timeout)
        return 0
    args.scale = args.scale or ("full" if args.report else "small")
    if args.as_cap_gib is None:
        args.as_cap_gib = half_the_memory_gib() if args.report else default_cap_gib()
    if args.max_rss_mib is None:
        args.max_rss_mib = 1024 if args.scale == "small" else float("inf")
    if not os.path.exists(args.binary):
        print(f"no engram binary at {args.binary}: build it (swift build --product engram)", file=sys.stderr)
        return 2
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
