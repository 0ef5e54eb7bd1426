#!/usr/bin/env python3
"""Checks an Engram store snapshot with the reference Python `safetensors` library.

Usage: check_snapshot.py SNAPSHOT.safetensors EXPECTED.json

EXPECTED.json holds what the file must show:
  kind      "mrdam" or "drdam"
  tensors   {name: {"dtype": "F32", "shape": [3, 4]}, ...}: exactly these tensors
  metadata  {key: value, ...}: these `__metadata__` entries, exactly (strings)
  memories  mrdam: the rows of `memories`, compared bit for bit as float32
  ids       mrdam: the rows' ids in order (`ids` holds them as UTF-8, joined by "\\n")
  count     drdam: the `count` scalar (`T` must then be finite, and not all zero unless count is 0)
It also recomputes `engram_crc32`: the CRC-32 of the other metadata entries as sorted "key=value\\n"
lines, continued over the data section.

Prints a one-line summary and exits 0 when everything matches; prints every mismatch and exits 1
otherwise; exits 2 on a usage error or when safetensors (or numpy) cannot be imported.
"""
import json
import struct
import sys
import zlib

try:
    import numpy as np
    from safetensors import safe_open
    from safetensors.numpy import load_file
except ImportError as error:
    print(f"check_snapshot.py: cannot import safetensors and numpy ({error}): pip install safetensors numpy", file=sys.stderr)
    sys.exit(2)

NUMPY_DTYPES = {"F64": np.float64, "F32": np.float32, "I64": np.int64, "U8": np.uint8}


def tensor_problems(tensors, expected):
    """The tensors' names, dtypes and shapes."""
    problems = []
    if set(tensors) != set(expected):
        problems.append(f"tensors are {sorted(tensors)}, expected {sorted(expected)}")
    for name, want in expected.items():
        if name not in tensors:
            continue
        tensor = tensors[name]
        if tensor.dtype != NUMPY_DTYPES[want["dtype"]]:
            problems.append(f"tensor {name} is {tensor.dtype}, expected {want['dtype']}")
        if list(tensor.shape) != want["shape"]:
            problems.append(f"tensor {name} has shape {list(tensor.shape)}, expected {want['shape']}")
    return problems


def metadata_problems(metadata, expected):
    """The expected entries, and the presence of those whose value is not known in advance."""
    problems = [f"metadata {key} is {metadata.get(key)!r}, expected {value!r}"
                for key, value in expected.items() if metadata.get(key) != value]
    problems += [f"metadata {key} is missing" for key in ("created", "sequence", "engram_crc32") if key not in metadata]
    return problems


def checksum_problems(path, metadata):
    """engram_crc32, recomputed from the file's bytes."""
    with open(path, "rb") as file:
        raw = file.read()
    (header_length,) = struct.unpack("<Q", raw[:8])
    others = {key: value for key, value in metadata.items() if key != "engram_crc32"}
    canonical = "".join(f"{key}={value}\n" for key, value in sorted(others.items()))
    crc = zlib.crc32(raw[8 + header_length:], zlib.crc32(canonical.encode("utf-8")))
    stored = metadata.get("engram_crc32")
    return [] if stored == str(crc) else [f"engram_crc32 is {stored!r}, the file's bytes give {crc}"]


def content_problems(tensors, expected):
    """The values: mrdam memories and ids, drdam count and T."""
    problems = []
    if expected["kind"] == "mrdam" and {"memories", "ids"} <= set(tensors):
        memories = np.array(expected["memories"], dtype=np.float32).reshape(tensors["memories"].shape)
        if tensors["memories"].tobytes() != memories.tobytes():
            problems.append(f"memories are {tensors['memories'].tolist()}, expected {memories.tolist()}")
        joined = tensors["ids"].tobytes().decode("utf-8")
        ids = joined.split("\n") if joined else []
        if ids != expected["ids"]:
            problems.append(f"ids are {ids}, expected {expected['ids']}")
    elif expected["kind"] == "drdam" and {"T", "count"} <= set(tensors):
        count = int(tensors["count"])
        if count != expected["count"]:
            problems.append(f"count is {count}, expected {expected['count']}")
        accumulator = tensors["T"]
        if not np.all(np.isfinite(accumulator)):
            problems.append("T has entries that are not finite")
        if count > 0 and not np.any(accumulator):
            problems.append(f"T is all zero though count is {count}")
    return problems


def main():
    if len(sys.argv) != 3:
        print("usage: check_snapshot.py SNAPSHOT.safetensors EXPECTED.json", file=sys.stderr)
        return 2
    path, expected_path = sys.argv[1], sys.argv[2]
    with open(expected_path, encoding="utf-8") as file:
        expected = json.load(file)
    tensors = load_file(path)
    with safe_open(path, framework="np") as file:
        metadata = file.metadata() or {}
    problems = (tensor_problems(tensors, expected["tensors"]) + metadata_problems(metadata, expected["metadata"])
                + checksum_problems(path, metadata) + content_problems(tensors, expected))
    if problems:
        for problem in problems:
            print(f"check_snapshot.py: {path}: {problem}", file=sys.stderr)
        return 1
    layout = ", ".join(f"{name} {tensors[name].dtype} {list(tensors[name].shape)}" for name in sorted(tensors))
    print(f"check_snapshot.py: ok: {expected['kind']} snapshot with {layout}; {len(metadata)} metadata entries; engram_crc32 matches")
    return 0


if __name__ == "__main__":
    sys.exit(main())
