"""Sweep of small_weights over the input dimension d: size, weights and times of N^ and its check.

For each (d, k), N' is a deterministic random network of depth k and hidden width d with weights
s/4, s in -7..7 (seeded; the first seed whose N' is not constant on the grid), on I^d with R = 1,
p = 2, eps = 1/16. Prints one markdown row per instance: d, k, N' width, grid points, depth of N^,
its width and number of weights, its max weight (every weight and bias) and the weight
polynomial's value, the build time (construction and certificate writer) and the kernel's check
time. Run: python benchmarks/small_weights_sweep.py [max_d] [k ...] (defaults: 4, then k = 2 3).
"""

from __future__ import annotations

import random
import sys
import time
from fractions import Fraction

from certify import Grid, Network, evaluate
from certify.theorems import small_weights

R, P, EPS = 1, 2, Fraction(1, 16)


def random_network(d: int, k: int, seed: int) -> Network:
    """Return a depth-k network, d inputs, hidden width d, weights s/4 (s in -7..7)."""
    rng = random.Random(1000 * d + 10 * k + seed)

    def w():
        return Fraction(rng.randint(-7, 7), 4)

    layers = [([[w() for _ in range(d)] for _ in range(d)], [w() for _ in range(d)]) for _ in range(k - 1)]
    return Network.from_layers(layers + [([[w() for _ in range(d)]], None)], input_dim=d)


def instance(d: int, k: int) -> Network:
    """Return the first random network of the seed sequence that is not constant on the grid."""
    grid = Grid(d, R, P)
    for seed in range(100):
        net = random_network(d, k, seed)
        if len(set(evaluate(net, grid))) > 1:
            return net
    raise RuntimeError(f"no non-constant network for d={d}, k={k}")


def row(d: int, k: int) -> str:
    """Return the markdown row of one instance."""
    net = instance(d, k)
    start = time.perf_counter()
    result = small_weights(net, R, P, EPS, construction="sweep")
    built = time.perf_counter() - start
    start = time.perf_counter()
    report = result.certificate.check()
    checked = time.perf_counter() - start
    if not report.ok:
        raise RuntimeError(f"d={d}, k={k}: {report.first_failure}")
    hat = result.network
    return (f"| {d} | {k} | {d} | {Grid(d, R, P).size} | {hat.depth} | {hat.width} | {hat.num_weights} | "
            f"{hat.max_weight} | {result.weight_bound} | {built:.1f} | {checked:.1f} |")


def main(argv) -> None:
    max_d = int(argv[1]) if len(argv) > 1 else 4
    ks = [int(v) for v in argv[2:]] or [2, 3]
    print("| d | k | width N' | grid points | depth N^ | width N^ | weights N^ | max weight N^ | polynomial bound "
          "| build s | check s |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for k in ks:
        for d in range(1, max_d + 1):
            print(row(d, k), flush=True)


if __name__ == "__main__":
    main(sys.argv)
