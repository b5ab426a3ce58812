"""The exact supremum of a network (or of its error against a piecewise-linear target) over a box.

A continuous piecewise-linear function attains its supremum over a box at a vertex of one of its
linear regions, so the maximum is found region by region: in 1-D by the breakpoint sweep
(certify/regions.py), in 2-D by splitting the box into convex polygons with exact vertices
(certify/kernel/regions.py), and in higher dimension by splitting it with Z3 and solving one exact
LP (Z3 Optimize) per region.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import z3

from ..kernel.errors import MalformedError
from ..kernel.regions import cells_2d, difference
from ..kernel.smt import leaves, lin, make_solver, num, point
from ..network import Network
from ..reference import evaluate_point
from ..regions import argmax, difference_network, regions_1d, sup_error_1d
from .encode import as_fractions, dense_layers, variables


@dataclass(frozen=True)
class BoxMax:
    """sup over the box of N(x)_output - T(x) (or of its absolute value), exact, and a point attaining it."""

    value: Fraction
    point: tuple[Fraction, ...]
    absolute: bool
    regions: int


def error_layers(net: Network, target, output: int, target_output: int) -> list:
    """Return the dense layers of x -> N(x)_output - T(x)_target_output (just N_output without a target)."""
    layers = dense_layers(net, output)
    if target is None:
        return layers
    if not isinstance(target, Network) or target.input_dim != net.input_dim:
        raise MalformedError("max_over_box: the target must be a Network with the same input dimension")
    return difference(layers, dense_layers(target, target_output))


def _value(net, target, output, target_output, x, absolute) -> Fraction:
    v = evaluate_point(net, x)[output] - (evaluate_point(target, x)[target_output] if target is not None else 0)
    return abs(v) if absolute else v


def max_over_box(net: Network, lo, hi, target=None, *, output: int = 0, target_output: int = 0,
                 absolute: bool | None = None) -> BoxMax:
    """Return the exact sup over the box [lo, hi] of N(x)_output - T(x)_target_output and a point attaining it.

    target: None (T = 0) or a Network (piecewise linear). absolute (default: True iff a target is
    given) maximises |N - T| instead. In 1-D, `certify.regions.sup_error_1d` also takes polynomial targets."""
    lo, hi = as_fractions(lo), as_fractions(hi)
    d = net.input_dim
    if len(lo) != d or len(hi) != d or any(a >= b for a, b in zip(lo, hi)):
        raise MalformedError(f"max_over_box: need a box [lo, hi] in dimension {d} with lo < hi")
    absolute = target is not None if absolute is None else absolute
    if d == 1:
        if absolute:
            s = sup_error_1d(net, lo[0], hi[0], target, output=output, target_output=target_output)
            return BoxMax(s.value, (s.point,), True, s.pieces)
        f = net if target is None else difference_network(net, target, output, target_output)
        r = regions_1d(f, lo[0], hi[0], output if target is None else 0)
        k = argmax(r.yn, r.yd)
        return BoxMax(Fraction(int(r.yn[k]), int(r.yd[k])), (r.x(k),), False, len(r))
    layers = error_layers(net, target, output, target_output)
    best, count = (None, None), 0
    if d == 2:
        cells, den = cells_2d(layers, lo, hi)
        for vertices, (a1, a2, b) in cells:
            count += 1
            for n1, n2, D in vertices:
                v = Fraction(a1 * n1 + a2 * n2 + b * D, den * D)
                v = abs(v) if absolute else v
                if best[0] is None or v > best[0]:
                    best = (v, (Fraction(n1, D), Fraction(n2, D)))
    else:
        xs = variables(d)
        opt = make_solver(z3.Optimize)
        opt.add(*[x >= num(a) for x, a in zip(xs, lo)], *[x <= num(b) for x, b in zip(xs, hi)])
        for G, H in leaves(layers, opt, xs, (lo, hi)):
            count += 1
            for sign in ((1, -1) if absolute else (1,)):
                v, x = _maximise(opt, xs, [sign * w for w in G[0]], sign * H[0])
                if best[0] is None or v > best[0]:
                    best = (v, x)
    value, x = best
    if _value(net, target, output, target_output, x, absolute) != value:
        raise RuntimeError(f"internal error: region maximum and reference evaluator disagree at {x}")
    return BoxMax(value, x, absolute, count)


def _maximise(opt, xs, g, h) -> tuple[Fraction, tuple[Fraction, ...]]:
    """Return the exact max of g.x + h over the optimiser's current region, and a maximiser."""
    opt.push()
    objective = lin(g, xs, h)
    opt.maximize(objective)
    try:
        if opt.check() != z3.sat:
            raise TimeoutError(f"Z3 Optimize could not solve a region LP ({opt.reason_unknown()})")
        x = point(opt.model(), xs)
        return sum((c * v for c, v in zip(g, x)), h), x
    finally:
        opt.pop()

