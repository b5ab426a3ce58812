"""Safran, Reichman & Valiant (arXiv 2402.07248, COLT 2025): the inner product mod 2 on a Boolean
hypercube embedded in the unit ball, an O(1)-Lipschitz target built from it, and a depth-3 ReLU
network computing it with width and weights polynomial in d and 1/eps.

We did not have the paper's text (only a machine summary, unreliable by the project's own note), so
this is **our instantiation of that setting**, with every step proved here and certified:

* Embedding. x, y in {0,1}^d -> z = (x, y)/m in R^(2d) with m = ceil(sqrt(2d)), so ||z|| <= 1: the
  support H_d (4^d points) lies in the unit ball B_(2d). Neighbours in H_d are 1/m apart.
* Target on H_d: f(z) = IP(x, y)/m, IP(x, y) = sum_i x_i y_i mod 2 in {0, 1}. f is 1-Lipschitz on
  H_d: |f(z) - f(z')| <= 1/m <= ||z - z'|| for z != z'. Its McShane extension
  F(z) = min_{c in H_d} (f(c) + ||z - c||) is 1-Lipschitz on all of R^(2d) and equals f on H_d: the
  O(1)-Lipschitz target (an irrational target: 4^d Euclidean norms, compared exactly by squaring).
* Network (depth 3). Layer 1: u_i = relu(m z_i + m z_(d+i) - 1), i < d, equal to x_i y_i on H_d.
  Layer 2: the sawtooth S with S(j) = (j mod 2)/m at j = 0..d+1 (`interpolate_1d` on s = sum_i u_i),
  so N = S(s) = f on H_d exactly. Width d (layer 1) and d + a (layer 2), weights max(m, d, 2/m): O(d),
  independent of eps.
* Robustness (where eps enters). Moving z by rho along one coordinate moves s by <= m rho and N by
  <= (1/m) m rho = rho (S has slopes +-1/m), and F by <= rho, so |N - F| <= 2 rho at every point of
  H_d + {+-rho e_j}. `srv_depth3(d, eps)` certifies sup |N - F| <= eps on that perturbed support with
  rho = eps/2 (eps <= 2/m, so that s stays in [0, d + 1], where the sawtooth is built).

What the paper's summary claims for its general construction (width O(d^2/eps), weights O(d/eps^2))
is compared with the measured width and weights in docs/depth-separation.md. One finding to keep in
mind: in this plain embedding neighbours are 1/m ~ 1/sqrt(2d) apart and IP flips across every edge
that flips x_i with y_i = 1, so a target equal to a IP on H_d has Lipschitz constant >= a m: an
O(1)-Lipschitz target has amplitude O(1/sqrt d) here, and a constant accuracy eps > a/2 is trivial
(the constant a/2 achieves it). Constant accuracy against an O(1)-Lipschitz target needs a support
on which points with different IP values are Omega(1) apart (a well-spread set, e.g. the image of a
good binary code); we have not constructed that part.
"""

from __future__ import annotations

import itertools
import math
import random
from fractions import Fraction

from ..build import Block
from ..domain import Points
from ..kernel.numbers import format_rational
from ..network import Network
from .depsep import Construction, compose_exact, interpolant

PAPER = ("Safran, Reichman, Valiant: Depth Separations in Neural Networks: Separating the Dimension from the "
         "Accuracy (arXiv 2402.07248; our instantiation, see certify/theorems/srv.py)")


def scale(d: int) -> int:
    """Return m = ceil(sqrt(2d)): the embedding z = (x, y)/m puts the cube in the unit ball."""
    return math.isqrt(2 * d - 1) + 1


def support(d: int) -> list[list[Fraction]]:
    """Return H_d = {(x, y)/m : x, y in {0,1}^d} (lexicographic in (x, y))."""
    m = scale(d)
    return [[Fraction(b, m) for b in bits] for bits in itertools.product((0, 1), repeat=2 * d)]


def ip_target(d: int) -> list:
    """Return f(z) = IP(m z_0..d-1, m z_d..2d-1)/m, rational, for use on H_d."""
    m = scale(d)
    terms = [["mul", ["mul", m, ["x", i]], ["mul", m, ["x", d + i]]] for i in range(d)]
    return ["div", ["mod", ["add", *terms] if d > 1 else terms[0], 2], m]


def lipschitz_target(d: int) -> list:
    """Return F(z) = min over c in H_d of f(c) + ||z - c||: the 1-Lipschitz extension of f."""
    m = scale(d)
    pts = support(d)
    return mcshane(pts, [Fraction(sum(int(c[i] * m) * int(c[d + i] * m) for i in range(d)) % 2, m) for c in pts])


def mcshane(points, values) -> list:
    """Return min_k (v_k + ||z - c_k||): the McShane extension of values given on points (1-Lipschitz on
    R^D if the values are 1-Lipschitz on the points)."""
    parts = []
    for c, v in zip(points, values):
        dist = ["sqrt", ["add", *(["pow", ["sub", ["x", j], format_rational(u)], 2] for j, u in enumerate(c))]]
        parts.append(["add", format_rational(v), dist] if v else dist)
    return ["min", *parts]


def discrete_lipschitz(d: int) -> Fraction:
    """Return max over z != z' in H_d of |f(z) - f(z')| / ||z - z'||, exactly (as its square root is
    rational here: compare squares, report the ratio of the maximising pair)."""
    m, pts = scale(d), support(d)
    vals = [Fraction(sum(int(c[i] * m) * int(c[d + i] * m) for i in range(d)) % 2, m) for c in pts]
    best = Fraction(0)
    for a in range(len(pts)):
        for b in range(a + 1, len(pts)):
            dist2 = sum((u - v) ** 2 for u, v in zip(pts[a], pts[b]))
            best = max(best, (vals[a] - vals[b]) ** 2 / dist2)
    root = Fraction(math.isqrt(best.numerator), math.isqrt(best.denominator))
    assert root * root == best
    return root


def perturbed_support(d: int, rho) -> Points:
    """Return H_d together with every c +- rho e_j (c in H_d, j < 2d)."""
    return moves(support(d), rho)


def moves(points, rho) -> Points:
    """Return the points together with every c +- rho e_j."""
    rho, pts = Fraction(rho), []
    for c in points:
        pts.append(list(c))
        for j in range(len(c)):
            for s in (1, -1):
                q = list(c)
                q[j] += s * rho
                pts.append(q)
    return Points(pts)


def network(d: int) -> Block:
    """Return the depth-3 block: AND units, then the sawtooth (j mod 2)/m of their sum."""
    m = scale(d)
    W = [[m if j in (i, d + i) else 0 for j in range(2 * d)] for i in range(d)]
    units = [["max", ["add", ["mul", m, ["x", i]], ["mul", m, ["x", d + i]], -1], 0] for i in range(d)]
    net = Network.from_layers([(W, [-1] * d), ([[1] * d], None)])
    inner = Block.single(net, op="and_pairs", label=f"u_i = relu(m z_i + m z_(d+i) - 1), i < {d}, and s = sum u_i",
                         params={"d": d, "m": m},
                         values=[(((1, i, 1),), units[i]) for i in range(d)] + [(((2, 0, 1),), ["add", *units] if d > 1 else units[0])])
    # knots 0..d+1: s may exceed d by m rho <= 1 on the perturbed support
    outer = interpolant(list(range(d + 2)), [Fraction(j % 2, m) for j in range(d + 2)])
    return compose_exact(outer, inner, [["add", *units] if d > 1 else units[0]])


def srv_support_exact(d: int) -> Construction:
    """Return the network on H_d against f = IP/m: exact (sup error 0)."""
    return Construction("Safran-Reichman-Valiant setting: IP mod 2 on the embedded cube", network(d),
                        Points(support(d)), [ip_target(d)], Fraction(0), {"d": d, "m": scale(d)}, PAPER,
                        "the depth-3 network computes IP(x, y)/m exactly on the embedded cube H_d", {})


def srv_depth3(d: int, eps) -> Construction:
    """Return the network on H_d + {+-rho e_j}, rho = eps/2, against the 1-Lipschitz extension F: sup error <= eps."""
    eps = Fraction(eps)
    rho = eps / 2
    if not 0 < rho <= Fraction(1, scale(d)):
        raise ValueError(f"srv_depth3: need 0 < eps <= 2/m = {Fraction(2, scale(d))}")
    return Construction("Safran-Reichman-Valiant setting: depth 3 vs the 1-Lipschitz target", network(d),
                        perturbed_support(d, rho), [lipschitz_target(d)], eps,
                        {"d": d, "m": scale(d), "eps": format_rational(eps), "rho": format_rational(rho)}, PAPER,
                        "an O(1)-Lipschitz target built from IP mod 2 on the embedded cube is eps-approximated by a "
                        "depth-3 network of poly(d, 1/eps) width and weights (here: on the support and its rho-moves)",
                        {"network moves <= rho": rho, "target moves <= rho": rho})


# ---- a well-spread support: the cube through a binary code ------------------------------------

def linear_code(k: int, n: int, seed: int = 0, draws: int = 64) -> tuple:
    """Return (P, dmin): the parity part P (k rows of n - k bits) of a systematic binary [n, k] code with
    generator [I_k | P], the best by minimum distance of `draws` seeded random draws, and its minimum
    distance, computed exactly over all 2^k - 1 non-zero codewords."""
    rng, best = random.Random(seed), None
    for _ in range(draws):
        P = [[rng.randint(0, 1) for _ in range(n - k)] for _ in range(k)]
        dmin = min(sum(u) + sum(sum(u[i] * P[i][j] for i in range(k)) % 2 for j in range(n - k))
                   for u in itertools.product((0, 1), repeat=k) if any(u))
        if best is None or dmin > best[1]:
            best = (P, dmin)
    return best


def encode(u, P) -> list[int]:
    """Return the codeword [u | u P mod 2]."""
    return list(u) + [sum(u[i] * P[i][j] for i in range(len(u))) % 2 for j in range(len(P[0]))]


def spread_support(k: int, n: int, P) -> list[list[Fraction]]:
    """Return S = {(C(x), C(y))/m : x, y in {0,1}^k} in B_(2n), m = ceil(sqrt(2n)) (C the code of P)."""
    m = math.isqrt(2 * n - 1) + 1
    return [[Fraction(b, m) for b in encode(x, P) + encode(y, P)]
            for x in itertools.product((0, 1), repeat=k) for y in itertools.product((0, 1), repeat=k)]


def srv_spread(k: int, n: int | None = None, eps=None, *, seed: int = 0) -> Construction:
    """Return the depth-3 network for a * IP(x, y) on the well-spread support S of a [n, k] code (n = 4k by
    default): distinct points of S are >= sqrt(dmin)/m apart, so with a = r/m, r <= sqrt(dmin) (r has two
    decimals), the target is 1-Lipschitz on S with an amplitude that does not shrink like 1/sqrt(k) (the
    plain cube's 1/m). The network reads the systematic coordinates only. eps=None: exact on S (rational
    target); else the McShane extension on S and its moves by rho = eps/(r + 1) (N moves by <= r rho,
    F by <= rho), with rho <= 1/m."""
    n = 4 * k if n is None else n
    P, dmin = linear_code(k, n, seed)
    m, r = math.isqrt(2 * n - 1) + 1, Fraction(math.isqrt(dmin * 10**4), 100)  # r <= sqrt(dmin), 2 decimals
    a = r / m
    pts = spread_support(k, n, P)
    vals = [a * (sum(int(c[i] * m) * int(c[n + i] * m) for i in range(k)) % 2) for c in pts]
    W = [[m if j in (i, n + i) else 0 for j in range(2 * n)] for i in range(k)]
    units = [["max", ["add", ["mul", m, ["x", i]], ["mul", m, ["x", n + i]], -1], 0] for i in range(k)]
    s_expr = ["add", *units] if k > 1 else units[0]
    net = Network.from_layers([(W, [-1] * k), ([[1] * k], None)])
    inner = Block.single(net, op="and_pairs", label=f"u_i = relu(m z_i + m z_(n+i) - 1) on the systematic bits, i < {k}",
                         params={"k": k, "n": n, "m": m}, values=[(((1, i, 1),), units[i]) for i in range(k)]
                         + [(((2, 0, 1),), s_expr)])
    outer = interpolant(list(range(k + 2)), [a * (j % 2) for j in range(k + 2)])
    block = compose_exact(outer, inner, [s_expr])
    params = {"k": k, "n": n, "seed": seed, "dmin": dmin, "m": m, "amplitude": format_rational(a),
              "P": ["".join(map(str, row)) for row in P]}
    theorem = ("IP mod 2 on a well-spread support (the cube through a binary code), 1-Lipschitz with amplitude "
               "r/m, r <= sqrt(dmin), computed by a depth-3 network")
    if eps is None:
        ip = ["mul", format_rational(a), ["mod", ["add", *(["mul", ["mul", m, ["x", i]], ["mul", m, ["x", n + i]]]
                                                           for i in range(k))] if k > 1 else
                                          ["mul", ["mul", m, ["x", 0]], ["mul", m, ["x", n]]], 2]]
        return Construction("Safran-Reichman-Valiant setting: IP mod 2 on a well-spread support", block, Points(pts),
                            [ip], Fraction(0), params, PAPER, theorem, {})
    eps = Fraction(eps)
    rho = eps / (r + 1)
    if rho > Fraction(1, m):
        raise ValueError(f"srv_spread: need eps <= (r + 1)/m = {Fraction(r + 1, m)}")
    params.update(eps=format_rational(eps), rho=format_rational(rho))
    return Construction("Safran-Reichman-Valiant setting: well-spread support vs the 1-Lipschitz target", block,
                        moves(pts, rho), [mcshane(pts, vals)], eps, params, PAPER, theorem,
                        {"network moves <= r rho": r * rho, "target moves <= rho": rho})
