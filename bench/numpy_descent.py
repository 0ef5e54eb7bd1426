#!/usr/bin/env python3
"""The descent a lab would write in an afternoon with numpy, timed per step: the baseline that
`engram bench --small` compares Engram's small batches against, in the same run.

Prints one JSON object: {"threads": "...", "results": [{"kind", "size", "batch", "seconds_per_step"}]}.
MrDAM lse: two matmuls per step (X Xi^T and P Xi), max-shifted softmax. DrDAM sincos lse: H = sqrt(beta)
X Omega^T, cos/sin of H + b against T, back-projection G Omega. float32 throughout, as Engram computes.
"""
import json
import os
import sys
import time

import numpy as np

D, DEPTH, BETA, ALPHA = 784, 10, 0.05, 0.01


def mrdam_step(x, xi, norms):
    s = x @ xi.T
    a = -0.5 * BETA * np.maximum((x * x).sum(1, keepdims=True) + norms[None, :] - 2 * s, 0)
    a -= a.max(1, keepdims=True)
    p = np.exp(a)
    p /= p.sum(1, keepdims=True)
    return x - ALPHA * (x - p @ xi)


def drdam_step(x, omega, b, t_cos, t_sin, scale):
    h = np.sqrt(BETA, dtype=np.float32) * (x @ omega.T) + b
    c, s = np.cos(h), np.sin(h)
    sim = scale * (c @ t_cos + s @ t_sin)
    g = scale * (c * t_sin - s * t_cos) * (np.sqrt(BETA, dtype=np.float32) / (BETA * sim))[:, None]
    return x - ALPHA * (-(g @ omega))


def per_step(step, x, repeats=5):
    step(x)
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        y = x
        for _ in range(DEPTH):
            y = step(y)
        best = min(best, (time.perf_counter() - start) / DEPTH)
    return best


def main():
    rng = np.random.default_rng(2024)
    batches = [int(b) for b in (sys.argv[1].split(",") if len(sys.argv) > 1 else ["1", "4", "16", "64"])]
    xi = rng.random((1000, D), dtype=np.float32)
    norms = (xi * xi).sum(1)
    y = 4096
    omega = rng.standard_normal((y, D), dtype=np.float32)
    b = (2 * np.pi * rng.random(y)).astype(np.float32)
    h = np.sqrt(BETA, dtype=np.float32) * (xi @ omega.T) + b
    scale = np.float32(np.exp(BETA / 2 * 0) / np.sqrt(y))
    t_cos, t_sin = (np.cos(h).sum(0) * scale).astype(np.float32), (np.sin(h).sum(0) * scale).astype(np.float32)
    results = []
    for batch in batches:
        x = rng.random((batch, D), dtype=np.float32)
        results.append({"kind": "mrdam", "size": 1000, "batch": batch,
                        "seconds_per_step": per_step(lambda v: mrdam_step(v, xi, norms), x)})
        results.append({"kind": "drdam", "size": y, "batch": batch,
                        "seconds_per_step": per_step(lambda v: drdam_step(v, omega, b, t_cos, t_sin, scale), x)})
    print(json.dumps({"threads": os.environ.get("OPENBLAS_NUM_THREADS", "default"), "results": results}))


if __name__ == "__main__":
    main()
