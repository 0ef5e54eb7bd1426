#!/usr/bin/env python3
"""The tutorial's DrDAM demonstration (amtutorial, "Distributed Memory"), run on an Engram server.

Its setting: K = 20 binary memories in D = 30 dimensions, each entry 0 or 1/sqrt(D); 100 queries made
the same way; beta = 25; Y = 100 000 trigonometric random features (`sincos`, T of 2Y numbers); 10
descent steps with alpha = 0.1. The exact model (an mrdam store) and the distributed one (a drdam store
holding only T) descend from each query; the "divergence" is the Euclidean distance between their
final states, ||v(T) - v~(T)||. The tutorial prints 0.024-0.044 for its first ten queries.

Prints the table (initial exact energy, divergence) per query and its mean, and draws the energy
descent of both models, each state's energy measured with the exact energy, to out/tutorial_energy.png.
"""

import numpy as np
import matplotlib.pyplot as plt

from _common import Clock, Engram, arguments, delete_stores, save

D, K, BETA, DEPTH, ALPHA = 30, 20, 25.0, 10, 0.1


def main() -> None:
    args = arguments(__doc__.splitlines()[0])
    features = 20_000 if args.quick else 100_000
    n_queries = 30 if args.quick else 100
    clock = Clock("tutorial")
    rng = np.random.default_rng(779)
    memories = (rng.uniform(size=(K, D)) > 0.5) / np.sqrt(D)
    queries = (rng.uniform(size=(n_queries, D)) > 0.5) / np.sqrt(D)

    engram = Engram(args.url, api_key=args.api_key)
    delete_stores(args, "tutorial-exact", "tutorial-distributed")
    clock.say(f"mrdam store: K = {K} memories in D = {D}, beta = {BETA:g}")
    exact = engram.create_store("tutorial-exact", "mrdam", D, BETA)
    exact.add(memories)
    clock.say(f"drdam store: Y = {features} sincos features (T of {2 * features} numbers), seed 9")
    distributed = engram.create_store("tutorial-distributed", "drdam", D, BETA,
                                      kernel="sincos", features=features, seed=9)
    distributed.add(memories)

    point = memories[0] * 0.5 + memories[1] * 0.5
    clock.say(f"one point: exact energy {exact.energy([point]).energies[0]:.4f}, "
              f"distributed {distributed.energy([point]).energies[0]:.4f}")

    clock.say(f"recall: {n_queries} queries, depth {DEPTH}, alpha {ALPHA}")
    exact_recall = exact.recall(queries, depth=DEPTH, alpha=ALPHA)
    approx_recall = distributed.recall(queries, depth=DEPTH, alpha=ALPHA)
    initial = np.asarray(exact_recall.energies)[:, 0]
    divergence = np.linalg.norm(exact_recall.states - approx_recall.states, axis=1)

    print(f"\n{'query':>5}  {'initial energy':>14}  {'divergence':>10}")
    for i, (e, d) in enumerate(zip(initial, divergence)):
        print(f"{i + 1:>5}  {e:14.4f}  {d:10.4f}")
    print(f"{'mean':>5}  {initial.mean():14.4f}  {divergence.mean():10.4f}")
    print(f"divergence: median {np.median(divergence):.4f}, max {divergence.max():.4f} "
          f"(the tutorial: 0.024-0.044 on its first ten queries)\n")

    # The drdam trajectory measured with the exact energy: the states after 1..DEPTH steps are the
    # ends of recalls of depth 1..DEPTH (the descent is deterministic), scored by the mrdam store.
    clock.say("the distributed trajectory, scored with the exact energy")
    approx_exact = np.empty((n_queries, DEPTH + 1), dtype=np.float64)
    approx_exact[:, 0] = initial
    for t in range(1, DEPTH + 1):
        states = distributed.recall(queries, depth=t, alpha=ALPHA).states
        approx_exact[:, t] = exact.energy(states).energies
    exact_traj = np.concatenate([exact_recall.energies, np.asarray(exact.energy(exact_recall.states).energies)[:, None]], axis=1)
    approx_traj = np.concatenate(
        [approx_recall.energies, np.asarray(distributed.energy(approx_recall.states).energies)[:, None]], axis=1)

    fig, axes = plt.subplots(1, 2, figsize=(10, 4))
    steps = np.arange(DEPTH + 1)
    ax = axes[0]
    for i in range(min(n_queries, 20)):
        ax.plot(steps, exact_traj[i], color="tab:blue", alpha=0.25, lw=0.8)
        ax.plot(steps, approx_exact[i], color="tab:orange", alpha=0.25, lw=0.8, ls="--")
    ax.plot(steps, exact_traj.mean(0), color="tab:blue", lw=2.5, label="MrDAM (exact descent)")
    ax.plot(steps, approx_exact.mean(0), color="tab:orange", lw=2.5, ls="--",
            label="DrDAM descent, exact energy")
    ax.plot(steps, approx_traj.mean(0), color="tab:red", lw=1.2, ls=":",
            label="DrDAM descent, its own energy")
    ax.set_xlabel("descent step t")
    ax.set_ylabel(r"energy $E_\beta(v^{(t)})$")
    ax.set_title(f"Energy descent (mean of {n_queries}; thin: 20 queries)")
    ax.legend(fontsize=8)
    ax = axes[1]
    ax.scatter(initial, divergence, s=14, color="tab:purple")
    ax.axhline(divergence.mean(), color="gray", ls="--", lw=1, label=f"mean {divergence.mean():.4f}")
    ax.set_xlabel(r"initial energy $E_\beta(q)$")
    ax.set_ylabel(r"divergence $\|v^{(T)} - \tilde v^{(T)}\|$")
    ax.set_title("Divergence of the final states")
    ax.legend(fontsize=8)
    save(fig, args, clock, "tutorial_energy.png",
         f"Tutorial: D = {D}, K = {K}, Y = {features}, beta = {BETA:g}, {DEPTH} steps, alpha = {ALPHA}")
    delete_stores(args, "tutorial-exact", "tutorial-distributed")


if __name__ == "__main__":
    main()
