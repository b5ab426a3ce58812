"""Exact evaluation vs float64 numpy, side by side in one run (issue: exact core).

Run: python benchmarks/bench_evaluate.py [--quick]
Prints ratios (exact time / float64 time) measured on the same network and points.
"""

import random
import sys
import time
from fractions import Fraction

import numpy as np

from certify import Grid, Network
from certify.evaluate import evaluate, integer_layers
from certify.reference import evaluate_point


def random_net(widths, weight, rng):
    layers = []
    for l in range(1, len(widths)):
        W = [[weight(rng) for _ in range(widths[l - 1])] for _ in range(widths[l])]
        b = None if l == len(widths) - 1 else [weight(rng) for _ in range(widths[l])]
        layers.append((W, b))
    return Network.from_layers(layers)


def float_eval(net, X):
    """The float64 numpy baseline: same network (weights rounded to float), same points."""
    h = X
    for l, (W, b) in enumerate(net.layers, 1):
        Wf = np.array([[float(w) for w in row] for row in W]).T
        h = h @ Wf
        if b is not None:
            h += np.array([float(v) for v in b])
        if l < net.depth:
            np.maximum(h, 0, out=h)
    return h


def best_of(fn, repeat=3):
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return min(times), out


def best_of_both(fn_a, fn_b, repeat=3):
    """Return (best time of fn_a, best time of fn_b, fn_b's result), runs alternated (fair under load)."""
    ta, tb = [], []
    for _ in range(repeat):
        ta.append(best_of(fn_a, 1)[0])
        t, out = best_of(fn_b, 1)
        tb.append(t)
    return min(ta), min(tb), out


def compare(name, net, grid, naive_points=200):
    integer_layers(net)
    nums, den = grid.chunk(0, grid.size)
    X = nums.astype(np.float64) / den
    t_float, t_exact, ev = best_of_both(lambda: float_eval(net, X), lambda: evaluate(net, grid))
    pts = [grid.point(i) for i in range(0, grid.size, max(1, grid.size // naive_points))][:naive_points]
    t = time.perf_counter()
    ref = [evaluate_point(net, x) for x in pts]
    t_naive = (time.perf_counter() - t) / len(pts) * grid.size
    idx = [i for i in range(0, grid.size, max(1, grid.size // naive_points))][:naive_points]
    assert all(ev[i] == r for i, r in zip(idx, ref)), "fast path disagrees with the reference"
    print(f"{name:42s} points={grid.size:>7d} path={ev.path:12s} float64={t_float:8.3f}s exact={t_exact:8.3f}s "
          f"exact/float64={t_exact / t_float:6.2f}x  naive-Fraction/exact={t_naive / t_exact:10.0f}x")


def main():
    quick = "--quick" in sys.argv
    rng = random.Random(1)
    p = 60 if quick else 223
    grid = Grid(2, 1, p)
    net = random_net([2, 256, 256, 256, 1], lambda r: r.randint(-8, 8), rng)
    compare("widths [2,256,256,256,1], weights in [-8,8]", net, grid)
    net = random_net([2, 64, 64, 64, 1], lambda r: Fraction(r.randint(-50, 50), r.randint(1, 50)), rng)
    compare("widths [2,64,64,64,1], random rationals", net, Grid(2, 1, 40 if quick else 100))
    net = random_net([2] + [32] * 6 + [1], lambda r: Fraction(r.randint(-50, 50), r.randint(1, 50)), rng)
    compare("widths [2,32x6,1], random rationals (deeper)", net, Grid(2, 1, 40 if quick else 100))


if __name__ == "__main__":
    main()
