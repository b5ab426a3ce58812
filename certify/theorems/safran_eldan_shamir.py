"""Safran, Eldan & Shamir (COLT 2019): depth 2 vs depth 3 for radial functions.

* `radial_monomial(d, k, eps, p)` (their Theorem 3 for k = 1, 2): ||x||^(2k) with a **depth-2** network
  of width poly(d, 1/eps). ||x||^2 = sum_i x_i^2 is additive; ||x||^4 is a sum of ridge functions,

      ||x||^4 = (1 - (d-1)/3) sum_i x_i^4 + (1/6) sum_{i<j} ((x_i + x_j)^4 + (x_i - x_j)^4),

  from (a+b)^4 + (a-b)^4 = 2a^4 + 12a^2b^2 + 2b^4. Each ridge t = <w, x> gets a 1-D interpolant of
  t^(2k) on [-T, T] (T >= max |<w, x>| on B_d: 1 or 3/2 >= sqrt 2), read on <w, x> (the projection
  fuses into the first layer). Error <= sum_r |c_r| M_r h_r^2 / 8, M_r = sup |(t^(2k))''| = 2 or 12 T^2;
  h_r is chosen so that the sum is <= eps. `knots="grid"` interpolates at the projections of the grid
  points instead (exact on the grid).
* `hard_function(d)`, their Theorem 4: f(x) = sin(2 pi d^3 ||x||^2) / (2 pi d^3) on B_d, and
  `hard_depth3(d, eps, p)`, its **depth-3** approximation: layer 1 computes s = ||x||^2 (exactly on the
  grid, or within d h1^2/4 with knots of step h1), layer 2 interpolates g(s) = sin(2 pi d^3 s)/(2 pi d^3)
  at uniform knots of step h2 in s. |g''| <= 2 pi d^3 < C = 2 (22/7) d^3, so the interpolation error is
  <= C h2^2/8; with rounding delta and the layer-1 error amplified by the slope bound Lambda of the
  interpolant (|g'| <= 1, so Lambda <= 1 + 2 delta/h2):

      |N(x) - f(x)| <= C h2^2/8 + delta + Lambda d h1^2/4.

  h2 = sqrt(4 eps / C), delta = eps/16, h1 from Lambda d h1^2/4 <= 7 eps/16: layer 2 has
  ceil(s_max/h2) = O(d^1.5 / sqrt(eps)) units, layer 1 d O(sqrt(d/eps)); weights O(1). The theorem's
  accuracy is eps_d = 1/(101 e^2 pi^3 d^3) (`paper_eps`).
* `lipschitz_witness(d)`: the paper calls f 1-Lipschitz. Along a ray, d/dr [sin(2 pi d^3 r^2)/(2 pi d^3)]
  = 2 r cos(2 pi d^3 r^2), which is 2 at r = 1 (d^3 is an integer): f is **2-Lipschitz** on B_d, not 1
  (|grad f| = 2 ||x|| |cos(.)| <= 2 gives the upper bound; 1-Lipschitz holds on the ball of radius 1/2).
  The witness is a certificate on the two points e_1 and (1 - h) e_1 whose network
  N(z) = -c relu(1 - z_0) is within eps of f at both, so |f(e_1) - f((1-h)e_1)| >= c h - 2 eps and the
  Lipschitz constant is >= c - 2 eps/h (about 1.9998 for d = 2, h = 10^-4), checked by the kernel.
* Their Theorems 1-2 (depth 2 for 1-Lipschitz radial functions, width exponential in d or in 1/eps):
  on a discrete domain, `depth2_radial` is the generic depth-2 interpolation (interpolation_baseline.py)
  of phi(||x||) on the grid points of B_d; its width is the number of points, ~ vol(B_d) p^d.
"""

from __future__ import annotations

import math
from fractions import Fraction

from ..build import compose, linear, parallel, readout
from ..domain import Points
from ..kernel.numbers import format_rational
from ..network import Network
from ..rigorous import approximate, enclose, round_down, round_up
from ..target import to_ast
from .depsep import (Construction, at_least, ball_grid, drop_empty_steps, interpolant, knot_values, max_slope,
                     sqrt_down, substitute, uniform_knots)
from .interpolation_baseline import interpolation_baseline
from .radial import depth3_on_norm2sq

PAPER = "Safran, Eldan, Shamir: Depth Separations in Neural Networks: What is Actually Being Separated? (COLT 2019)"
PI_UP = Fraction(22, 7)


def hard_profile(d: int) -> list:
    """Return g(s) = sin(2 pi d^3 s) / (2 pi d^3) as an expression in ["x", 0] = s."""
    return ["div", ["sin", ["mul", 2, ["pi"], d ** 3, ["x", 0]]], ["mul", 2, ["pi"], d ** 3]]


def hard_function(d: int) -> list:
    """Return f(x) = sin(2 pi d^3 ||x||^2) / (2 pi d^3), the function of Theorem 4."""
    return substitute(hard_profile(d), 0, ["norm2sq"])


def paper_eps(d: int) -> Fraction:
    """Return a rational <= 1/(101 e^2 pi^3 d^3), the accuracy in Theorem 4 (3 significant digits)."""
    _, hi = enclose(["mul", 101, ["exp", 2], ["pow", ["pi"], 3], d ** 3], ())
    return round_down(1 / hi, 3)


def hard_depth3(d: int, eps, p: int, *, layer1: str = "grid") -> Construction:
    """Return the depth-3 approximation of Theorem 4's function on the grid points of B_d (sup error <= eps)."""
    eps = Fraction(eps)
    C, delta = 2 * PI_UP * d ** 3, eps / 16
    h2 = sqrt_down(4 * eps / C)
    g = hard_profile(d)
    knots = uniform_knots(0, 2, at_least(2 / h2))  # trimmed below once s_max is known
    values = knot_values(g, knots, delta)
    Lam = max_slope(knots, values)
    if layer1 == "grid":
        k1, over = [Fraction(j, p) for j in range(-p, p + 1)], Fraction(0)
    else:
        n1 = at_least(2 / sqrt_down(7 * eps / (4 * d * Lam)))
        n1 += n1 % 2
        k1, over = uniform_knots(-1, 1, n1), d * Fraction(2, n1) ** 2 / 4
    step = knots[1]
    m = at_least((1 + over) / step)
    knots, values = knots[:m + 1], values[:m + 1]
    block = depth3_on_norm2sq(d, p, k1, knots, values)
    budget = {"interpolation C*h2^2/8": C * step ** 2 / 8, "rounding delta": delta, "layer 1 Lambda*d*h1^2/4": Lam * over}
    assert sum(budget.values()) <= eps
    params = {"d": d, "p": p, "eps": format_rational(eps), "layer1": layer1, "h2": format_rational(step),
              "layer2_knots": m + 1, "layer1_knots": len(k1), "Lambda": format_rational(Lam)}
    return Construction("Safran-Eldan-Shamir Thm 4 function, depth 3", block, ball_grid(d, p), [hard_function(d)],
                        eps, params, PAPER, "Theorem 4: f(x) = sin(2 pi d^3 ||x||^2)/(2 pi d^3) is easy for depth 3 "
                        "(here: a depth-3 network with sup error <= eps on the grid points of B_d)", budget)


def lipschitz_witness(d: int, h=Fraction(1, 10**4)) -> tuple[Construction, Fraction]:
    """Return (the two-point certificate construction, the Lipschitz lower bound c - 2 eps/h it proves)."""
    h = Fraction(h)
    x, y = [Fraction(1)] + [Fraction(0)] * (d - 1), [1 - h] + [Fraction(0)] * (d - 1)
    f = hard_function(d)
    f_lo, f_hi = enclose(f, tuple(y))
    c = round_down(-f_hi / h, 6)
    net = Network.from_layers([([[-1] + [0] * (d - 1)], [1]), ([[-c]], None)])
    # the error at y is |-c h - f(y)| <= h (|f|/h - c); at x, |f(e_1)| = |sin(2 pi d^3)|/(2 pi d^3) ~ 0
    e_lo, e_hi = enclose(f, tuple(x))
    eps = round_up(max(abs(-c * h - f_lo), abs(-c * h - f_hi), abs(e_lo), abs(e_hi)), 3)
    lower = c - 2 * eps / h
    con = Construction("Safran-Eldan-Shamir Thm 4 function: Lipschitz witness", _single(net), Points([x, y]), [f], eps,
                       {"d": d, "h": format_rational(h), "slope c": format_rational(c),
                        "lipschitz_lower_bound": format_rational(lower)}, PAPER,
                       "Theorem 4 calls f 1-Lipschitz; |N - f| <= eps at e_1 and (1 - h) e_1 with N(e_1) - N((1-h)e_1) = c h "
                       "gives |f(e_1) - f((1-h)e_1)| >= c h - 2 eps, so Lip(f) >= c - 2 eps/h > 1", {})
    return con, lower


def _single(net):
    from ..build import Block
    return Block.single(net, op="slope", label="N(z) = -c relu(1 - z_0)", params={},
                        values=[(((1, 0, 1),), ["max", ["sub", 1, ["x", 0]], 0])])


def _ridges(d: int, k: int):
    """Return [(coefficient, direction w, range T)] with ||x||^(2k) = sum c (<w, x>)^(2k) on R^d."""
    if k == 1:
        return [(Fraction(1), [int(i == j) for j in range(d)], Fraction(1)) for i in range(d)]
    if k != 2:
        raise ValueError("radial_monomial: k must be 1 or 2")
    out = [(1 - Fraction(d - 1, 3), [int(i == j) for j in range(d)], Fraction(1)) for i in range(d)]
    for i in range(d):
        for j in range(i + 1, d):
            for sgn in (1, -1):
                out.append((Fraction(1, 6), [1 if m == i else sgn if m == j else 0 for m in range(d)], Fraction(3, 2)))
    return [r for r in out if r[0] != 0]


def radial_monomial(d: int, k: int, eps, p: int, *, knots: str = "uniform") -> Construction:
    """Return the depth-2 approximation of ||x||^(2k) (k = 1, 2) on the grid points of B_d."""
    eps = Fraction(eps)
    dom = ball_grid(d, p)
    ridges = _ridges(d, k)
    total = sum(abs(c) for c, _, _ in ridges)
    blocks, sizes, err = [], [], Fraction(0)
    for c, w, T in ridges:
        if knots == "grid":
            t = sorted({sum(a * b for a, b in zip(w, x)) for x in dom})
        else:
            M = 2 if k == 1 else 12 * T * T
            n = at_least(2 * T / sqrt_down(8 * eps / (M * total)))
            t = uniform_knots(-T, T, n)
            err += abs(c) * M * (2 * T / n) ** 2 / 8
        if len(t) == 1:
            t = [t[0], t[0] + 1]
        block = interpolant(t, [v ** (2 * k) for v in t])
        blocks.append(drop_empty_steps(compose(block, linear([w], label=f"project on {w}"))))
        sizes.append(len(t))
    block = readout(parallel(*blocks), [[c for c, _, _ in ridges]], label=f"sum of {len(ridges)} ridges")
    assert err <= eps
    params = {"d": d, "k": k, "p": p, "eps": format_rational(eps), "knots": knots, "ridges": len(ridges),
              "knots_per_ridge": sizes}
    return Construction(f"Safran-Eldan-Shamir Thm 3, ||x||^{2 * k} at depth 2", block, dom, [["pow", ["norm2sq"], k]],
                        eps, params, PAPER, f"Theorem 3: ||x||^(2k) (k = {k}) by a depth-2 network of width "
                        "poly(d, 1/eps) (here: sup error <= eps on the grid points of B_d)", {"interpolation": err})


def hard_depth2(d: int, p: int, tol) -> Construction:
    """Return the depth-2 side for Theorem 4's function: interpolation on the grid points of B_d within tol."""
    return interpolation_baseline(ball_grid(d, p), hard_function(d), tol=tol,
                                  name="Safran-Eldan-Shamir Thm 4 function, depth 2", paper=PAPER,
                                  theorem="Theorem 4, the depth-2 side: exact interpolation on the grid points of B_d "
                                  "(width = number of points), values within tol")


def depth2_radial(d: int, phi, p: int, tol) -> Construction:
    """Return the depth-2 interpolation of phi(||x||) on the grid points of B_d (Theorems 1-2 setting)."""
    target = substitute(to_ast(phi), 0, ["norm"])
    con = interpolation_baseline(ball_grid(d, p), target, tol=tol,
                                 name="Safran-Eldan-Shamir Thms 1-2 setting: depth-2 interpolation", paper=PAPER,
                                 theorem="Theorems 1-2: depth-2 approximation of Lipschitz radial functions, width "
                                 "exponential in d (here: exact interpolation on the grid points of B_d, up to tol)")
    return con


__all__ = ["hard_function", "hard_profile", "paper_eps", "hard_depth3", "hard_depth2", "lipschitz_witness",
           "radial_monomial", "depth2_radial"]
_ = (math, approximate)
