"""Affine-on-polytope claims: on P = {x : A x <= b} the network output equals c.x + e.

The cheap route: take the activation pattern at an interior point of P; under it every neuron is
an affine map g.x + h, and the pattern is right on all of P iff each active neuron has g.x + h >= 0
on P and each inactive one g.x + h <= 0 (linear constraints, no disjunction). Each such inequality
gets a Farkas certificate (found by Z3 on the dual, replayed exactly by the kernel). If the pattern
is not constant on P, P is split into linear regions with Z3 and each region is checked.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import z3

from ..kernel.errors import MalformedError
from ..kernel.smt import decide, leaves, lin, make_solver, num, pattern_maps, point, polytope
from ..network import Network
from ..reference import evaluate_point
from .encode import as_fractions, dense_layers, interior_point, pattern_at, variables


@dataclass(frozen=True)
class AffineCheck:
    """The verdict on "N(x)_output = c.x + e on P": `holds`, or an exact `counterexample` in P.

    method: "farkas" (one pattern, every inequality with a Farkas certificate: no solver needed to
    re-check), "regions" (P split into linear regions by Z3: rests on the solver), "empty" (P is empty).
    pattern and farkas are the hints of the "farkas" route: one multiplier vector per hidden neuron
    (layer by layer), then two for the output (<= and >=)."""

    holds: bool
    method: str
    counterexample: tuple[Fraction, ...] | None = None
    network_value: Fraction | None = None
    claimed_value: Fraction | None = None
    pattern: tuple[tuple[int, ...], ...] | None = None
    farkas: tuple[tuple[Fraction, ...], ...] | None = None


def farkas_multipliers(A, b, u, v) -> tuple[Fraction, ...] | None:
    """Return lam >= 0 with lam A = u and lam b <= v (a proof that u.x <= v on A x <= b), or None if none exists."""
    lam = [z3.Real(f"lam_{k}") for k in range(len(b))]
    cons = [l >= 0 for l in lam]
    cons += [z3.Sum([num(A[k][j]) * lam[k] for k in range(len(b)) if A[k][j]] + [num(0)]) == num(u[j])
             for j in range(len(u))]
    cons.append(z3.Sum([num(b[k]) * lam[k] for k in range(len(b))] + [num(0)]) <= num(v))
    model = decide(make_solver(), *cons)
    return None if model is None else point(model, lam)


def _inequalities(layers, pattern, c, e):
    """Yield (u, v) such that the pattern is valid on P and N = c.x + e there iff u.x <= v on P for all."""
    maps = list(pattern_maps(layers, pattern))
    hidden, (_, _, g, h) = maps[:-1], maps[-1]
    for l, i, gi, hi in hidden:
        if pattern[l - 1][i]:
            yield tuple(-w for w in gi), hi
        else:
            yield gi, -hi
    yield tuple(w - cj for w, cj in zip(g, c)), e - h
    yield tuple(cj - w for w, cj in zip(g, c)), h - e


def check_affine(net: Network, A, b, c, e, *, output: int = 0) -> AffineCheck:
    """Return whether N(x)_output = c.x + e for every x with A x <= b; a false claim gets an exact counterexample."""
    A = [as_fractions(row) for row in A]
    b, c, e = as_fractions(b), as_fractions(c), Fraction(e)
    d = net.input_dim
    if len(c) != d or any(len(row) != d for row in A) or len(A) != len(b):
        raise MalformedError(f"check_affine: A must be m x {d}, b of length m, c of length {d}")
    xs = variables(d)
    x0 = interior_point(A, b, xs)
    if x0 is None:
        return AffineCheck(True, "empty")
    layers = dense_layers(net, output)
    pattern = pattern_at(net, x0)
    certs = []
    for u, v in _inequalities(layers, pattern, c, e):
        lam = farkas_multipliers(A, b, u, v)
        if lam is None:
            break
        certs.append(lam)
    else:
        return AffineCheck(True, "farkas", pattern=pattern, farkas=tuple(certs))
    return _by_regions(net, layers, A, b, c, e, output, xs)


def _by_regions(net, layers, A, b, c, e, output, xs) -> AffineCheck:
    """Split P into linear regions (Z3) and look for a point where the output leaves c.x + e."""
    solver = make_solver()
    solver.add(*polytope(A, b, xs))
    for G, H in leaves(layers, solver, xs):
        diff = lin([w - cj for w, cj in zip(G[0], c)], xs, H[0] - e)
        model = decide(solver, diff != 0)
        if model is not None:
            x = point(model, xs)
            got, want = evaluate_point(net, x)[output], sum((cj * xj for cj, xj in zip(c, x)), e)
            if got == want:
                raise RuntimeError(f"internal error: region split and reference evaluator disagree at {x}")
            return AffineCheck(False, "regions", x, got, want)
    return AffineCheck(True, "regions")
