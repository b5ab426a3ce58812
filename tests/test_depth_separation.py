"""Depth-separation constructions (certify.theorems: additive, radial, safran_eldan_shamir, srv,
interpolation_baseline): sizes and errors against the mathematics, certificates that the kernel verifies,
and false claims that it rejects with the point."""

import copy
import itertools
from fractions import Fraction as F

import numpy as np
import pytest

from certify import ClaimError
from certify.evaluate import evaluate_chunk
from certify.kernel import check
from certify.rigorous import enclose
from certify.target import coords, exp, sin, pi
from certify.theorems.additive import additive
from certify.theorems.depsep import ball_grid, ramp_interpolant, uniform_knots
from certify.theorems.interpolation_baseline import interpolation_baseline, projection_direction
from certify.theorems.radial import radial
from certify.theorems.safran_eldan_shamir import (hard_depth2, hard_depth3, hard_function, lipschitz_witness, paper_eps,
                                                   radial_monomial)
from certify.theorems.srv import (discrete_lipschitz, encode, linear_code, scale, spread_support, srv_depth3, srv_spread,
                                  srv_support_exact, support)


def verified(con, eps=None):
    cert = con.certificate(eps)
    report = check(cert.data)
    assert report.ok, report.first_failure
    return cert


def values(net, points):
    den = max(v.denominator for x in points for v in x)
    Z, D = evaluate_chunk(net, np.array([[int(v * den) for v in x] for x in points], dtype=object), den)
    return [F(int(z), D) for z in Z[:, 0]]


# ---- additive (Vardi-Shamir Thm 3.6) ---------------------------------------------------------

def test_additive_squares_error_is_the_midpoint_gap():
    # f = x_0^2 + x_1^2, M = 2, eps = 1/4: n = ceil(2 / sqrt(4 eps / (d M))) = 4 intervals of h = 1/2 on
    # [-1, 1]; the grid points +-1/4, +-3/4 are midpoints, where t^2's interpolant is h^2/4 = 1/16 too high
    t = coords(1)[0]
    con = additive([t * t, t * t], 1, 4, F(1, 4), curvature=[2, 2])
    assert con.parameters["intervals"] == [4, 4]
    assert con.stats()["depth"] == 2 and con.stats()["layer_sizes"][-1] == 1
    cert = verified(con)
    assert cert.data["claims"]["sup_error"] == {"bound": "1/4", "attained": "1/8"}
    assert con.budget["interpolation"] == F(1, 8) and con.budget["rounding"] == F(1, 8)  # d * eps/(2d)


def test_additive_transcendental_and_grid_knots():
    t = coords(1)[0]
    con = additive([sin(pi() * t) / pi(), exp(t)], 1, 4, F(1, 20), curvature=[4, 3])
    cert = verified(con)
    assert "attained" not in cert.data["claims"]["sup_error"]   # an irrational target: bound only
    measured = F(con.certificate("measured").data["claims"]["sup_error"]["bound"])
    assert measured <= con.budget["interpolation"] + con.budget["rounding"] <= F(1, 20)
    # knots on the grid: only the rounding of the knot values remains
    grid = additive([sin(pi() * t) / pi(), exp(t)], 1, 4, F(1, 10**6), knots="grid")
    assert F(grid.certificate("measured").data["claims"]["sup_error"]["bound"]) <= F(1, 10**6)
    with pytest.raises(ClaimError):
        con.certificate(measured / 2)


# ---- radial (Vardi-Shamir Thm 3.5) -----------------------------------------------------------

@pytest.mark.parametrize("layer1", ["uniform", "grid"])
def test_radial_one_minus_norm(layer1):
    con = radial(2, ["sub", 1, ["x", 0]], 1, F(1, 4), 4, layer1=layer1)
    s = con.stats()
    assert s["depth"] == 3 and sum(con.budget.values()) <= F(1, 4)
    assert con.parameters["h_r"] == "1/8"  # h_r = 1/ceil(2L/eps)
    # the points are exactly the grid points of the closed unit disc: 1 + 4 * (4 + 3 + 3 + 2) + ... = 49
    assert s["points"] == sum(1 for a, b in itertools.product(range(-4, 5), repeat=2) if a * a + b * b <= 16)
    cert = verified(con)
    if layer1 == "grid":  # layer 1 states s = ||x||^2 exactly on the grid
        assert any(v["equals"] == ["norm2sq"] for st in cert.data["steps"] for v in st["claims"]["values"])
    bad = copy.deepcopy(cert.data)
    measured = F(con.certificate("measured").data["claims"]["sup_error"]["bound"])
    bad["claims"]["sup_error"]["bound"] = str(measured * F(9, 10))
    report = check(bad)
    assert report.exit_code == 1 and "sup_error: at x=(" in report.first_failure


def test_radial_width_grows_like_one_over_eps():
    w = [radial(3, ["sub", 1, ["x", 0]], 1, e, 2).stats()["layer_sizes"] for e in (F(1, 4), F(1, 8))]
    assert w[1][0] > w[0][0] and w[1][1] > w[0][1]  # both hidden layers grow as eps shrinks
    assert w[1][1] <= 2 * w[0][1] + 2               # layer 2: J ~ 2L/eps


# ---- Safran-Eldan-Shamir ----------------------------------------------------------------------

def test_paper_eps_and_hard_function_values():
    for d in (2, 3, 4):
        lo, hi = enclose(["mul", paper_eps(d), 101, ["exp", 2], ["pow", ["pi"], 3], d ** 3], ())
        assert F(99, 100) < lo and hi <= 1   # a rational just below 1/(101 e^2 pi^3 d^3)
    d = 2  # d^3 = 8
    assert enclose(hard_function(d), (0, 0)) == (0, 0)  # sin(0) = 0 exactly
    lo, hi = enclose(hard_function(d), (F(1, 4), F(1, 4)))  # ||x||^2 = 1/8 = 1/d^3: sin(2 pi) = 0
    assert lo <= 0 <= hi and hi - lo < F(1, 10**30)
    lo, hi = enclose(["mul", hard_function(d), 2, ["pi"], 8], (F(1, 8), F(1, 8)))  # ||x||^2 = 1/32: sin(pi/2) = 1
    assert lo <= 1 <= hi and hi - lo < F(1, 10**30)


def test_hard_function_depth3_and_depth2():
    d, p, eps = 2, 4, F(1, 1000)
    con = hard_depth3(d, eps, p)
    assert con.stats()["depth"] == 3 and con.stats()["max_weight"] <= 2  # O(1) weights
    assert sum(con.budget.values()) <= eps
    verified(con)
    base = hard_depth2(d, p, eps)
    assert base.stats()["depth"] == 2 and base.stats()["width"] <= base.domain.size
    verified(base)


def test_hard_function_is_two_lipschitz_not_one():
    con, lower = lipschitz_witness(2)
    assert F(19998, 10000) < lower < 2       # |grad f| = 2 ||x|| |cos| <= 2: 2 is the Lipschitz constant
    cert = verified(con)
    # the witness really is two points with N = 0 and -c h: |f(x) - f(y)| >= c h - 2 eps
    c, h, eps = F(con.parameters["slope c"]), F(con.parameters["h"]), F(cert.data["claims"]["sup_error"]["bound"])
    assert values(con.network, [(1, 0), (1 - h, 0)]) == [0, -c * h] and lower == c - 2 * eps / h
    bad = copy.deepcopy(cert.data)
    bad["claims"]["sup_error"]["bound"] = str(eps / 1000)
    assert check(bad).exit_code == 1


def test_radial_monomials_at_depth_two():
    for k in (1, 2):
        con = radial_monomial(3, k, F(1, 10), 2)
        assert con.stats()["depth"] == 2 and con.budget["interpolation"] <= F(1, 10)
        ridges = 3 if k == 1 else 3 + 3 * 2
        assert con.parameters["ridges"] == ridges
        verified(con)
    exact = radial_monomial(3, 2, F(1, 10), 2, knots="grid")
    assert verified(exact).data["claims"]["sup_error"]["attained"] == 0


# ---- Safran-Reichman-Valiant setting ----------------------------------------------------------

@pytest.mark.parametrize("d", [1, 2, 3])
def test_srv_ip_exact_on_the_embedded_cube(d):
    m = scale(d)
    assert (m - 1) ** 2 < 2 * d <= m * m
    pts = support(d)
    assert len(pts) == 4 ** d and all(sum(v * v for v in z) <= 1 for z in pts)
    con = srv_support_exact(d)
    assert con.stats()["layer_sizes"] == [d, d + 1, 1]  # d AND units; kinks of the sawtooth at 1..d, one affine unit
    got = values(con.network, pts)
    for z, v in zip(pts, got):
        bits = [int(c * m) for c in z]
        assert v == F(sum(bits[i] * bits[d + i] for i in range(d)) % 2, m)
    assert verified(con).data["claims"]["sup_error"] == {"bound": 0, "attained": 0}
    assert discrete_lipschitz(d) == 1


def test_srv_depth3_against_the_lipschitz_extension():
    con = srv_depth3(2, F(1, 10))
    cert = verified(con)
    assert con.stats()["depth"] == 3 and con.stats()["width"] <= 3 and con.stats()["max_weight"] == 2
    measured = F(con.certificate("measured").data["claims"]["sup_error"]["bound"])
    assert F(1, 20) <= measured <= F(1, 10)   # at least rho: F moves by rho where N does not
    bad = copy.deepcopy(cert.data)
    bad["claims"]["sup_error"]["bound"] = "1/25"
    report = check(bad)
    assert report.exit_code == 1 and "x=(" in report.first_failure
    with pytest.raises(ValueError):
        srv_depth3(2, F(3, 2))


def test_srv_well_spread_support():
    k = 3
    con = srv_spread(k)
    n, m, a = con.parameters["n"], con.parameters["m"], F(con.parameters["amplitude"])
    P, dmin = linear_code(k, n)
    assert dmin == con.parameters["dmin"] and dmin == min(sum(encode(u, P)) for u in itertools.product((0, 1), repeat=k)
                                                          if any(u))
    assert a * a * m * m <= dmin and a > F(1, scale(k))  # a larger amplitude than the plain cube's 1/m
    pts = spread_support(k, n, P)
    vals = values(con.network, pts)
    # f = a IP on the systematic bits, and 1-Lipschitz on S: (f - f')^2 <= ||c - c'||^2 for every pair
    for c, v in zip(pts, vals):
        bits = [int(t * m) for t in c]
        assert v == a * (sum(bits[i] * bits[n + i] for i in range(k)) % 2)
    for (c, v), (c2, v2) in itertools.combinations(zip(pts, vals), 2):
        assert (v - v2) ** 2 <= sum((s - t) ** 2 for s, t in zip(c, c2))
    assert verified(con).data["claims"]["sup_error"] == {"bound": 0, "attained": 0}


# ---- the depth-2 interpolation baseline --------------------------------------------------------

def test_baseline_interpolates_exactly_and_rejects_a_wrong_value():
    dom = ball_grid(2, 3)
    pts = list(dom)
    w = projection_direction(pts)
    assert len({sum(a * b for a, b in zip(w, x)) for x in pts}) == len(pts)
    con = interpolation_baseline(dom, ["add", ["mul", ["x", 0], ["x", 0], ["x", 1]], 1])
    assert con.stats()["depth"] == 2 and con.stats()["width"] <= len(pts)
    cert = verified(con)
    assert cert.data["claims"]["sup_error"] == {"bound": 0, "attained": 0}
    bad = copy.deepcopy(cert.data)
    bad["target"] = [["add", ["mul", ["x", 0], ["x", 0], ["x", 1]], 1, ["if", ["eq", ["x", 0], "1/3"], "1/7", 0]]]
    report = check(bad)
    assert report.exit_code == 1 and "x=(1/3," in report.first_failure


def test_ramp_interpolant_matches_the_line_through_two_knots():
    t = uniform_knots(-1, 2, 9)
    v = [F(j * j - 3, 7) for j in range(10)]
    block = ramp_interpolant(t, v)
    xs = [(a,) for a in uniform_knots(-1, 2, 36)]
    for (x,), y in zip(xs, values(block.network, xs)):
        j = min(int((x + 1) / F(1, 3)), 8)
        assert y == v[j] + (v[j + 1] - v[j]) * (x - t[j]) / (t[j + 1] - t[j])
