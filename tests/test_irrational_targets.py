"""Targets with irrational operators (sqrt, norm, sin, cos, exp, pi): the kernel decides sup_error
rigorously (exact algebra for square roots, arb balls with growing precision otherwise), accepts
true claims, rejects false ones with the point, and refuses what it cannot decide (exit 2).
Expected values come from mathematics (sin(pi/6) = 1/2, |(3/5, 4/5)| = 1, ...)."""

import copy
import math
from fractions import Fraction as F

import pytest

from certify import ClaimError, Grid, MalformedError, Network, Points
from certify.certificate import certificate  # (after `import certify.certificate`, certify.certificate is the module)
from certify.kernel import check
from certify.kernel.canonical import network_sha256
from certify.kernel.numbers import format_rational
from certify.rigorous import approximate, enclose, is_irrational, round_down, round_up, sup_error_rigorous
from certify.target import coords, cos, evaluate_expr, exp, norm, pi, sin, sqrt

ABS0 = Network.from_layers([([[1, 0], [-1, 0]], [0, 0]), ([[1, 1]], None)])  # |x_0| on R^2
ZERO1 = Network.from_layers([([[0]], [0]), ([[0]], None)])  # 0 on R^1
ONE1 = Network.from_layers([([[0]], [1]), ([[1]], None)])  # 1 on R^1


def cert_with(net, domain, target, bound, **extra):
    """Return a certificate dict for `net` with the given target and claimed bound (no attained/argmax)."""
    data = copy.deepcopy(certificate(net, domain, None, construction="test").data)
    data["target"] = [target]
    data["claims"]["sup_error"] = {"bound": format_rational(F(bound)), **extra}
    data.pop("hints")
    return data


def sup_message(data) -> str:
    return next(r.message for r in check(data).results if r.name == "sup_error")


def verdict(data):
    report = check(data)
    return report.exit_code, report.first_failure


# ---- exact algebra for square roots ---------------------------------------------------------

def test_norm_ties_at_rational_points_are_decided_exactly():
    # |N - ||x||| with N = |x_0|: at (3/5, 4/5) the error is exactly 1 - 3/5 = 2/5, at (0, 1) it is 1
    pts = Points([[F(3, 5), F(4, 5)], [F(1, 2), F(1, 2)]])
    assert verdict(cert_with(ABS0, pts, ["norm"], "2/5"))[0] == 0          # sqrt(1/2) - 1/2 < 2/5
    code, msg = verdict(cert_with(ABS0, pts, ["norm"], "399999/1000000"))
    assert code == 1 and "x=(3/5,4/5)" in msg
    grid = Grid(2, 1, 4)
    assert verdict(cert_with(ABS0, grid, ["norm"], 1))[0] == 0             # attained at (0, +-1), exactly
    code, msg = verdict(cert_with(ABS0, grid, ["norm"], F(10**30 - 1, 10**30)))
    assert code == 1 and "x=(0,-1)" in msg


def test_sqrt_comparisons_with_signs():
    # f = 1 - ||x|| (negative outside the ball), N = |x_0|; the errors at (1, 1): |1 - (1 - sqrt 2)| = sqrt 2
    pts = Points([[1, 1], [0, 0], [F(-3, 5), F(4, 5)]])
    target = ["sub", 1, ["norm"]]
    # sqrt(2) is between 1.41421356 and 1.41421357
    assert verdict(cert_with(ABS0, pts, target, "141421357/100000000"))[0] == 0
    code, msg = verdict(cert_with(ABS0, pts, target, "141421356/100000000"))
    assert code == 1 and "x=(1,1)" in msg
    # the same through abs, neg, mul, div, min, max and clip, all reduced exactly to sqrt(q) vs r
    for t in (["add", 1, ["neg", ["abs", ["norm"]]]], ["neg", ["sub", ["norm"], 1]], ["mul", -2, ["sub", ["norm"], 1], "1/2"],
              ["div", ["sub", 1, ["norm"]], 1], ["max", ["sub", 1, ["norm"]], -2], ["min", ["sub", 1, ["norm"]], 5],
              ["clip", ["sub", 1, ["norm"]], -3, 3]):
        assert verdict(cert_with(ABS0, pts, t, "141421357/100000000"))[0] == 0, t
        assert verdict(cert_with(ABS0, pts, t, "141421356/100000000"))[0] == 1, t


def test_sqrt_of_a_square_is_rational():
    # sqrt(x_0^2) = |x_0| exactly: error 0, decided without balls
    data = cert_with(ABS0, Grid(2, 1, 4), ["sqrt", ["mul", ["x", 0], ["x", 0]]], 0)
    assert verdict(data)[0] == 0
    assert verdict(cert_with(ABS0, Grid(2, 1, 4), ["sqrt", ["mul", ["x", 0], ["x", 0]]], F(-1, 10**40)))[0] == 1


def test_irrational_operands_outside_arithmetic_are_refused():
    # an irrational value may feed + - * / neg abs pow min max clip and sqrt/sin/cos/exp, nothing else
    one = Network.from_layers([([[0, 0]], [1]), ([[1]], None)])
    for t in (["if", ["le", ["norm"], 1], 1, 0], ["floor", ["norm"]], ["mod", ["norm"], 1],
              ["sum_coords", ["sin", ["t"]]]):
        code, msg = verdict(cert_with(one, Points([[0, 1]]), t, 5))
        assert code == 2 and "irrational operand" in msg, (t, msg)
    # an irrational value inside a rational subexpression's sibling is fine
    assert verdict(cert_with(one, Points([[0, 1]]), ["max", ["norm"], ["floor", ["x", 1]]], 0))[0] == 0


def test_sqrt_of_a_negative_number_is_malformed():
    code, msg = verdict(cert_with(ZERO1, Points([[0], [2]]), ["sqrt", ["sub", ["x", 0], 1]], 5))
    assert code == 2 and "sqrt of a negative number" in msg and "x=(0)" in msg


# ---- transcendental targets: balls with growing precision -----------------------------------

def test_sin_pi_over_six_is_one_half():
    # f(x) = sin(pi x): at x = 1/6 it is exactly 1/2, which balls never prove; bounds on either side do
    pts = Points([[F(1, 6)]])
    target = ["sin", ["mul", ["pi"], ["x", 0]]]
    assert verdict(cert_with(ZERO1, pts, target, F(10**20 + 1, 2 * 10**20)))[0] == 0
    code, msg = verdict(cert_with(ZERO1, pts, target, F(10**20 - 1, 2 * 10**20)))
    assert code == 1 and "x=(1/6)" in msg
    code, msg = verdict(cert_with(ZERO1, pts, target, F(1, 2)))  # exactly the error: undecided, refused
    assert code == 2 and "undecided" in msg and "4096" in msg


def test_cancellation_is_undecided_not_guessed():
    # sqrt(2) - sqrt(2) = 0 and exp(1) * exp(-1) = 1, but no ball proves an exact value
    for target, n in ((["sub", ["sqrt", 2], ["sqrt", 2]], ZERO1), (["mul", ["exp", 1], ["exp", -1]], ONE1)):
        code, msg = verdict(cert_with(n, Points([[0]]), target, 0))
        assert code == 2 and "undecided" in msg


def test_precision_grows_until_decided():
    # |0 - pi| <= pi + 10^-60 needs more than 128 bits
    p60 = F(math.floor(F(31415926535897932384626433832795028841971693993751058209749445923078164062862089986,
                         10**82) * 10**60), 10**60)
    data = cert_with(ZERO1, Points([[0]]), ["pi"], p60 + F(2, 10**60))
    report = check(data)
    assert report.ok, report.first_failure
    bits = int(sup_message(data).split("<= ")[-1].split(" bits")[0])
    assert bits >= 256
    assert verdict(cert_with(ZERO1, Points([[0]]), ["pi"], p60 - F(1, 10**60)))[0] == 1


def test_cos_and_exp_of_zero_are_exact():
    # cos(0) = exp(0) = 1 exactly, so the tie |1 - 1| <= 0 is decided
    for op in ("cos", "exp"):
        assert verdict(cert_with(ONE1, Points([[0]]), [op, ["x", 0]], 0))[0] == 0
    assert verdict(cert_with(ZERO1, Points([[0]]), ["sin", ["x", 0]], 0))[0] == 0


# ---- what an irrational target cannot claim ------------------------------------------------

def test_attained_and_argmax_are_refused():
    data = cert_with(ABS0, Grid(2, 1, 4), ["norm"], 1, attained=1)
    code, msg = verdict(data)
    assert code == 2 and any("attained" in r.message and r.code == 2 for r in check(data).results)
    data = cert_with(ABS0, Grid(2, 1, 4), ["norm"], 1)
    data["hints"] = {"argmax": [0, 1]}
    assert verdict(data)[0] == 2


def test_grammar_irrational_ops_only_in_targets():
    data = cert_with(ABS0, Grid(2, 1, 4), ["norm"], 1)
    data["steps"][0]["claims"]["values"].append({"terms": [[2, 0, 1]], "equals": ["sqrt", ["mul", ["x", 0], ["x", 0]]]})
    code, msg = verdict(data)
    assert code == 2 and "only in targets" in msg
    for bad in (["tan", ["x", 0]], ["sqrt"], ["sqrt", 1, 2], ["pi", 1], ["norm", ["x", 0]]):
        assert verdict(cert_with(ABS0, Grid(2, 1, 4), bad, 1))[0] == 2, bad


# ---- the builder: rigorous enclosures, certificates with a bound only -------------------------

def test_enclosures_from_mathematics():
    lo, hi = enclose(["sqrt", 2], ())
    assert lo * lo < 2 < hi * hi and hi - lo < F(1, 10**30)
    lo, hi = enclose(["sin", ["div", ["pi"], 6]], ())
    assert lo <= F(1, 2) <= hi and hi - lo < F(1, 10**30)
    lo, hi = enclose(["exp", 1], ())
    assert F(2718281828, 10**9) < lo <= hi < F(2718281829, 10**9)
    assert enclose(["norm"], (F(3, 5), F(4, 5))) == (1, 1)
    assert enclose(["cos", ["mul", 0, ["pi"]]], ()) in ((1, 1),) or enclose(["cos", 0], ()) == (1, 1)
    q = approximate(["mul", 2, ["pi"]], (), F(1, 10**12))
    assert abs(q - F(6283185307179586, 10**15)) < F(2, 10**12)
    assert is_irrational(sin(pi()).ast) and not is_irrational(["add", ["x", 0], 1])


def test_rounding():
    for q in (F(1, 3), F(22, 7), F(123456789123, 1000), F(1, 10**15) * 7, F(0)):
        up, down = round_up(q, 6), round_down(q, 6)
        assert down <= q <= up and (up - down) <= abs(q) / 10**4 + (q == 0)


def test_builder_writes_bound_only_and_kernel_agrees():
    x = coords(2)
    c = certificate(ABS0, Grid(2, 1, 4), [norm()], construction="test")
    assert c.data["claims"]["sup_error"] == {"bound": 1} and "argmax" not in c.data["hints"]
    assert c.check().ok
    t = sin(pi() * x[0]) + cos(x[1]) / 2 + exp(-x[1]) + sqrt(x[0] * x[0] + 1)
    err = sup_error_rigorous(ABS0, Grid(2, 1, 4), [t.ast])
    assert err.value is None and err.lower <= err.upper and err.upper - err.lower < err.upper / 10**8
    c = certificate(ABS0, Grid(2, 1, 4), [t], construction="test")
    assert F(c.data["claims"]["sup_error"]["bound"]) == err.upper
    assert c.check().ok
    with pytest.raises(ClaimError):
        certificate(ABS0, Grid(2, 1, 4), [t], eps=err.lower * F(999, 1000), construction="test")
    with pytest.raises(MalformedError):
        evaluate_expr(norm().ast, __import__("numpy").array([[1, 0]], dtype=object), 1)


def test_tampered_network_hash_still_checked():
    data = cert_with(ABS0, Grid(2, 1, 4), ["norm"], 1)
    data["network"]["layers"][1]["weights"][0][2] = 3
    data["claims"]["max_weight"] = data["claims"]["max_abs_weight"] = 3
    data["steps"][0]["claims"]["max_weight"] = 3
    assert verdict(data)[0] == 2
    data["network_sha256"] = network_sha256(data["network"])
    code, msg = verdict(data)
    assert code == 1 and "sup_error" in msg
