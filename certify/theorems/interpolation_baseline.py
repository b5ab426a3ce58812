"""The depth-2 exact-interpolation baseline: one hidden layer that interpolates any function on a
finite point set, through a generic projection.

Pick an integer direction w such that the projections t_k = <w, x_k> of the N points are distinct,
sort them, and let g be the piecewise-linear interpolant of (t_k, v_k). Then N(x) = g(<w, x>) is a
depth-2 network (`interpolate_1d` read on <w, x>: the projection fuses into the first layer) with
N(x_k) = v_k at every point: width K + a <= N (K = number of slope changes, a <= 2), first-layer
weights w_j, biases -t_k, output weights the slope jumps of g.

This is the universal depth-2 construction on a discrete domain, and it pays for its generality
with the size of the domain: on the grid points of the unit ball B_d with step 1/p there are
~ vol(B_d) p^d of them, exponential in d. Next to the depth-3 constructions (radial.py,
safran_eldan_shamir.py) it shows the depth-2 vs depth-3 size trade-off on the same domains.

Direction. w is searched among small integer vectors (entries in [-B, B], B = 1, 2, 4, ...; a fixed
pseudo-random sequence, so the result is deterministic), falling back to the mixed radix
w = (1, M, M^2, ...) with M = (2 max|p x_i| + 1), for which distinctness is guaranteed.
Values: exact where the target is rational; for an irrational target, rationals within `tol` of it
(certify.rigorous), so the sup error on the points is <= tol.
"""

from __future__ import annotations

import random
from fractions import Fraction

import numpy as np

from ..build import compose, linear
from ..domain import Points, as_domain
from ..kernel.numbers import format_rational
from ..rigorous import approximate, is_irrational
from ..target import evaluate_expr, to_ast
from .depsep import Construction, drop_empty_steps, interpolant

PAPER = "(baseline) universal depth-2 interpolation on a finite set through a generic projection"
THEOREM = "a depth-2 ReLU network of width <= N interpolates any values on N points of R^d"


def _points(domain) -> list[tuple]:
    return [tuple(x) for x in as_domain(domain)]


def projection_direction(points, *, seed: int = 0, tries: int = 64) -> list[int]:
    """Return an integer vector w with pairwise distinct <w, x> over the points (small entries first)."""
    d = len(points[0])
    if d == 1:
        return [1]
    den = max(v.denominator for x in points for v in x)
    X = np.array([[int(v * den) for v in x] for x in points], dtype=np.int64)
    rng, bound = random.Random(seed), 1
    while bound <= 2 ** 16 and len(points) > 1:
        for _ in range(tries):
            w = [rng.randint(-bound, bound) for _ in range(d)]
            if len(np.unique(X @ np.array(w, dtype=np.int64))) == len(points):
                return w
        bound *= 2
    m = 2 * int(np.abs(X).max()) + 1
    return [m ** j for j in range(d)]


def interpolation_baseline(domain, target, *, tol=None, name="depth-2 interpolation baseline",
                           paper=PAPER, theorem=THEOREM, seed: int = 0) -> Construction:
    """Return the depth-2 network interpolating the target on every point of a finite domain.

    target: an expression (AST or Expr; one output). Rational targets are interpolated exactly (eps = 0);
    an irrational one needs tol > 0: values within tol, certified sup error <= tol."""
    ast = to_ast(target)
    pts = _points(domain)
    if is_irrational(ast):
        if tol is None:
            raise ValueError("an irrational target needs tol > 0")
        values = [approximate(ast, x, Fraction(tol)) for x in pts]
        eps = Fraction(tol)
    else:
        den = max(v.denominator for x in pts for v in x)
        nums = np.array([[int(v * den) for v in x] for x in pts], dtype=object)
        num, dd = evaluate_expr(ast, nums, den)
        values, eps = [Fraction(int(a), int(b)) for a, b in zip(num, dd)], Fraction(0)
    w = projection_direction(pts, seed=seed)
    order = sorted(range(len(pts)), key=lambda k: sum(a * b for a, b in zip(w, pts[k])))
    t = [sum(a * b for a, b in zip(w, pts[k])) for k in order]
    v = [values[k] for k in order]
    if len(t) == 1:
        t, v = [t[0], t[0] + 1], [v[0], v[0]]
    inner = linear([w], label=f"project on w = {w}")
    block = drop_empty_steps(compose(interpolant(t, v), inner))
    # keep the hidden units' claims; drop the output's (an N-piece interpolant: the sup_error covers it)
    steps = list(block.steps)
    k = block.depth
    steps[-1] = steps[-1].__class__(**{**steps[-1].__dict__,
                                       "values": tuple(c for c in steps[-1].values if c[0][0][0] != k)})
    block = block.__class__(block.network, tuple(steps), block.input_names, block.output_names)
    params = {"points": len(pts), "direction": w, "tol": format_rational(Fraction(tol)) if tol is not None else None}
    dom = domain if isinstance(domain, Points) else as_domain(domain)
    return Construction(name, block, dom, [ast], eps, params, paper, theorem, {"rounding": eps})
