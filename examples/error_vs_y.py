#!/usr/bin/env python3
"""The paper's error-versus-Y figure in small: how well each random feature map approximates the energy.

K digits from scikit-learn (D = 64) are stored in one mrdam store (the exact reference) and in drdam
stores of every feature map (sincos, cos, exp, expexp), both energies (lse, sum) and a range of Y;
the `energy` route scores the same points (other digits and the stored ones) on each. The error is
the mean |E~(x) - E(x)| over the points, averaged over a few seeds, drawn log-log against Y with a
1/sqrt(Y) guide (the rate of a Monte Carlo estimate) to out/error_vs_y.png.

Data as in the paper's kernel ablation: pixels scaled so that the largest distance between two
images is at most 1 ((x - min) / (range * sqrt(D))).
"""

import numpy as np
import matplotlib.pyplot as plt
from sklearn.datasets import load_digits

from _common import Clock, Engram, arguments, delete_stores, save

D = 64
KERNELS = ("sincos", "cos", "exp", "expexp")
ENERGIES = ("lse", "sum")
BETA = 10.0


def main() -> None:
    args = arguments(__doc__.splitlines()[0])
    if args.quick:
        ys, seeds, k, n_points, beta = [2 ** p for p in range(8, 15, 2)], [1], 100, 100, BETA
    else:
        ys, seeds, k, n_points, beta = [2 ** p for p in range(8, 18)], [1, 2, 3, 4, 5], 200, 200, BETA
    clock = Clock("error_vs_y")

    data = load_digits().data.astype(np.float64)
    data = (data - data.min()) / ((data.max() - data.min()) * np.sqrt(D))
    order = np.random.default_rng(42).permutation(len(data))
    memories = data[order[:k]]
    points = np.concatenate([data[order[k:k + n_points // 2]], memories[: n_points - n_points // 2]])

    engram = Engram(args.url, api_key=args.api_key)
    exact = {}
    for energy in ENERGIES:
        name = f"error-exact-{energy}"
        delete_stores(args, name)
        store = engram.create_store(name, "mrdam", D, beta, energy=energy)
        store.add(memories)
        exact[energy] = np.asarray(store.energy(points).energies, dtype=np.float64)
        delete_stores(args, name)
    clock.say(f"exact energies of {len(points)} points from an mrdam store of K = {k}, beta = {beta:g}: "
              f"lse mean {exact['lse'].mean():.4f}, sum mean {exact['sum'].mean():.4f}")

    errors = {}   # (kernel, energy) -> [len(ys)] mean absolute error, averaged over seeds
    for energy in ENERGIES:
        for kernel in KERNELS:
            row = np.zeros((len(seeds), len(ys)))
            for s, seed in enumerate(seeds):
                for j, y in enumerate(ys):
                    name = f"error-{kernel}-{energy}-{y}-{seed}"
                    delete_stores(args, name)
                    store = engram.create_store(name, "drdam", D, beta, energy=energy, kernel=kernel,
                                                features=y, seed=seed)
                    store.add(memories)
                    row[s, j] = np.abs(np.asarray(store.energy(points).energies, dtype=np.float64) - exact[energy]).mean()
                    delete_stores(args, name)
            errors[kernel, energy] = row.mean(0)
            clock.say(f"{energy:>3} {kernel:>6}: error " +
                      " ".join(f"{e:.2g}" for e in errors[kernel, energy]) + f"  (Y = {ys[0]} .. {ys[-1]})")

    fig, axes = plt.subplots(1, 2, figsize=(10, 4.2))
    colors = dict(zip(KERNELS, ("tab:blue", "tab:orange", "tab:green", "tab:red")))
    for ax, energy in zip(axes, ENERGIES):
        for kernel in KERNELS:
            ax.loglog(ys, errors[kernel, energy], "o-", ms=4, color=colors[kernel], label=kernel)
        # the guide: c / sqrt(Y) through the best map's point at the largest Y
        best = min(errors[kk, energy][-1] for kk in KERNELS)
        guide = best * np.sqrt(ys[-1]) / np.sqrt(np.asarray(ys, dtype=float))
        ax.loglog(ys, guide, "k--", lw=1, label=r"$\propto 1/\sqrt{Y}$")
        ax.set_xlabel("Y (random features)")
        ax.set_ylabel(r"mean $|\tilde E(x) - E(x)|$")
        ax.set_title(f"{energy} energy", fontsize=10)
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=8)
    save(fig, args, clock, "error_vs_y.png",
         f"Energy error against Y: digits, K = {k}, D = {D}, beta = {beta:g}, {len(points)} points, {len(seeds)} seed(s)")


if __name__ == "__main__":
    main()
