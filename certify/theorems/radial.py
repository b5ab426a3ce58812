"""Vardi & Shamir, Theorem 3.5 (Eldan-Shamir style): a radial function f(x) = phi(||x||) on the
unit ball with a depth-3 network whose width and weights are polynomial.

Layer 1 approximates s = ||x||^2 = sum_i x_i^2 by s^ = sum_i q(x_i), q the interpolant of t^2 at
knots of step h1 on [-1, 1] (one `interpolate_1d` per coordinate). Since t^2 is convex,
0 <= q(t) - t^2 <= h1^2/4, so s <= s^ <= s + d h1^2/4. With `layer1="grid"` the knots are the grid
values j/p and s^ = s exactly on the grid.

Layer 2 interpolates psi(s) = phi(sqrt(s)) at the knots s_j = (j h_r)^2, j = 0..J (uniform in the
radius r = sqrt(s), not in s, so that phi's Lipschitz constant is what matters), J h_r >= sqrt(max s^),
with rational values v_j, |v_j - phi(j h_r)| <= delta (certify.rigorous). For s in [s_j, s_j+1],
psi^(s) is a convex combination of v_j and v_j+1, and phi(sqrt s) is within L h_r of phi(r_j) and of
phi(r_j+1) (L = Lipschitz constant of phi), so |psi^(s) - phi(sqrt s)| <= L h_r + delta. The slopes of
psi^ are at most Lambda (computed exactly from the values; Lambda <= L/h_r + 2 delta/h_r^2), so

    |N(x) - f(x)| <= |psi^(s^) - psi^(s)| + |psi^(s) - phi(sqrt s)| <= Lambda d h1^2/4 + L h_r + delta.

Choice for a target eps: h_r = 1/ceil(2L/eps), delta = eps/16, and h1 from Lambda d h1^2/4 <= 7 eps/16.
Width max(d (2/h1 + a), J + a) = O(d^1.5 L / eps) (layer 1) and O(L/eps) (layer 2); weights: layer 1
+-1 and knots <= 1, layer 2 reads s^ with the output weights of q (slope jumps 2 h1 <= 1) and biases
s_j <= 1 + d h1^2/4, the output weights are slope jumps of psi^ <= 2 Lambda = O(L^2/eps): polynomial
in d and 1/eps, and independent of d.
"""

from __future__ import annotations

from fractions import Fraction

from ..build import sum_blocks
from ..gadgets import interpolant_expr
from ..kernel.numbers import format_rational
from ..target import to_ast
from .additive import coordinate_interpolant
from .depsep import (Construction, at_least, ball_grid, compose_exact, interpolant, knot_values, max_slope,
                     set_claims, sqrt_down, sqrt_up, substitute, uniform_knots)

PAPER = "Vardi, Shamir: Neural Networks with Small Weights and Depth-Separation Barriers (NeurIPS 2020)"
THEOREM = ("Theorem 3.5: a radial f (approximable at constant depth) is approximated by a depth-3 network "
           "of poly(d) width and poly(d)-bounded weights (here: sup error <= eps on the grid points of B_d)")


def square_knots(p: int, h1=None) -> list[Fraction]:
    """Return the knots of the interpolant of t^2 on [-1, 1]: the grid values j/p, or step h1 = 2/n."""
    if h1 is None:
        return [Fraction(j, p) for j in range(-p, p + 1)]
    return uniform_knots(-1, 1, at_least(2 / Fraction(h1)))


def norm2sq_layer(d: int, knots) -> tuple:
    """Return (block x -> s^ = sum_i q(x_i), the expression of s^, the overshoot bound max(s^ - s)).

    On the grid values the interpolant is exact; between knots of step h it overshoots by <= h^2/4."""
    values = [t * t for t in knots]
    blocks = [coordinate_interpolant(d, i, knots, values) for i in range(d)]
    block = sum_blocks(*blocks) if d > 1 else blocks[0]
    h = max(knots[j + 1] - knots[j] for j in range(len(knots) - 1))
    q = [interpolant_expr(knots, values, ["x", i]) for i in range(d)]
    expr = ["add", *q] if d > 1 else q[0]
    return block, expr, d * h * h / 4


def depth3_on_norm2sq(d: int, p: int, layer1_knots, outer_knots, outer_values):
    """Return the depth-3 block x -> psi^(s^(x)): layer 1 the squares, layer 2 the outer interpolant.

    On the grid (layer-1 knots = grid values) the layer-1 sum equals norm2sq exactly and every step
    states it; otherwise the sum step states s^ as a sum of interpolants and the outer step claims
    nothing (its claims would repeat s^ once per unit; the sup_error claim covers the output)."""
    inner, s_hat, _ = norm2sq_layer(d, layer1_knots)
    exact = all(t * p == int(t * p) for t in layer1_knots) and len(layer1_knots) == 2 * p + 1
    s_expr = ["norm2sq"] if exact else s_hat
    sum_id = len(inner.steps) - 1
    inner = set_claims(inner, sum_id, [(((2, 0, 1),), s_expr)])
    outer = interpolant(outer_knots, outer_values)
    return compose_exact(outer, inner, [s_expr], keep_outer_claims=exact)


def radial(d: int, phi, L, eps, p: int, *, layer1: str = "uniform") -> Construction:
    """Return the depth-3 approximation of f(x) = phi(||x||) on the grid points of the unit ball B_d.

    phi: an expression in ["x", 0] (the radius r in [0, 1]; may use sqrt, sin, ...), L its Lipschitz
    constant on [0, 1 + d/16]. layer1: "uniform" (knots of step h1 from the error budget; the bound
    holds on all of B_d) or "grid" (knots at j/p: exact ||x||^2 on the grid, fewer units)."""
    phi, L, eps = to_ast(phi), Fraction(L), Fraction(eps)
    h_r, delta = Fraction(1, at_least(2 * L / eps)), eps / 16
    # layer 2 covers s^ <= 1 + d h1^2/4; first guess J from s^ <= 1 + d/16 (h1 <= 1/2), then trim
    J = at_least(sqrt_up(1 + Fraction(d, 16)) / h_r)
    radii = [h_r * j for j in range(J + 1)]
    values = knot_values(phi, radii, delta)
    knots_s = [r * r for r in radii]
    Lam = max_slope(knots_s, values)
    if layer1 == "grid":
        k1, over = [Fraction(j, p) for j in range(-p, p + 1)], Fraction(0)
    else:
        h1 = sqrt_down(7 * eps / (4 * d * Lam))
        n1 = at_least(2 / h1)
        n1 += n1 % 2
        k1 = uniform_knots(-1, 1, n1)
        over = d * (Fraction(2, n1)) ** 2 / 4
    s_max = 1 + over
    J = at_least(sqrt_up(s_max) / h_r)
    radii, values, knots_s = radii[:J + 1], values[:J + 1], knots_s[:J + 1]
    block = depth3_on_norm2sq(d, p, k1, knots_s, values)
    interp = L * h_r
    budget = {"radius interpolation L*h_r": interp, "rounding delta": delta, "layer 1 Lambda*d*h1^2/4": Lam * over}
    bound = sum(budget.values())
    assert bound <= eps, (bound, eps)
    params = {"d": d, "p": p, "eps": format_rational(eps), "L": format_rational(L), "phi": phi, "layer1": layer1,
              "h_r": format_rational(h_r), "J": J, "layer1_knots": len(k1), "Lambda": format_rational(Lam)}
    target = substitute(phi, 0, ["norm"])
    return Construction("radial (Vardi-Shamir Thm 3.5)", block, ball_grid(d, p), [target], eps, params, PAPER,
                        THEOREM, budget)

