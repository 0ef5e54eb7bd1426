#!/usr/bin/env python3
"""Reference fixtures for Engram's distributed (DrDAM) descent, computed independently with numpy in float64.

Run from anywhere: `python3 Tests/ServerTests/Fixtures/make_drdam_fixtures.py`. It rewrites the drdam_*.npy
files beside itself. Omega [Y, D] and b [Y] come from numpy's own generator and are written out (as float32,
and used here exactly as rounded), so the Swift side builds its features from them instead of its Philox
generator. The mathematics is docs/mathematics.md's, written directly (no shared code with the Swift engine); the
Jacobian J [F, D] of phi is formed explicitly, which the engine never does:
  h = sqrt(beta) Omega x, theta = h + b, q = beta |x|^2
  sincos: phi = Y^-1/2 [cos theta; sin theta]         cos:    phi = (2/Y)^1/2 cos theta
  exp:    phi = Y^-1/2 exp(h - q)                      expexp: phi = (2Y)^-1/2 [exp(h - q); exp(-h - q)]
  T = sum_mu phi(xi_mu), s = <phi(x), T>
  lse: E = -(1/beta) log max(s, eps), grad = -J^T T / (beta s) where s > eps, 0 where clipped
  sum: E = -(1/beta) s,               grad = -J^T T / beta
  x0 = q; for t < depth: record E(x_t); x_{t+1} = x_t - alpha * grad * (1 - clamp)
"""
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
K, D, Y, B = 10, 8, 128, 4
BETA, ALPHA, DEPTH, EPS = 4.0, 0.1, 40, 1e-10
KINDS = ("sincos", "cos", "exp", "expexp")
ENERGIES = ("lse", "sum")


def features_and_jacobian(x, omega, bias, beta, kind):
    """phi(x) [F] and its Jacobian J [F, D]."""
    y = omega.shape[0]
    root = np.sqrt(beta)
    h = root * omega @ x
    dh = root * omega                       # dh_i/dx = sqrt(beta) omega_i
    if kind in ("sincos", "cos"):
        theta = h + bias
        c, s = np.cos(theta), np.sin(theta)
        if kind == "sincos":
            scale = 1 / np.sqrt(y)
            return scale * np.concatenate([c, s]), scale * np.concatenate([-s[:, None] * dh, c[:, None] * dh])
        scale = np.sqrt(2 / y)
        return scale * c, scale * (-s[:, None] * dh)
    q = beta * x @ x
    dq = 2 * beta * x
    plus = np.exp(h - q)
    if kind == "exp":
        scale = 1 / np.sqrt(y)
        return scale * plus, scale * plus[:, None] * (dh - dq)
    minus = np.exp(-h - q)
    scale = 1 / np.sqrt(2 * y)
    return (scale * np.concatenate([plus, minus]),
            scale * np.concatenate([plus[:, None] * (dh - dq), minus[:, None] * (-dh - dq)]))


def energy_and_grad(x, t, omega, bias, beta, kind, energy):
    phi, jacobian = features_and_jacobian(x, omega, bias, beta, kind)
    s = phi @ t
    if energy == "sum":
        return -s / beta, -(jacobian.T @ t) / beta
    if s <= EPS:
        return -np.log(EPS) / beta, np.zeros_like(x)
    return -np.log(s) / beta, -(jacobian.T @ t) / (beta * s)


def descend(query, clamp, t, omega, bias, kind, energy):
    x = query.astype(np.float64).copy()
    trace = []
    for _ in range(DEPTH):
        e, g = energy_and_grad(x, t, omega, bias, BETA, kind, energy)
        trace.append(e)
        x = x - ALPHA * g * (~clamp)
    return x, np.array(trace)


def main():
    rng = np.random.default_rng(20250107)
    omega = rng.normal(size=(Y, D)).astype(np.float32)
    bias = rng.uniform(0, 2 * np.pi, size=Y).astype(np.float32)
    memories = (0.5 * rng.normal(size=(K, D))).astype(np.float32)
    # Queries: noisy copies of some memories, so the descent has somewhere to go.
    queries = (memories[[1, 4, 6, 9]] + 0.3 * rng.normal(size=(B, D))).astype(np.float32)
    clamp = np.zeros((B, D), dtype=bool)
    clamp[0, :3] = True          # query 0 holds its first three entries
    clamp[2, [1, 6]] = True      # query 2 holds entries 1 and 6; queries 1 and 3 move freely
    for name, array in (("omega", omega), ("bias", bias), ("memories", memories), ("queries", queries), ("clamp", clamp)):
        np.save(HERE / f"drdam_{name}.npy", array)
    np.save(HERE / "drdam_parameters.npy", np.array([BETA, ALPHA, DEPTH, EPS], dtype=np.float64))
    omega64, bias64 = omega.astype(np.float64), bias.astype(np.float64)
    for kind in KINDS:
        t = sum(features_and_jacobian(m, omega64, bias64, BETA, kind)[0] for m in memories.astype(np.float64))
        for energy in ENERGIES:
            states, traces = zip(*(descend(q, c, t, omega64, bias64, kind, energy) for q, c in zip(queries, clamp)))
            np.save(HERE / f"drdam_{kind}_{energy}_states.npy", np.stack(states))
            np.save(HERE / f"drdam_{kind}_{energy}_energies.npy", np.stack(traces))
            moved = np.abs(np.stack(states) - queries).max()
            print(f"{kind} {energy}: moved up to {moved:.3g}, energies {traces[0][0]:.4g} -> {traces[0][-1]:.4g}")


if __name__ == "__main__":
    main()
