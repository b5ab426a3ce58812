"""Exact evaluation against float64 numpy and against naive per-point Fractions, side by side.

Run: python benchmarks/bench_exact.py [--quick]

For each network, on the same grid points: float64 numpy (dense matrices, or a scipy CSR matrix for the
sparse network) in chunks of the kernel's size; the kernel's exact evaluation (certify/kernel/network.py:
float64 when every partial sum is proven < 2^53, else float64 products of limbs combined in int64 or
Python ints, else Python ints); the builder's exact
evaluation (certify.evaluate: float64, int64 or multimodular); and certify.reference (pure Python
Fractions, point by point) on a sample of points, extrapolated to all of them. The kernel's outputs are
compared with the reference on the sample. Best of 5 runs, taken in turn; BLAS single-threaded (run_all.py
sets it).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from fractions import Fraction
from pathlib import Path

import numpy as np
import scipy.sparse

sys.path.insert(0, str(Path(__file__).parent))
from certs import max_network

from certify import Grid, Network
from certify.evaluate import evaluate, integer_layers
from certify.kernel import Limits
from certify.kernel import network as knet
from certify.kernel.domain import parse_domain
from certify.kernel.sweep import CHUNK_ELEMENTS
from certify.reference import evaluate_point


def dense_network(widths, weight: int, seed: int = 1) -> dict:
    """Return a `network` object with dense random integer weights and biases in [-weight, weight]."""
    rng, layers = random.Random(seed), []
    draw = lambda: rng.randint(-weight, weight) or 1
    for l in range(1, len(widths)):
        trip = [[i, j, draw()] for i in range(widths[l]) for j in range(widths[l - 1])]
        bias = None if l == len(widths) - 1 else [draw() for _ in range(widths[l])]
        layers.append({"size": widths[l], "weights": trip, "bias": bias})
    return {"form": "paper", "input_dim": widths[0], "layers": layers}


def interleaved(fns: dict, repeat: int = 5) -> dict:
    """Return the best time of each function, run in turn `repeat` times (so that load changes hit all)."""
    times = {k: [] for k in fns}
    for _ in range(repeat):
        for k, fn in fns.items():
            t = time.perf_counter()
            fn()
            times[k].append(time.perf_counter() - t)
    return {k: min(v) for k, v in times.items()}


def float_layers(netj: dict, sparse: bool) -> list:
    """Return [(W, b)] in float64: W dense (size x prev) or scipy CSR; b a column or None."""
    out, prev = [], netj["input_dim"]
    for L in netj["layers"]:
        r, c, w = zip(*[(i, j, float(Fraction(v))) for i, j, v in L["weights"]])
        W = scipy.sparse.csr_matrix((w, (r, c)), shape=(L["size"], prev))
        out.append((W if sparse else W.toarray(), None if L["bias"] is None else
                    np.array([float(Fraction(b)) for b in L["bias"]])[:, None]))
        prev = L["size"]
    return out


def compare(name: str, netj: dict, domain: dict, sparse: bool = False, sample: int = 20) -> dict:
    """Return the timings (seconds) and ratios of one network on one grid."""
    lim = Limits(max_weights=10**8, max_neurons=10**7)
    kn = knet.parse_network(netj, "network", lim, lim.max_weights)
    dom = parse_domain(domain, lim)
    plan = knet.prepare(kn, dom.box(), dom.den)
    m = max(1, min(plan.chunk, CHUNK_ELEMENTS // sum(kn.sizes)))
    X = dom.numerators(0, dom.size)
    chunks = [X[:, a:a + m] for a in range(0, dom.size, m)]
    F = float_layers(netj, sparse)

    def float64():
        for x in chunks:
            h = x / dom.den
            for W, b in F:
                h = W @ h
                if b is not None:
                    h += b
                    np.maximum(h, 0, out=h)
    net = Network.from_json(netj)
    integer_layers(net)
    grid = Grid(domain["d"], domain["R"], domain["p"])
    t = interleaved({"float64": float64, "kernel": lambda: [knet.forward(plan, x)[-1] for x in chunks],
                     "builder": lambda: evaluate(net, grid)}, repeat=5 if dom.size * sum(kn.sizes) < 10**9 else 2)
    t_float, t_kernel, t_builder, ev = t["float64"], t["kernel"], t["builder"], evaluate(net, grid)
    idx = sorted(random.Random(0).sample(range(dom.size), min(sample, dom.size)))
    pts = [grid.point(i) for i in idx]
    t = time.perf_counter()
    ref = [evaluate_point(net, p) for p in pts]
    t_naive = (time.perf_counter() - t) / len(pts) * dom.size
    got = knet.forward(plan, X[:, idx])[-1]
    assert all(Fraction(int(got[o, k]), plan.dens[-1]) == ref[k][o] for k in range(len(idx)) for o in range(len(ref[0])))
    assert [ev[i] for i in idx] == ref, "builder evaluation disagrees with the reference"
    order = lambda p: (p != "float64") + ("x float64" in p and p.endswith("bigint")) + 2 * (p == "bigint")
    path = max(plan.paths, key=order)  # the slowest path of any layer
    row = {"name": name, "points": dom.size, "kernel_path": path, "builder_path": ev.path, "float64": t_float,
           "kernel": t_kernel, "builder": t_builder, "naive": t_naive, "kernel/float64": t_kernel / t_float,
           "builder/float64": t_builder / t_float, "naive/kernel": t_naive / t_kernel}
    print(f"  {name}: {dom.size} points, kernel {path} {t_kernel:.3f} s, builder {ev.path} {t_builder:.3f} s, "
          f"float64 {t_float:.3f} s, naive Fraction ~{t_naive:.0f} s", file=sys.stderr, flush=True)
    return row


def measure(quick: bool = False) -> list[dict]:
    """Return one row per network."""
    g = lambda p: {"kind": "grid", "d": 2, "R": 1, "p": p}
    return [
        compare("dense [2,256,256,256,1], weights in [-8, 8] (bound < 2^53)", dense_network([2, 256, 256, 256, 1], 8),
                g(40 if quick else 100)),
        compare("dense [2,64,64,64,1], weights in [-2^10, 2^10]", dense_network([2, 64, 64, 64, 1], 2**10),
                g(40 if quick else 100)),
        compare("dense [2,64,64,64,1], weights in [-2^24, 2^24]", dense_network([2, 64, 64, 64, 1], 2**24),
                g(20 if quick else 50), sample=10),
        compare("sparse [2,20001,20001,1], 3 non-zeros per row", max_network([20001, 20001], sparse=3),
                g(10 if quick else 30), sparse=True, sample=3),
    ]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="smaller grids")
    print(json.dumps(measure(ap.parse_args().quick), indent=1))


if __name__ == "__main__":
    main()
