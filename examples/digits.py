#!/usr/bin/env python3
"""The paper's Figure 1 in small: pattern completion by MrDAM and DrDAM on scikit-learn's digits.

100 digits (8x8, D = 64) are stored in an mrdam store (100 rows) and in a drdam store (all of them summed
into one T of 2Y random features). Each query is a stored digit with its lower half erased; the upper
half is clamped (the recall's `clamp` mask holds it fixed) and the descent fills in the lower half.
Draws query / DrDAM / MrDAM / original for one digit of each class to out/digits_completion.png.

Pixels: 0..16 scaled to 0..1, then the mean of the stored digits subtracted, so that an erased pixel
(0) is the mean digit's value and the erased half starts as close to every memory as it can. With the
pixels so scaled, beta = 3 separates the digits well enough for the exact model, and Y = 200 000
features approximate it closely; at beta >= 4 this small DrDAM starts to fail on some queries (its
kernel estimate at the erased query is swamped by the random-feature noise).
"""

import numpy as np
import matplotlib.pyplot as plt
from sklearn.datasets import load_digits

from _common import Clock, Engram, arguments, delete_stores, save

D, K, BETA, ALPHA = 64, 100, 3.0, 0.3


def main() -> None:
    args = arguments(__doc__.splitlines()[0])
    features = 50_000 if args.quick else 200_000
    depth = 60 if args.quick else 100
    clock = Clock("digits")

    digits = load_digits()
    pixels = digits.data[:K] / 16.0
    labels = digits.target[:K]
    mean = pixels.mean(0)
    memories = pixels - mean
    queries = memories.copy()
    queries[:, D // 2:] = 0.0          # the lower half (rows 4-7 of the 8x8 image) erased
    clamp = np.zeros(D, dtype=bool)
    clamp[: D // 2] = True             # the upper half held fixed

    engram = Engram(args.url, api_key=args.api_key)
    delete_stores(args, "digits-mrdam", "digits-drdam")
    clock.say(f"storing {K} digits (D = {D}) in an mrdam store, beta = {BETA:g}")
    mrdam = engram.create_store("digits-mrdam", "mrdam", D, BETA)
    mrdam.add(memories, ids=[f"{i}:{labels[i]}" for i in range(K)])
    clock.say(f"storing them in a drdam store: Y = {features} sincos features, seed 3")
    drdam = engram.create_store("digits-drdam", "drdam", D, BETA, kernel="sincos",
                                features=features, seed=3)
    drdam.add(memories)

    clock.say(f"completing {K} half-erased digits: depth {depth}, alpha {ALPHA}, upper half clamped")
    exact = mrdam.recall(queries, depth=depth, alpha=ALPHA, clamp=clamp)
    clock.say("  mrdam done")
    approx = drdam.recall(queries, depth=depth, alpha=ALPHA, clamp=clamp)
    clock.say("  drdam done")

    def report(name, states):
        error = np.linalg.norm(states[:, D // 2:] - memories[:, D // 2:], axis=1)
        nearest = np.argmin(((states[:, None, :] - memories[None]) ** 2).sum(-1), axis=1)
        right = np.mean(nearest == np.arange(K))
        print(f"  {name}: lower-half error {error.mean():.3f} (erased: "
              f"{np.linalg.norm(memories[:, D // 2:], axis=1).mean():.3f}); "
              f"nearest memory is the original for {right:.0%}")

    report("mrdam", exact.states)
    report("drdam", approx.states)
    print(f"  drdam vs mrdam final states: mean distance "
          f"{np.linalg.norm(approx.states - exact.states, axis=1).mean():.3f}")

    shown = [int(np.flatnonzero(labels == c)[0]) for c in range(10)]
    rows = [("query", queries), ("DrDAM", approx.states), ("MrDAM", exact.states),
            ("original", memories)]
    fig, axes = plt.subplots(len(rows), len(shown), figsize=(len(shown) * 0.9, len(rows) * 1.0))
    for r, (title, images) in enumerate(rows):
        for c, i in enumerate(shown):
            ax = axes[r, c]
            ax.imshow(np.clip(images[i] + mean, 0, 1).reshape(8, 8), cmap="gray_r", vmin=0, vmax=1)
            ax.set_xticks([])
            ax.set_yticks([])
            if r == 0:
                ax.axhline(3.5, color="tab:red", lw=0.8)
            if c == 0:
                ax.set_ylabel(title, fontsize=9)
    save(fig, args, clock, "digits_completion.png",
         f"Digits: lower half completed (K = {K}, beta = {BETA:g}, Y = {features}, depth {depth})", fontsize=9)
    delete_stores(args, "digits-mrdam", "digits-drdam")


if __name__ == "__main__":
    main()
