"""The monolithic Z3 encoding: the whole network as one formula, each ReLU an if-then-else.

This is the baseline the region-wise methods are measured against (benchmarks/bench_regions.py) and
a cross-check for them in the tests: one query "is there x in the box with N(x) - f(x) > eps or
< -eps?", where f is 0 or a polynomial in x_0 (which makes the query nonlinear).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from fractions import Fraction

import z3

from ..kernel.smt import lin, num, point
from ..network import Network
from .encode import as_fractions, variables


@dataclass(frozen=True)
class Monolithic:
    """The answer of one monolithic query: "unsat" (the bound holds), "sat" (with an exact point) or "unknown"."""

    answer: str
    seconds: float
    point: tuple[Fraction, ...] | None = None


def outputs(net: Network, xs) -> list:
    """Return the network's outputs as Z3 terms of xs (exact numerals, ReLU as If(z > 0, z, 0))."""
    h = list(xs)
    for l, layer in enumerate(net.sparse_layers, 1):
        bias = layer.bias or (Fraction(0),) * layer.size
        z = [lin([w for _, w in row], [h[j] for j, _ in row], b) for row, b in zip(layer.rows, bias)]
        h = z if l == net.depth else [z3.If(t > 0, t, 0) for t in z]
    return h


def exceeds(net: Network, lo, hi, eps, poly=(), *, output: int = 0, timeout_ms: int = 60_000) -> Monolithic:
    """Return whether some x in the box [lo, hi] has |N(x)_output - poly(x_0)| > eps, in one Z3 query."""
    lo, hi = as_fractions(lo), as_fractions(hi)
    xs = variables(net.input_dim)
    err = outputs(net, xs)[output] - z3.Sum([num(c) * xs[0] ** k for k, c in enumerate(poly)] + [num(0)])
    solver = z3.Solver()
    solver.set("timeout", timeout_ms)
    solver.add(*[x >= num(a) for x, a in zip(xs, lo)], *[x <= num(b) for x, b in zip(xs, hi)])
    solver.add(z3.Or(err > num(eps), err < -num(eps)))
    start = time.perf_counter()
    answer = solver.check()
    seconds = time.perf_counter() - start
    return Monolithic(str(answer), seconds, point(solver.model(), xs) if answer == z3.sat else None)
