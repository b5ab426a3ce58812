"""The kernel on region and weight-bound claims: true certificates verify; every corruption (piece count,
slope set, affine map, pattern, Farkas multipliers, sup value, argmax, Lipschitz and weight bounds,
parametric formulas) is rejected with a precise message, and each counterexample it prints is checked
exactly with the reference evaluator."""

import copy
from dataclasses import replace
import random
import re
from fractions import Fraction

import pytest
import sympy

from certify import Network, Product, certificate
from certify.extra_claims import ExtraClaims, holds
from certify.gadgets import sawtooth, yarotsky_square
from certify.kernel import Limits, check, parse
from certify.kernel.errors import LimitError
from certify.kernel.region_claims import check_extra
from certify.kernel import smt as ksmt
from certify.kernel.numbers import format_rational
from certify.reference import evaluate_layers_point, evaluate_point
from certify.smt.parametric import Parameter

F = Fraction
H = F(1, 2)
NET2 = Network.from_layers([([[1, 0], [-1, 0], [0, 1], [0, -1], [1, 1]], [0, 0, 0, 0, -1]), ([[1, 1, 1, 1, 2]], None)])
OTHER2 = Network.from_layers([([[1, 1], [-1, -1]], [0, 0]), ([[1, -1]], None)])  # x + y


def random_net(rng, d, widths):
    layers, prev = [], d
    for w in widths:
        layers.append(([[F(rng.randint(-3, 3), rng.randint(1, 2)) for _ in range(prev)] for _ in range(w)],
                       [F(rng.randint(-2, 2), 2) for _ in range(w)]))
        prev = w
    return Network.from_layers(layers + [([[rng.randint(-2, 2) or 1 for _ in range(prev)]], None)])


NET3 = random_net(random.Random(3), 3, [3, 3])


def _points(d, n=3):
    return Product([[F(j, n - 1) for j in range(n)]] * d)


@pytest.fixture(scope="module")
def certs():
    k = sympy.Symbol("k", integer=True)
    saw = sawtooth(4)
    saw_claims = (ExtraClaims(saw.network).pieces(0, 1, slopes_in=True).sup_error(0, 1).lipschitz(0, 1)
                  .lipschitz(0, 1, method="product").layer_bounds()
                  .parametric([Parameter("k", min=1)], {"k": 4}, {"depth": k + 1, "width": sympy.Integer(2)},
                              [("depth", "eq", k + 1), ("width", "le", 2)]))
    yar = yarotsky_square(3)
    two = (ExtraClaims(NET2).affine([[-1, 0], [0, -1], [1, 1]], [0, 0, 1], [1, 1], 0)
           .sup_error([-1, -1], [1, 1], OTHER2).lipschitz([-1, -1], [1, 1], norm="l2"))
    three = (ExtraClaims(NET3).sup_error([-1, -1, -1], [1, 1, 1]).lipschitz([-1, -1, -1], [1, 1, 1], norm="l1"))
    make = lambda b, d, extra, params=None: certificate(b, _points(d), None, construction="t", parameters=params,
                                                        extra_claims=extra.json()).data
    return {"saw": make(saw, 1, saw_claims, {"k": 4}),
            "yar": make(yar, 1, ExtraClaims(yar.network).sup_error(0, 1, [0, 0, 1]).pieces(0, 1)),
            "two": make(NET2, 2, two), "three": make(NET3, 3, three)}


def failure(data):
    report = check(data)
    assert not report.ok, "a corrupted certificate was accepted"
    return report.exit_code, report.first_failure


def point_in(message) -> list:
    """Return the point x=(...) printed in a message."""
    return [F(v) for v in re.search(r"x=\(([^)]*)\)", message).group(1).split(", ")]


def test_true_certificates_verify_and_say_what_rests_on_z3(certs):
    for name, data in certs.items():
        report = check(data)
        assert report.ok, (name, report.first_failure)
        assert holds(data), name
    assert check(certs["three"]).info["solver"] and "solver" not in check(certs["yar"]).info
    assert check(certs["saw"]).info["solver"] == ["weight_bounds.parametric: Z3 proves 2 bound(s) for all parameters"]


def test_piece_count_and_slope_set(certs):
    bad = copy.deepcopy(certs["saw"])
    bad["claims"]["regions"][0]["pieces"] = 17
    assert failure(bad) == (1, "claims.regions[0] (pieces on [0, 1]): claimed 17 pieces, the network has 16")
    bad = copy.deepcopy(certs["saw"])
    bad["claims"]["regions"][0]["slopes_in"] = [-16]
    code, msg = failure(bad)
    k, lo, hi = re.search(r"piece (\d+) on \[(\S+), (\S+)\] has slope 16, not in slopes_in", msg).groups()
    net = sawtooth(4).network
    assert (evaluate_point(net, [F(hi)])[0] - evaluate_point(net, [F(lo)])[0]) / (F(hi) - F(lo)) == 16
    assert not holds(bad)


def test_sup_value_attained_and_argmax(certs):
    bad = copy.deepcopy(certs["yar"])
    claim = bad["claims"]["regions"][0]
    claim["bound"] = claim["attained"] = "1/257"
    code, msg = failure(bad)
    x = point_in(msg)[0]
    net = yarotsky_square(3).network
    assert code == 1 and f"|N(x) - f(x)| = {evaluate_point(net, [x])[0] - x * x}" in msg and "> 1/257" in msg
    assert evaluate_point(net, [x])[0] - x * x > F(1, 257)
    bad = copy.deepcopy(certs["yar"])
    bad["claims"]["regions"][0]["attained"] = "1/512"
    assert "> 1/512" in failure(bad)[1]
    bad = copy.deepcopy(certs["yar"])
    bad["claims"]["regions"][0]["hints"]["argmax"] = ["1/8"]
    assert "hints.argmax x=(1/8)" in failure(bad)[1] and "error 0 is not the claimed maximum 1/256" in failure(bad)[1]
    bad = copy.deepcopy(certs["two"])
    bad["claims"]["regions"][1]["bound"] = bad["claims"]["regions"][1]["attained"] = "3/2"
    x = point_in(failure(bad)[1])
    assert abs(evaluate_point(NET2, x)[0] - evaluate_point(OTHER2, x)[0]) > F(3, 2)


def test_sup_in_three_dimensions_is_refuted_by_z3_with_an_exact_point(certs):
    bad = copy.deepcopy(certs["three"])
    claim = bad["claims"]["regions"][0]
    bound = F(claim["bound"]) - F(1, 1000)
    claim["bound"] = claim["attained"] = format_rational(bound)
    code, msg = failure(bad)
    x = point_in(msg)
    assert all(-1 <= v <= 1 for v in x) and abs(evaluate_point(NET3, x)[0]) > bound


def test_affine_map_pattern_and_farkas_multipliers(certs):
    base = certs["two"]["claims"]["regions"][0]
    assert base["hints"]["pattern"] == [[1, 0, 1, 0, 0]] and len(base["hints"]["farkas"]) == 7
    bad = copy.deepcopy(certs["two"])
    bad["claims"]["regions"][0]["hints"]["farkas"][2] = [0, 0, 0]
    assert failure(bad)[1] == ("claims.regions[0] (affine): hints.farkas[2] does not prove neuron (1, 2) keeps its "
                               "sign: lam A has coordinate 1 = 0, need -1")
    bad = copy.deepcopy(certs["two"])
    bad["claims"]["regions"][0]["hints"]["farkas"][6][0] = -1
    assert "hints.farkas[6] does not prove output >= c.x + e: multiplier 0 is negative" in failure(bad)[1]
    bad = copy.deepcopy(certs["two"])
    bad["claims"]["regions"][0]["c"] = [1, "1/2"]
    assert "hints.farkas[5] does not prove output <= c.x + e" in failure(bad)[1]
    for hints in ({"pattern": [[1, 0, 1, 0, 0]]}, None):  # Z3 per neuron, then the Z3 region split
        bad = copy.deepcopy(certs["two"])
        claim = bad["claims"]["regions"][0]
        claim["c"] = [1, "1/2"]
        claim.pop("hints") if hints is None else claim.update(hints=hints)
        code, msg = failure(bad)
        x = point_in(msg)
        assert code == 1 and all(v >= 0 for v in x) and sum(x) <= 1
        assert evaluate_point(NET2, x)[0] == x[0] + x[1] != x[0] + x[1] / 2
        assert f"the network gives {x[0] + x[1]}, but c.x + e = {x[0] + x[1] / 2}" in msg
    bad = copy.deepcopy(certs["two"])
    bad["claims"]["regions"][0]["hints"] = {"pattern": [[1, 0, 1, 0, 1]]}  # the last neuron is not active on P
    code, msg = failure(bad)
    assert "the pattern hint is wrong: neuron (1, 4) keeps its sign fails" in msg
    assert evaluate_layers_point(NET2, point_in(msg))[0][4] == 0


def test_lipschitz_and_weight_bounds(certs):
    bad = copy.deepcopy(certs["saw"])
    bad["claims"]["regions"][2]["bound"] = 15
    assert "the steepest region has gradient (-16), dual norm 16 > L = 15" in failure(bad)[1]
    bad = copy.deepcopy(certs["saw"])
    bad["claims"]["regions"][3]["bound"] = 100
    assert "product of the layer norms 1296 > L = 100" in failure(bad)[1]
    bad = copy.deepcopy(certs["two"])
    bad["claims"]["regions"][2]["bound"] = 2  # the gradient (3, 3) has l2 norm sqrt(18) > 2
    assert "dual norm squared 18 > L^2 = 4" in failure(bad)[1]
    bad = copy.deepcopy(certs["three"])
    bad["claims"]["regions"][1]["bound"] = format_rational(F(bad["claims"]["regions"][1]["bound"]) - F(1, 10))
    assert "steepest region" in failure(bad)[1]
    bad = copy.deepcopy(certs["saw"])
    bad["claims"]["weight_bounds"]["layers"][2] = 3
    assert failure(bad)[1].startswith("weight_bounds.layers[2]: claimed 3, but weight network.layers[2]")


def test_parametric_claims(certs):
    bad = copy.deepcopy(certs["saw"])
    bad["claims"]["weight_bounds"]["parametric"]["formulas"]["depth"] = ["add", ["p", "k"], 2]
    assert "formula depth gives 6 at k = 4, the network has 5" in failure(bad)[1]
    bad = copy.deepcopy(certs["saw"])
    bad["claims"]["weight_bounds"]["parametric"]["bounds"][0]["bound"] = ["mul", 2, ["p", "k"]]
    msg = failure(bad)[1]
    assert "weight_bounds.parametric.bounds[0]: depth eq bound fails at k = " in msg
    k = int(re.search(r"k = (\d+)", msg).group(1))
    assert k + 1 != 2 * k
    bad = copy.deepcopy(certs["saw"])
    bad["provenance"]["parameters"]["k"] = 5
    assert "at.k = 4, but provenance.parameters.k = 5" in failure(bad)[1]
    bad = copy.deepcopy(certs["saw"])
    bad["claims"]["weight_bounds"]["parametric"]["parameters"][0]["min"] = 5
    assert "k = 4 is outside its declared range" in failure(bad)[1]


def test_time_budget_is_a_refused_limit(certs):
    cert = replace(parse(certs["saw"]), limits=Limits(max_seconds=0))
    with pytest.raises(LimitError, match=r"claims.regions\[0\]: the time budget of 0 s is spent \(limit\)"):
        check_extra(cert, {})


def test_z3_unknown_is_a_rejection(certs, monkeypatch):
    bad = copy.deepcopy(certs["saw"])
    p = bad["claims"]["weight_bounds"]["parametric"]
    cube = lambda v: ["pow", ["p", v], 3]
    fermat = ["sub", ["add", cube("x"), cube("y")], cube("z")]  # width > 2 iff x^3 + y^3 = z^3
    p["parameters"] += [{"name": v, "integer": True, "min": 1, "max": None} for v in "xyz"]
    p["at"].update(x=1, y=1, z=1)
    p["formulas"]["width"] = ["sub", 3, ["pow", fermat, 2]]
    monkeypatch.setattr(ksmt, "TIMEOUT_MS", 200)
    assert "rejected, Z3 answered unknown" in failure(bad)[1]


@pytest.mark.parametrize("edit, message", [
    (lambda c: c["regions"][0].update(extra=1), "claims.regions[0]: unknown key 'extra'"),
    (lambda c: c["regions"][0].update(kind="volume"), "claims.regions[0].kind: expected one of"),
    (lambda c: c["regions"][0].update(interval=[1, 0]), "needs lo < hi"),
    (lambda c: c["regions"][0].update(output=1), "claims.regions[0].output"),
    (lambda c: c["regions"][1].pop("hints"), "claims.regions[1]"),
    (lambda c: c.update(volume=[]), "claims: unknown key 'volume'"),
    (lambda c: c["weight_bounds"].update(steps=[]), "claims.weight_bounds: unknown key 'steps'"),
    (lambda c: c["weight_bounds"]["layers"].pop(), "claims.weight_bounds.layers"),
    (lambda c: c["weight_bounds"]["parametric"]["bounds"][0].update(relation="ge"), "relation be 'le' or 'eq'"),
    (lambda c: c["weight_bounds"]["parametric"]["formulas"].update(depth=["p", "q"]), "unknown parameter 'q'"),
    (lambda c: c["weight_bounds"]["parametric"]["formulas"].update(depth=["div", ["p", "k"], ["p", "k"]]),
     "a divisor must be a non-zero rational constant"),
])
def test_malformed_region_claims_are_exit_2(certs, edit, message):
    bad = copy.deepcopy(certs["saw"])
    edit(bad["claims"])
    code, msg = failure(bad)
    assert code == 2 and message in msg, msg


def test_malformed_affine_and_targets(certs):
    bad = copy.deepcopy(certs["two"])
    bad["claims"]["regions"][0]["hints"].pop("pattern")
    assert failure(bad) == (2, "claims.regions[0].hints.farkas: needs hints.pattern")
    bad = copy.deepcopy(certs["two"])
    bad["claims"]["regions"][0]["hints"]["farkas"].pop()
    assert failure(bad)[0] == 2
    bad = copy.deepcopy(certs["two"])
    bad["claims"]["regions"][1]["target"] = {"poly": [0, 1]}
    assert failure(bad)[0] == 2
    bad = copy.deepcopy(certs["two"])
    bad["claims"]["regions"][1]["target"][2] = 3
    assert failure(bad)[0] == 2
