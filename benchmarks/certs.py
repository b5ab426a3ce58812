"""Synthetic certificates for the scale benchmarks, written straight as JSON (no builder run).

`max_certificate` makes a network that computes max(x_0, x_1) exactly on a grid, padded with wide
random layers whose neurons come in identical pairs that cancel in the output (weights +1, -1).
So the sup-error is exactly 0 on any domain, whatever the grid size, and the kernel must still
evaluate every neuron at every point. `sparse=k` gives every random row k non-zeros (the shape of
the small-weights networks); otherwise the random rows are dense.
"""

import random
from fractions import Fraction

from certify.kernel.canonical import FORMAT, network_sha256


def _q(v) -> int | str:
    v = Fraction(v)
    return v.numerator if v.denominator == 1 else f"{v.numerator}/{v.denominator}"


def max_network(widths, sparse=None, weight=8, seed=1) -> dict:
    """Return the `network` object: input (x_0, x_1), hidden `widths` (each >= 5, pairs after the
    first three neurons), one output max(x_0, x_1) = relu(x_0 - x_1) + relu(x_1) - relu(-x_1)."""
    rng, layers, prev = random.Random(seed), [], 2
    for n, w in enumerate(widths):
        pairs = (w - 3) // 2
        trip = [[0, 0, 1], [0, 1, -1], [1, 1, 1], [2, 1, -1]] if n == 0 else [[0, 0, 1], [1, 1, 1], [2, 2, 1]]
        for k in range(pairs):
            cols = sorted(rng.sample(range(prev), min(prev, sparse))) if sparse else range(prev)
            row = [(j, rng.choice([v for v in range(-weight, weight + 1) if v])) for j in cols]
            for i in (3 + 2 * k, 4 + 2 * k):
                trip += [[i, j, v] for j, v in row]
        size = 3 + 2 * pairs
        bias = [0, 0, 0] + [b for k in range(pairs) for b in [rng.randint(-weight, weight)] * 2]
        layers.append({"size": size, "weights": trip, "bias": bias})
        prev = size
    out = [[0, 0, 1], [0, 1, 1], [0, 2, -1]] + [[0, 3 + k, (-1) ** k] for k in range(prev - 3)]
    layers.append({"size": 1, "weights": out, "bias": None})
    return {"form": "paper", "input_dim": 2, "layers": layers}


def certificate(network: dict, domain: dict, target=("max", ["x", 0], ["x", 1])) -> dict:
    """Return a certificate of `network` on `domain` claiming sup-error 0 against `target`."""
    layers = network["layers"]
    weights = [abs(Fraction(w)) for L in layers for _, _, w in L["weights"]]
    biases = [abs(Fraction(b)) for L in layers for b in L["bias"] or []]
    mw, mb = max(weights), max(biases, default=Fraction(0))
    sizes = [L["size"] for L in layers]
    steps = [{"id": 0, "op": "network", "label": "the network", "params": {}, "inputs": ["x"],
              "neurons": [[l + 1, 0, n] for l, n in enumerate(sizes)],
              "claims": {"max_weight": _q(max(mw, mb)), "values": []}}]
    return {"format": FORMAT, "domain": domain, "network": network, "network_sha256": network_sha256(network),
            "provenance": {"construction": "benchmark max", "parameters": {}, "paper": "-", "theorem": "-",
                           "tool": "benchmarks/certs.py"},
            "target": [list(target)], "steps": steps,
            "claims": {"depth": len(layers), "width": max(sizes), "layer_sizes": sizes, "max_weight": _q(max(mw, mb)),
                       "max_abs_weight": _q(mw), "max_abs_bias": _q(mb), "steps_cover": True,
                       "sup_error": {"bound": 0, "attained": 0}}}


def grid(points: int, d: int = 2) -> dict:
    """Return the grid domain I^d (R = 1) with about `points` points: p = round((points^(1/d) - 1) / 2)."""
    p = max(1, round((points ** (1 / d) - 1) / 2))
    return {"kind": "grid", "d": d, "R": 1, "p": p}


def grid_size(domain: dict) -> int:
    return (2 * domain["p"] * Fraction(domain["R"]).numerator // Fraction(domain["R"]).denominator + 1) ** domain["d"]
