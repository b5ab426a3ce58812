"""Vardi & Shamir, Theorem 3.6: an additive function f(x) = sum_i f_i(x_i) with a depth-2 network.

Each f_i is replaced by its piecewise-linear interpolant g_i at uniform knots of step h_i on
[-R, R] (one `interpolate_1d` per coordinate, read on x_i), and the d interpolants are summed in the
output layer: depth 2, width sum_i (n_i - 1 + a_i), a_i in {0, 1, 2}.

Error budget, at every x of [-R, R]^d (in particular on the grid I^d):

    |N(x) - f(x)| <= sum_i ( M_i h_i^2 / 8 + delta )

where M_i >= sup |f_i''| on [-R, R] (the classical bound for linear interpolation) and delta is
the rounding of the knot values to rationals (|v_j - f_i(t_j)| <= delta, rigorous, certify.rigorous;
the interpolant of rounded values is within delta of the interpolant of exact values). With
eps/2 for interpolation and eps/2 for rounding split evenly over the coordinates,
h_i = sqrt(4 eps / (d M_i)), so n_i = ceil(2R / h_i) = O(R sqrt(d M_i / eps)): width
O(d^1.5 R sqrt(M / eps)), polynomial in d as Theorem 3.6 states. `knots="grid"` puts the knots on
the grid values instead (exact on the grid up to the rounding delta, width d (2Rp - 1) + a).
"""

from __future__ import annotations

from fractions import Fraction

from ..build import sum_blocks
from ..domain import Grid
from ..kernel.numbers import format_rational
from ..target import to_ast
from .depsep import (Construction, at_least, interpolant, knot_values, select_coordinate, sqrt_down, substitute,
                     uniform_knots)

PAPER = "Vardi, Shamir: Neural Networks with Small Weights and Depth-Separation Barriers (NeurIPS 2020)"
THEOREM = ("Theorem 3.6: f(x) = sum_i f_i(x_i) can be approximated by a depth-2 network of poly(d) width "
           "(here: sup error <= eps on the grid I^d)")


def coordinate_interpolant(d: int, i: int, knots, values):
    """Return the depth-2 block x -> g(x_i), g the interpolant of (knots, values)."""
    return select_coordinate(interpolant(knots, values), d, i)


def additive(fs, R, p: int, eps, curvature=None, *, knots="uniform") -> Construction:
    """Return the depth-2 approximation of f(x) = sum_i f_i(x_i) on the grid I^d (d = len(fs)).

    fs: one expression per coordinate, in the variable ["x", 0] (an AST or certify.target.Expr; may use
    sqrt, sin, cos, exp, pi). curvature: bounds M_i >= sup |f_i''| on [-R, R] (needed for uniform knots).
    The certificate claims sup |N - f| <= eps on I^d; the kernel checks it at every grid point.
    """
    fs = [to_ast(f) for f in fs]
    d, R, eps = len(fs), Fraction(R), Fraction(eps)
    delta = eps / (2 * d)
    blocks, ns = [], []
    for i, f in enumerate(fs):
        if knots == "grid":
            n = int(2 * R * p)
        else:
            M = Fraction(curvature[i])
            n = 1 if M == 0 else at_least(2 * R / sqrt_down(4 * eps / (d * M)))
        t = uniform_knots(-R, R, n)
        blocks.append(coordinate_interpolant(d, i, t, knot_values(f, t, delta)))
        ns.append(n)
    block = sum_blocks(*blocks) if d > 1 else blocks[0]
    target = ["add", *(substitute(f, 0, ["x", i]) for i, f in enumerate(fs))] if d > 1 else fs[0]
    interp = Fraction(0) if knots == "grid" else \
        sum(Fraction(curvature[i]) * (2 * R / n) ** 2 / 8 for i, n in enumerate(ns))
    params = {"d": d, "R": format_rational(R), "p": p, "eps": format_rational(eps), "knots": knots,
              "intervals": ns, "f_i": fs}
    if curvature is not None:
        params["curvature"] = [format_rational(Fraction(m)) for m in curvature]
    return Construction("additive (Vardi-Shamir Thm 3.6)", block, Grid(d, R, p), [target], eps, params, PAPER,
                        THEOREM, {"interpolation": interp, "rounding": d * delta})
