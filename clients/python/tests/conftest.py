"""Fixtures: the built Engram server, started as a process on a free port with a temporary data directory.

The binary is $ENGRAM_BINARY (a relative path is taken from the repository root), by default
`.build/debug/engram`.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterator, List, Optional

import pytest

REPO_ROOT = Path(__file__).resolve().parents[3]
LISTENING = re.compile(r"listening on (https?://[^\s]+)")


def binary_path() -> Path:
    path = Path(os.environ.get("ENGRAM_BINARY", ".build/debug/engram"))
    if not path.is_absolute():
        path = REPO_ROOT / path
    return path


@dataclass
class Server:
    """A running `engram serve`: its base `url`, the process and its log lines so far."""

    url: str
    process: subprocess.Popen
    data: tempfile.TemporaryDirectory
    log: List[str] = field(default_factory=list)

    def stop(self) -> int:
        """SIGTERM, then wait for the graceful exit; returns the exit status."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.data.cleanup()
        return self.process.returncode


def start_server(*args: str, env: Optional[Dict[str, str]] = None) -> Server:
    """Starts the server on 127.0.0.1, port 0, and waits for the port it logs."""
    binary = binary_path()
    if not binary.exists():
        pytest.fail(f"no Engram binary at {binary}: build it (swift build) or set ENGRAM_BINARY")
    data = tempfile.TemporaryDirectory(prefix="engram-client-test-")
    process = subprocess.Popen(
        [str(binary), "serve", "--host", "127.0.0.1", "--port", "0", "--data", data.name,
         "--log-level", "notice", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env={**os.environ, **(env or {})},
        text=True,
    )
    log: List[str] = []
    url: Optional[str] = None
    deadline = time.monotonic() + 60
    assert process.stdout is not None
    while url is None and time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break  # exited
        log.append(line)
        match = LISTENING.search(line)
        if match:
            url = match.group(1)
    if url is None:
        process.kill()
        process.wait()
        data.cleanup()
        pytest.fail("the server did not start:\n" + "".join(log))
    server = Server(url=url, process=process, data=data, log=log)

    def drain() -> None:  # keep reading, so that the pipe never fills and blocks the server
        for line in process.stdout:  # type: ignore[union-attr]
            log.append(line)

    threading.Thread(target=drain, daemon=True).start()
    # Listening comes before recovery is done (/v1 answers 503 until then): wait for /readyz.
    while True:
        try:
            if urllib.request.urlopen(url + "/readyz", timeout=5).status == 200:
                break
        except (urllib.error.URLError, OSError):
            pass
        if time.monotonic() > deadline or process.poll() is not None:
            server.stop()
            pytest.fail("the server did not become ready:\n" + "".join(log))
        time.sleep(0.02)
    return server


@pytest.fixture(scope="session")
def server() -> Iterator[Server]:
    """One server with the default options for the whole session."""
    s = start_server()
    yield s
    assert s.stop() == 0, "the server did not exit 0 on SIGTERM:\n" + "".join(s.log[-20:])


_names = iter(range(10**9))


@pytest.fixture
def store_name() -> str:
    """A store name no other test uses."""
    return f"t{next(_names)}-{os.getpid()}"
