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
    parts = []
    for c in support(d):
        bits = [int(v * m) for v in c]
        ip = sum(bits[i] * bits[d + i] for i in range(d)) % 2
        dist = ["sqrt", ["add", *(["pow", ["sub", ["x", j], format_rational(v)], 2] for j, v in enumerate(c))]]
        parts.append(["add", format_rational(Fraction(ip, m)), dist] if ip else dist)
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
    rho, pts = Fraction(rho), []
    for c in support(d):
        pts.append(list(c))
        for j in range(2 * d):
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
