"""What the three examples share: the command line, the output folder, matplotlib on Agg."""

import argparse
import os
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

# The client (clients/python): `pip install -e clients/python`, or run through examples/run.py, which
# puts it on the path.
from engram_client import Engram, EngramError  # noqa: E402,F401

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"


def arguments(description: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--url", default=os.environ.get("ENGRAM_URL", "http://127.0.0.1:8080"),
                        help="the Engram server (default $ENGRAM_URL or http://127.0.0.1:8080)")
    parser.add_argument("--api-key", default=os.environ.get("ENGRAM_API_KEY"),
                        help="an API key with write rights, when the server needs one")
    parser.add_argument("--quick", action="store_true", help="smaller settings; still draws the picture")
    parser.add_argument("--out", type=Path, default=OUT, help=f"where the PNG goes (default {OUT})")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    return args


def delete_stores(args: argparse.Namespace, *names: str) -> None:
    """Deletes stores by name (those absent are fine), so that an example starts afresh on a server
    that keeps its stores."""
    engram = Engram(args.url, api_key=args.api_key)
    for name in names:
        try:
            engram.delete_store(name)
        except EngramError as error:
            if error.status != 404:
                raise


class Clock:
    """Prints what is being done and how long it took since the start."""

    def __init__(self, name: str):
        self.name = name
        self.start = time.monotonic()

    def say(self, message: str) -> None:
        print(f"[{self.name} {time.monotonic() - self.start:6.1f}s] {message}", flush=True)


def save(fig, args: argparse.Namespace, clock: Clock, filename: str, title: str, fontsize: int = 10) -> None:
    """Titles `fig`, lays it out and writes it to `args.out / filename`, saying where."""
    fig.suptitle(title, fontsize=fontsize)
    fig.tight_layout()
    path = args.out / filename
    fig.savefig(path, dpi=110)
    clock.say(f"wrote {path}")
