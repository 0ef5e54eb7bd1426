#!/usr/bin/env python3
"""Writes the fuzz targets' seed corpora (fuzz/corpus/<target>/): small valid inputs and near-valid
ones, each a file named after what it is. Standard library only; run from the repository root."""
import json, os, struct, zlib

def write(target, name, data):
    os.makedirs(f"fuzz/corpus/{target}", exist_ok=True)
    with open(f"fuzz/corpus/{target}/{name}", "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())

def npy(descr, shape, data, major=1):
    dims = ", ".join(map(str, shape)) + ("," if len(shape) == 1 else "")
    text = "{'descr': '%s', 'fortran_order': False, 'shape': (%s), }" % (descr, dims)
    prefix = 10 if major == 1 else 12
    text += " " * ((64 - (prefix + len(text) + 1) % 64) % 64) + "\n"
    length = struct.pack("<H" if major == 1 else "<I", len(text))
    return b"\x93NUMPY" + bytes([major, 0]) + length + text.encode("latin1") + data

def npz(arrays):
    body, directory = b"", b""
    for name, data in arrays:
        fname = (name + ".npy").encode()
        fields = struct.pack("<HHHHHIIIHH", 20, 0, 0, 0, 0x21, zlib.crc32(data), len(data), len(data), len(fname), 0)
        directory += struct.pack("<IH", 0x02014B50, 20) + fields + struct.pack("<HHHII", 0, 0, 0, 0, len(body)) + fname
        body += struct.pack("<I", 0x04034B50) + fields + fname + data
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(arrays), len(arrays), len(directory), len(body), 0)
    return body + directory + end

def safetensors(header, data):
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    return struct.pack("<Q", len(text)) + text + data

def frame(sequence, store, kind, payload):
    name = store.encode()
    header = b"EWL1" + struct.pack("<QBBHI", sequence, kind, 0, len(name), len(payload)) + name
    return header + struct.pack("<I", zlib.crc32(header)) + payload + struct.pack("<I", zlib.crc32(payload))

f4 = struct.pack("<4f", 1, -2.5, 0.25, 3e38)
write("npy", "f4_2x2", npy("<f4", [2, 2], f4))
write("npy", "f8_3_v2", npy("<f8", [3], struct.pack("<3d", 1.5, -1e300, 0), major=2))
write("npy", "b1_4_v3", npy("|b1", [4], bytes([1, 0, 0, 1]), major=3))
write("npy", "i8_scalar", npy("<i8", [], struct.pack("<q", -7)))
write("npy", "f4_short_data", npy("<f4", [2, 2], f4[:-1]))
write("npy", "f4_huge_shape", npy("<f4", [4294967296, 4294967296], f4))
write("npy", "fortran", npy("<f4", [4], f4).replace(b"False", b"True "))

write("npz", "one", npz([("queries", npy("<f4", [1, 4], f4))]))
write("npz", "two", npz([("queries", npy("<f4", [2, 2], f4)), ("clamp", npy("|b1", [2], bytes([1, 0])))]))
write("npz", "empty", npz([]))
write("npz", "twice", npz([("a", npy("<f4", [1], f4[:4])), ("a", npy("<f4", [1], f4[:4]))]))
write("npz", "bad_crc", npz([("a", npy("<f4", [1], f4[:4]))]).replace(f4[:4], b"\0\0\0\0", 1))

write("numeric_json", "matrix", b"\x02" + b'{"points": [[1, 2.5], [-0.0, 1e-3]], "depth": 3}')
write("numeric_json", "clamp_nested", b"\x02" + b'{"points": [[1, 2]], "clamp": [[true, false]]}')
write("numeric_json", "clamp_flat", b"\x00" + b'{"clamp": [true, false, true], "x": {"y": [null, "s\\u00e9"]}}')
write("numeric_json", "long_digits", b"\x00" + b'{"points": [[3.40282356779733661637539395458142568448e38, 1.401298464324817e-45]]}')
write("numeric_json", "nan", b"\x01" + b'{"points": [[NaN]]}')
write("numeric_json", "ragged", b"\x00" + b'{"points": [[1, 2], [3]]}')

write("safetensors", "mrdam", safetensors({"__metadata__": {"format": "engram-store", "kind": "mrdam"},
    "memories": {"dtype": "F32", "shape": [1, 4], "data_offsets": [0, 16]},
    "ids": {"dtype": "U8", "shape": [1], "data_offsets": [16, 17]}}, f4 + b"a"))
write("safetensors", "drdam", safetensors({"T": {"dtype": "F64", "shape": [2], "data_offsets": [0, 16]},
    "count": {"dtype": "I64", "shape": [], "data_offsets": [16, 24]}}, struct.pack("<2dq", 0.5, -1, 3)))
write("safetensors", "fractional_shape", safetensors({"a": {"dtype": "U8", "shape": [1.5, 2], "data_offsets": [0, 2]}}, b"ab"))
write("safetensors", "near_int_max", safetensors({"a": {"dtype": "F64", "shape": [1152921504606846974],
    "data_offsets": [0, 9223372036854775792]}}, b"\0" * 8))
write("safetensors", "overlap", safetensors({"a": {"dtype": "U8", "shape": [2], "data_offsets": [0, 2]},
    "b": {"dtype": "U8", "shape": [2], "data_offsets": [0, 2]}}, b"ab"))

create = json.dumps({"kind": "mrdam", "dim": 2, "beta": 1, "energy": "lse"}).encode()
add = struct.pack("<II2f", 1, 2, 1, 2) + struct.pack("<I", 1) + struct.pack("<I", 1) + b"a" + struct.pack("<Q", 1)
write("log_reader", "create_add_delete", frame(1, "s", 1, struct.pack("<I", len(create)) + create) + frame(2, "s", 3, add) + frame(3, "s", 2, b""))
write("log_reader", "remove_forget", frame(1, "s", 5, struct.pack("<I", 1) + b"a") + frame(2, "s", 4, struct.pack("<II2f", 1, 2, 1, 2)))
write("log_reader", "torn_tail", frame(1, "s", 2, b"") + frame(2, "s", 2, b"")[:-3])
write("log_reader", "zeros_tail", frame(1, "s", 2, b"") + b"\0" * 40)
write("log_reader", "gap", frame(1, "s", 2, b"") + frame(5, "t", 2, b"") + frame(2**64 - 1, "u", 2, b""))
write("log_reader", "replace", frame(1, "s", 6, safetensors({"a": {"dtype": "U8", "shape": [1], "data_offsets": [0, 1]}}, b"x")))

for name, pattern, store in [("star", "*", "anything"), ("prefix", "lab-*", "lab-one"), ("question", "a?c", "abc"),
                             ("stars", "*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaac"), ("none", "", "x")]:
    write("key_pattern", name, pattern.encode() + b"\0" + store.encode())
