"""An independent numpy reimplementation of the paper's beta search (`condition_beta_on_memories` and
`is_well_conditioned` in kernel_sims.py of bhoov/distributed_DAM), in float64, for the calibration tests.

Reads JSON from the file named by its argument: {"memories": [[...], ...], "energy": "lse" | "sum", "check": [beta, ...]}.
Prints JSON: {"beta": the smallest beta that worked, "steps": bisection steps, "upper": whether
beta = 600 works, "fixed": [whether every memory is a fixed point at each beta of "check"]}.
"""
import json
import sys

import numpy as np


def gradients(memories, beta, energy):
    """dE/dx at every memory [K, D], by the energy's formula written out (jax.grad's result)."""
    diff = memories[:, None, :] - memories[None, :, :]          # [K, K, D]: x_j - xi_i
    d2 = np.sum(diff ** 2, axis=-1)                              # [K, K]
    a = -beta / 2 * d2
    if energy == "lse":
        a = a - a.max(axis=1, keepdims=True)
        w = np.exp(a)
        w = w / w.sum(axis=1, keepdims=True)
    else:
        w = np.exp(a)
    return np.einsum("ji,jid->jd", w, diff)


def well_conditioned(memories, beta, energy, atol=1e-7, rtol=1e-5):
    return bool(np.allclose(gradients(memories, beta, energy), 0, atol=atol, rtol=rtol))


def search(memories, energy, beta_min=1e-4, beta_max=600.0, max_steps=40, precision=1e-3):
    lo, hi = beta_min, beta_max
    steps = 0
    for i in range(max_steps):
        now = (lo + hi) / 2
        steps = i + 1
        if well_conditioned(memories, now, energy):
            hi = now
            if hi - lo < precision:
                break
        else:
            lo = now
    return hi, steps


with open(sys.argv[1]) as f:
    request = json.load(f)
memories = np.asarray(request["memories"], dtype=np.float32).astype(np.float64)
energy = request.get("energy", "lse")
beta, steps = search(memories, energy)
print(json.dumps({
    "beta": beta,
    "steps": steps,
    "upper": well_conditioned(memories, 600.0, energy),
    "fixed": [well_conditioned(memories, b, energy) for b in request.get("check", [])],
}))
