#!/usr/bin/env python3
"""The paper's Figure 1 at its own scale: completing 64x64 colour images with MrDAM and DrDAM.

The setting of the paper's PINF experiment (Hoover et al., NeurIPS 2024, Figure 1), through the
service: four 64x64x3 patches (D = 12 288) cut from the two photographs scikit-learn ships
(`load_sample_images`, no download) are the memories, normalised as the paper does (M / (max * sqrt(D))).
Each query is a memory with every pixel after the first third set to 0; the first third is clamped.
Depth 300, alpha 0.1, Y = 180 000 sincos features, seed 42, lse energy. Four stores answer the same
queries: MrDAM (exact), DrDAM with dense features (Omega held: 8.8 GB at this scale) and DrDAM with
structured features (SORF: Omega never stored). It is done twice: at the paper's beta = 60 and at the
beta that `POST /v1/calibrate` finds for these memories (the paper's `condition_beta_on_memories`).

Draws, for each beta, the grid query / DrDAM dense / DrDAM structured / MrDAM / original (one row per
query, pixels shown as the paper does: clip(x, 0, 1/sqrt(D)) * sqrt(D)) with each recall's wall time
and each DrDAM result's distance to MrDAM's, to out/figure1.png, and prints the same figures.

The dense store needs a server that allows it: `examples/run.py` starts one with the limits raised
(`--max-feature-entries`, `--max-store-bytes`, `--max-total-bytes`, `--request-timeout`). `--quick`
runs the same pipeline on 16x16x3 patches (D = 768) with Y = 10 000.
"""

import time
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_sample_images

from _common import Clock, Engram, arguments, delete_stores, save

BETA, ALPHA, DEPTH, SEED, MASK_AFTER = 60.0, 0.1, 300, 42, 0.33
# Where the patches are cut, in the photographs shrunk by `shrink` (china.jpg, flower.jpg: 427x640):
# two from each, (image, row, column) of the top-left corner in the shrunk image, as fractions.
PATCHES = ((0, 0.09, 0.125), (0, 0.38, 0.60), (1, 0.15, 0.30), (1, 0.40, 0.50))
TRANSFORMS = ("dense", "structured")


def patches(side: int) -> np.ndarray:
    """The four memories [4, side * side * 3]: patches of the photographs shrunk so that a patch of
    `side` pixels holds a recognisable part of them (block means over `shrink` x `shrink` pixels)."""
    shrink = max(1, 256 // side)
    images = []
    for image in load_sample_images().images:
        h, w = image.shape[0] // shrink * shrink, image.shape[1] // shrink * shrink
        small = image[:h, :w].astype(np.float64).reshape(h // shrink, shrink, w // shrink, shrink, 3).mean((1, 3))
        images.append(small)
    out = []
    for index, top, left in PATCHES:
        image = images[index]
        r = min(int(top * image.shape[0]), image.shape[0] - side)
        c = min(int(left * image.shape[1]), image.shape[1] - side)
        out.append(image[r:r + side, c:c + side].reshape(-1))
    return np.stack(out)


def shown(states: np.ndarray, side: int) -> np.ndarray:
    """States [B, D] as the paper shows them: clip(x, 0, 1/sqrt(D)) * sqrt(D), as [B, side, side, 3]."""
    d = states.shape[1]
    return (np.clip(states, 0, 1 / np.sqrt(d)) * np.sqrt(d)).reshape(-1, side, side, 3)


def main() -> None:
    args = arguments(__doc__.splitlines()[0])
    warnings.simplefilter("ignore")     # the client's RecallWarning: printed per run below instead
    side, features = (16, 10_000) if args.quick else (64, 180_000)
    clock = Clock("figure1")

    raw = patches(side)
    d = raw.shape[1]
    memories = raw / (raw.max() * np.sqrt(d))          # the paper's normalisation
    mask_after = int(d * MASK_AFTER)
    queries = memories.copy()
    queries[:, mask_after:] = 0.0                       # every pixel after the first third erased
    clamp = np.zeros(d, dtype=bool)
    clamp[:mask_after] = True                           # the first third held fixed
    engram = Engram(args.url, api_key=args.api_key, timeout=3600)   # a dense recall at this scale takes minutes

    calibrated = engram.calibrate_beta(memories)["beta"]
    clock.say(f"{len(memories)} memories of D = {d}; the calibrated beta is {calibrated:.4g} (the paper's: {BETA:g})")

    runs = {}   # beta -> {model: (states [4, D], seconds)}
    for beta in (BETA, calibrated):
        results = {}
        models = [("MrDAM", dict(kind="mrdam"))] + [
            (f"DrDAM {t}", dict(kind="drdam", kernel="sincos", features=features, seed=SEED, transform=t)) for t in TRANSFORMS]
        for label, settings in models:
            name = f"figure1-{label.split()[-1].lower()}"
            delete_stores(args, name)
            kind = settings.pop("kind")
            start = time.monotonic()
            store = engram.create_store(name, kind, d, beta, **settings)
            store.add(memories)
            created = time.monotonic() - start
            start = time.monotonic()
            result = store.recall(queries, depth=DEPTH, alpha=ALPHA, clamp=clamp)
            seconds = time.monotonic() - start
            results[label] = (np.asarray(result.states, dtype=np.float64), seconds)
            clock.say(f"beta {beta:.4g}, {label}: created and filled in {created:.2f} s, "
                      f"{DEPTH} steps of {len(queries)} queries in {seconds:.2f} s; "
                      f"final energies {np.round(np.asarray(result.energy, dtype=np.float64), 4).tolist()}")
            if result.clipped_steps is not None:
                clock.say(f"    steps at the lse clip {result.clipped_steps.tolist()}, s/noise at the query "
                          f"{np.round(result.signal[:, 0].astype(np.float64) / result.noise[:, 0], 1).tolist()}, warnings {result.warnings}")
            delete_stores(args, name)          # a dense store at this scale holds 8.8 GB: one at a time
        exact = results["MrDAM"][0]
        for label in results:
            if label != "MrDAM":
                distance = np.linalg.norm(results[label][0] - exact, axis=1) / np.linalg.norm(exact, axis=1)
                clock.say(f"beta {beta:.4g}, {label}: distance to MrDAM's states / |MrDAM's| per query "
                          f"{np.round(distance, 4).tolist()}")
        runs[beta] = results

    columns = ["query", "DrDAM dense", "DrDAM structured", "MrDAM", "original"]
    fig, axes = plt.subplots(len(queries), 2 * len(columns), figsize=(2 * len(columns) * 1.35, len(queries) * 1.5))
    for panel, (beta, results) in enumerate(runs.items()):
        exact = results["MrDAM"][0]
        images = {"query": shown(queries, side), "original": shown(memories, side)}
        for label, (states, _) in results.items():
            images[label] = shown(states, side)
        for c, column in enumerate(columns):
            for r in range(len(queries)):
                ax = axes[r, panel * len(columns) + c]
                ax.imshow(images[column][r], interpolation="nearest")
                ax.set_xticks([])
                ax.set_yticks([])
                if column.startswith("DrDAM"):
                    distance = np.linalg.norm(results[column][0][r] - exact[r]) / np.linalg.norm(exact[r])
                    ax.set_xlabel(f"{distance:.3f}", fontsize=7)
            title = column if column not in results else f"{column}\n{results[column][1]:.1f} s"
            which = "beta = 60 (paper)" if beta == BETA else f"beta = {beta:.3g} (calibrated)"
            axes[0, panel * len(columns) + c].set_title(f"{which}\n{title}" if c == 0 else title, fontsize=7)
    save(fig, args, clock, "figure1.png",
         f"Figure 1 through Engram: {side}x{side}x3 patches, D = {d}, Y = {features}, depth {DEPTH}, alpha {ALPHA} "
         "(under each DrDAM image: its distance to MrDAM's state, relative)", fontsize=8)

    for beta, results in runs.items():
        exact = results["MrDAM"][0]
        for label in TRANSFORMS:
            states = results[f"DrDAM {label}"][0]
            distance = np.linalg.norm(states - exact, axis=1) / np.linalg.norm(exact, axis=1)
            if not np.all(np.isfinite(states)):
                raise SystemExit(f"beta {beta:.4g}, DrDAM {label}: states are not finite")
            clock.say(f"beta {beta:.4g}, DrDAM {label}: median distance to MrDAM {np.median(distance):.4f}")


if __name__ == "__main__":
    main()
