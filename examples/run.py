#!/usr/bin/env python3
"""Runs the four examples against a fresh Engram server.

    python3 examples/run.py [--quick] [--binary PATH] [--only NAME ...]

Starts the server binary (default .build/release/engram, from the repository root) on a free loopback
port with a temporary data directory, runs tutorial.py, digits.py, error_vs_y.py and figure1.py against
it (with --quick when given), stops it with SIGTERM and says how long each example took. The pictures
go to examples/out/. The server's limits are raised for figure1.py (`SERVER_LIMITS`): at the paper's
scale its dense DrDAM store holds Ω of 180 000 × 12 288 floats (8.8 GB) and one recall of 300 steps
over it takes minutes; and it computes one recall at a time on every core (`--compute-threads 1`).
"""

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
EXAMPLES = ("tutorial", "digits", "error_vs_y", "figure1")
# Room for the paper's Figure 1 at its scale: Ω of 2.2 G entries (8.8 GB) in one store, and a recall
# of up to an hour (the defaults refuse such a store and stop a recall after 300 s). One compute
# thread: the examples send one recall at a time, which then has every core for its products.
SERVER_LIMITS = ("--max-feature-entries", "2500000000", "--max-store-bytes", "12884901888",
                 "--max-total-bytes", "17179869184", "--request-timeout", "3600", "--compute-threads", "1")


def start(binary: Path, data: Path, log: Path) -> tuple:
    """Starts `engram serve` on port 0 and returns (process, url) once it says where it listens."""
    out = open(log, "w")
    process = subprocess.Popen(
        [str(binary), "serve", "--host", "127.0.0.1", "--port", "0", "--data", str(data),
         "--log-level", "notice", *SERVER_LIMITS],
        stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        match = re.search(r"listening on (http://127\.0\.0\.1:\d+)", log.read_text())
        if match:
            return process, match.group(1)
        if process.poll() is not None:
            break
        time.sleep(0.05)
    process.kill()
    process.wait()
    sys.exit(f"the server did not start; its log ({log}):\n{log.read_text()}")


def stop(process: subprocess.Popen) -> int:
    process.send_signal(signal.SIGTERM)
    try:
        return process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        return process.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller settings, still every picture")
    parser.add_argument("--binary", type=Path, default=ROOT / ".build" / "release" / "engram",
                        help="the engram executable (default .build/release/engram)")
    parser.add_argument("--only", nargs="+", choices=EXAMPLES, help="run only these examples")
    args = parser.parse_args()
    if not args.binary.exists():
        sys.exit(f"{args.binary} not found: build it with `make release` or pass --binary PATH")

    data = Path(tempfile.mkdtemp(prefix="engram-examples-"))
    log = data.parent / (data.name + ".log")
    process, url = start(args.binary.resolve(), data, log)
    print(f"engram serving on {url} (data {data}, log {log})", flush=True)
    times, failed = {}, []
    try:
        for name in args.only or EXAMPLES:
            print(f"\n=== {name}.py{' --quick' if args.quick else ''} ===", flush=True)
            command = [sys.executable, str(HERE / f"{name}.py"), "--url", url]
            if args.quick:
                command.append("--quick")
            start_time = time.monotonic()
            # The client comes from this repository (clients/python), installed or not.
            client = str(HERE.parent / "clients" / "python")
            env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [client, os.environ.get("PYTHONPATH")])))
            code = subprocess.call(command, cwd=HERE, env=env)
            times[name] = time.monotonic() - start_time
            if code != 0:
                failed.append(name)
    finally:
        code = stop(process)
    print(f"\nserver stopped (exit {code})")
    for name, seconds in times.items():
        print(f"  {name + '.py':<14} {seconds:6.1f} s{'  FAILED' if name in failed else ''}")
    print(f"pictures in {HERE / 'out'}")
    if failed or code != 0:
        print(f"server log kept at {log}")
        sys.exit(1)
    shutil.rmtree(data, ignore_errors=True)
    log.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
