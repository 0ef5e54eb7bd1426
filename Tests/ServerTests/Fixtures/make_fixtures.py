#!/usr/bin/env python3
"""Reference fixtures for Engram's exact (MrDAM) descent, computed independently with numpy in float64.

Run from anywhere: `python3 Tests/ServerTests/Fixtures/make_fixtures.py`. It rewrites the .npy files
beside itself. The mathematics is docs/mathematics.md's, written directly (no shared code with the Swift engine):
  d_mu = |x - xi_mu|^2, a = -beta d / 2
  lse: E = -(1/beta) logsumexp(a),  grad = x - softmax(a) @ Xi
  sum: E = -(1/beta) sum(exp(a)),   grad = sum_mu exp(a_mu) (x - xi_mu)
  x0 = q; for t < depth: record E(x_t); x_{t+1} = x_t - alpha * grad * (1 - clamp)
"""
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
K, D, B = 12, 8, 5
BETA, ALPHA, DEPTH = 1.5, 0.1, 60


def energy_and_grad(x, memories, beta, kind):
    d = ((x[None, :] - memories) ** 2).sum(axis=1)
    a = -beta * d / 2
    if kind == "lse":
        top = a.max()
        w = np.exp(a - top)
        z = w.sum()
        return -(top + np.log(z)) / beta, x - (w / z) @ memories
    w = np.exp(a)
    return -w.sum() / beta, (w[:, None] * (x[None, :] - memories)).sum(axis=0)


def descend(q, memories, beta, alpha, depth, clamp, kind):
    x = q.astype(np.float64).copy()
    trace = []
    for _ in range(depth):
        e, g = energy_and_grad(x, memories, beta, kind)
        trace.append(e)
        x = x - alpha * g * (~clamp)
    return x, np.array(trace)


def main():
    rng = np.random.default_rng(20241123)
    memories = rng.normal(size=(K, D)).astype(np.float32)
    # Queries: noisy copies of some memories, so descent has somewhere to go.
    queries = (memories[[0, 3, 5, 7, 11]] + 0.6 * rng.normal(size=(B, D))).astype(np.float32)
    clamp = np.zeros((B, D), dtype=bool)
    clamp[:, :2] = True          # every query holds its first two entries
    clamp[2, 5] = True           # and query 2 also entry 5
    clamp[4, :] = False          # query 4 moves freely
    np.save(HERE / "memories.npy", memories)
    np.save(HERE / "queries.npy", queries)
    np.save(HERE / "clamp.npy", clamp)
    mem64 = memories.astype(np.float64)
    for kind in ("lse", "sum"):
        states, traces = zip(*(descend(q, mem64, BETA, ALPHA, DEPTH, c, kind) for q, c in zip(queries, clamp)))
        states = np.stack(states)
        np.save(HERE / f"{kind}_states.npy", states)
        np.save(HERE / f"{kind}_energies.npy", np.stack(traces))
        nearest = np.argmin(((states[:, None, :] - mem64[None]) ** 2).sum(-1), axis=1).astype(np.int64)
        np.save(HERE / f"{kind}_nearest.npy", nearest)
    np.save(HERE / "parameters.npy", np.array([BETA, ALPHA, DEPTH], dtype=np.float64))


if __name__ == "__main__":
    main()
