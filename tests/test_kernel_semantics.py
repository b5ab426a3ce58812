"""Kernel semantics against an independent pure-Python oracle (ints and Fractions, no numpy)."""

import itertools
import json
import time
from fractions import Fraction as F
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from certify.kernel import Limits, check, network as knet
from certify.kernel.canonical import canonical_json, network_sha256
from certify.kernel.domain import parse_domain
from certify.kernel.errors import MalformedError
from certify.kernel.expr import Env, Parser, value
from certify.kernel.jsonload import nesting_depth
from certify.kernel.sweep import argmax_rational

GOOD = Path(__file__).parent / "fixtures" / "good"
LIM = Limits()


# ---------------------------------------------------------------- the oracle

def ref_forward(net, x):
    """Return the output of a network (JSON form) at x, in Fractions."""
    h = list(x)
    for k, layer in enumerate(net["layers"]):
        z = [F(b) for b in layer["bias"]] if layer["bias"] is not None else [F(0)] * layer["size"]
        for i, j, w in layer["weights"]:
            z[i] += F(w) * h[j]
        h = z if k == len(net["layers"]) - 1 else [max(v, F(0)) for v in z]
    return h


def ref_expr(e, x, t=None):
    """Return an expression (JSON form) at x in Fractions; ZeroDivisionError on a zero divisor."""
    if not isinstance(e, list):
        return F(e)
    op, a = e[0], e[1:]
    r = lambda i: ref_expr(a[i], x, t)
    if op == "x":
        return x[a[0]]
    if op == "t":
        return t
    if op in ("add", "mul", "min", "max"):
        vals = [ref_expr(v, x, t) for v in a]
        out = vals[0]
        for v in vals[1:]:
            out = {"add": out + v, "mul": out * v, "min": min(out, v), "max": max(out, v)}[op]
        return out
    if op == "sub":
        return r(0) - r(1)
    if op == "neg":
        return -r(0)
    if op == "div":
        return r(0) / r(1)
    if op == "pow":
        return r(0) ** a[1]
    if op == "abs":
        return abs(r(0))
    if op == "floor":
        return F(r(0).__floor__())
    if op == "mod":
        m = r(1)
        return r(0) - m * F((r(0) / m).__floor__())
    if op == "clip":
        return max(F(a[1]), min(r(0), F(a[2])))
    if op in ("sum_coords", "prod_coords"):
        vals = [ref_expr(a[0], x, xi) for xi in x]
        out = vals[0]
        for v in vals[1:]:
            out = out + v if op == "sum_coords" else out * v
        return out
    if op == "norm2sq":
        return sum(v * v for v in x)
    if op == "parity":
        return ref_expr(["mod", ["add", 0, *[["x", i] for i in range(len(x))]], 2], x)
    if op == "ip_mod2":
        h = len(x) // 2
        return F(sum(x[i] * x[i + h] for i in range(h))) - 2 * F((sum(x[i] * x[i + h] for i in range(h)) / 2).__floor__())
    if op == "if":
        return r(1) if ref_cond(a[0], x, t) else r(2)
    if op == "network":
        return ref_forward(a[0], x)[a[1]]
    raise AssertionError(op)


def ref_cond(c, x, t=None):
    op, a = c[0], c[1:]
    if op in ("and", "or"):
        vals = [ref_cond(v, x, t) for v in a]
        return all(vals) if op == "and" else any(vals)
    if op == "not":
        return not ref_cond(a[0], x, t)
    u, v = ref_expr(a[0], x, t), ref_expr(a[1], x, t)
    return {"lt": u < v, "le": u <= v, "gt": u > v, "ge": u >= v, "eq": u == v, "ne": u != v}[op]


def points(domain):
    """Return the domain's points in the spec's order, in Fractions."""
    if domain["kind"] == "grid":
        Rp = F(domain["R"]) * domain["p"]
        axis = [F(j, domain["p"]) for j in range(-int(Rp), int(Rp) + 1)]
        return list(itertools.product(axis, repeat=domain["d"]))
    if domain["kind"] == "boolean_cube":
        return list(itertools.product([F(0), F(1)], repeat=domain["d"]))
    if domain["kind"] == "product":
        return list(itertools.product(*[[F(v) for v in s] for s in domain["sets"]]))
    return [tuple(F(v) for v in p) for p in domain["points"]]


def kernel_points(domain):
    dom = parse_domain(domain, LIM)
    nums = dom.numerators(0, dom.size)
    return [tuple(F(int(v), dom.den) for v in nums[:, k]) for k in range(dom.size)]


# ---------------------------------------------------------------- domains

@pytest.mark.parametrize("domain", [
    {"kind": "grid", "d": 2, "R": 1, "p": 4}, {"kind": "grid", "d": 3, "R": "3/2", "p": 2},
    {"kind": "boolean_cube", "d": 4}, {"kind": "product", "sets": [[-1, "1/3", 2], ["-7/5"], [0, 5]]},
    {"kind": "points", "points": [["1/2", 3], [-1, "-2/9"], [0, 0]]}])
def test_domain_order_is_itertools_product(domain):
    assert kernel_points(domain) == points(domain)


def test_huge_domains_are_refused_instantly():
    t = time.perf_counter()
    for domain in ({"kind": "grid", "d": 1, "R": 5 * 10**29, "p": 1}, {"kind": "grid", "d": 10**30, "R": 1, "p": 1},
                   {"kind": "boolean_cube", "d": 10**30}):
        with pytest.raises(MalformedError, match="more than 100000000 points"):
            parse_domain(domain, LIM)
    assert time.perf_counter() - t < 0.5


# ---------------------------------------------------------------- networks: fast path vs big-integer path

small = st.integers(-5, 5).map(F) | st.tuples(st.integers(-9, 9), st.integers(1, 6)).map(lambda t: F(*t))


def fmt(q):
    return q.numerator if q.denominator == 1 else f"{q.numerator}/{q.denominator}"


@st.composite
def networks(draw, d=2):
    sizes = [d] + draw(st.lists(st.integers(1, 4), min_size=1, max_size=4))
    layers = []
    for k in range(1, len(sizes)):
        weights = [[i, j, fmt(w)] for i in range(sizes[k]) for j in range(sizes[k - 1])
                   if (w := draw(small)) != 0]
        bias = None if k == len(sizes) - 1 else [fmt(draw(small)) for _ in range(sizes[k])]
        layers.append({"size": sizes[k], "weights": weights, "bias": bias})
    return {"form": "paper", "input_dim": d, "layers": layers}


def run(net_json, domain_json, monkeypatch=None, force_bigint=False):
    dom = parse_domain(domain_json, LIM)
    net = knet.parse_network(net_json, "network", LIM, LIM.max_weights)
    if force_bigint:
        monkeypatch.setattr(knet, "EXACT", 0)
    plan = knet.prepare(net, dom.box(), dom.den)
    values = knet.forward(plan, dom.numerators(0, dom.size))
    return plan, [[F(int(v), plan.dens[-1]) for v in values[-1][:, k]] for k in range(dom.size)]


@settings(max_examples=40, deadline=None)
@given(networks())
def test_float_and_bigint_paths_agree_with_the_oracle(net):
    domain = {"kind": "grid", "d": 2, "R": 1, "p": 3}
    plan, fast = run(net, domain)
    assert all(plan.floats)
    with pytest.MonkeyPatch.context() as mp:
        plan2, slow = run(net, domain, mp, force_bigint=True)
    assert not any(plan2.floats)
    assert fast == slow == [ref_forward(net, x) for x in points(domain)]


def test_bigweights_fixture_uses_the_bigint_path_and_its_claims_hold_independently():
    c = json.loads((GOOD / "bigweights_grid.json").read_text())
    report = check(c)
    assert report.ok and report.info["layer_paths"] == ["bigint", "bigint"]
    xs = points(c["domain"])
    errors = [abs(ref_forward(c["network"], x)[0] - abs(x[0])) for x in xs]
    assert max(errors) == F(c["claims"]["sup_error"]["bound"]) == F(3**40 + 7, 3**80)
    assert errors.index(max(errors)) == xs.index((F(1),))
    weights = [F(w) for layer in c["network"]["layers"] for _, _, w in layer["weights"]]
    biases = [F(b) for layer in c["network"]["layers"] for b in layer["bias"] or []]
    assert max(map(abs, weights + biases)) == F(c["claims"]["max_weight"]) == F(3**40, 2**60)
    assert max(map(abs, biases)) == F(c["claims"]["max_abs_bias"]) == F(7, 3**40)
    for s in c["steps"]:
        for vc in s["claims"]["values"]:
            for x in xs:
                hidden = [max(F(0), sum((F(w) * x[j] for i2, j, w in c["network"]["layers"][0]["weights"] if i2 == i),
                                        F(c["network"]["layers"][0]["bias"][i]))) for i in range(3)]
                layer_values = {0: list(x), 1: hidden, 2: ref_forward(c["network"], x)}
                assert sum(F(cf) * layer_values[l][i] for l, i, cf in vc["terms"]) == ref_expr(vc["equals"], x)


@pytest.mark.parametrize("path", sorted(GOOD.glob("*.json")), ids=lambda p: p.stem)
def test_good_fixtures_sup_error_matches_the_oracle(path):
    c = json.loads(path.read_text())
    xs = points(c["domain"])
    errs = [(max(abs(n - ref_expr(t, x)) for n, t in zip(ref_forward(c["network"], x), c["target"])), x) for x in xs]
    top = max(e for e, _ in errs)
    assert top <= F(c["claims"]["sup_error"]["bound"])
    assert top == F(c["claims"]["sup_error"].get("attained", top))


# ---------------------------------------------------------------- expressions

LEAF = st.sampled_from([["x", 0], ["x", 1], 0, 1, -2, "1/3", "-5/2"])
OPS2 = ["add", "mul", "sub", "div", "min", "max", "mod"]


def exprs():
    def extend(inner):
        cond = st.tuples(st.sampled_from(["lt", "le", "gt", "ge", "eq", "ne"]), inner, inner).map(list)
        return (st.tuples(st.sampled_from(OPS2), inner, inner).map(list)
                | st.tuples(st.sampled_from(["neg", "abs", "floor"]), inner).map(list)
                | st.tuples(st.just("pow"), inner, st.integers(-3, 3)).map(list)
                | st.tuples(st.just("clip"), inner, st.just(-1), st.just("1/2")).map(list)
                | st.tuples(st.just("if"), cond | st.tuples(st.just("not"), cond).map(list), inner, inner).map(list)
                | st.tuples(st.sampled_from(["sum_coords", "prod_coords"]),
                            st.sampled_from([["t"], ["mul", ["t"], 3], ["add", ["t"], "1/2"]])).map(list))
    return st.recursive(LEAF | st.sampled_from([["norm2sq"], ["parity"], ["ip_mod2"]]), extend, max_leaves=8)


def kernel_values(e, domain):
    """Return the kernel's value of e at every point, or the MalformedError it raised."""
    dom = parse_domain(domain, LIM)
    node = Parser(dom.d, LIM, 0).expr(e, "e")
    x = dom.numerators(0, dom.size)
    index = np.arange(dom.size)
    env = Env(x.astype(object), dom.den, index, dom, {}, [], (), index, where="e")
    try:
        n, d = value(node, env)
    except MalformedError as err:
        return err
    d = np.broadcast_to(np.asarray(d, dtype=object), n.shape)
    return [F(int(a), int(b)) for a, b in zip(n, d)]


@settings(max_examples=150, deadline=None)
@given(exprs())
def test_expressions_agree_with_the_oracle(e):
    domain = {"kind": "grid", "d": 2, "R": 1, "p": 2}
    got = kernel_values(e, domain)
    want = []
    for x in points(domain):
        try:
            want.append(ref_expr(e, x))
        except ZeroDivisionError:
            want.append(None)
    if isinstance(got, MalformedError):
        # the kernel refuses only where the oracle divides by zero (the branch taken by "if")
        assert None in want and "at x=(" in str(got)
    else:
        assert got == want


def test_if_evaluates_only_the_branch_taken():
    e = ["if", ["ne", ["x", 0], 0], ["div", 1, ["x", 0]], 7]
    assert kernel_values(e, {"kind": "grid", "d": 1, "R": 1, "p": 2}) == [-1, -2, 7, 2, 1]


def test_division_by_zero_names_the_point():
    err = kernel_values(["div", 1, ["sub", ["x", 0], "1/2"]], {"kind": "grid", "d": 1, "R": 1, "p": 2})
    assert isinstance(err, MalformedError) and "division by zero at x=(1/2)" in str(err)


def test_nested_network_target_uses_the_same_evaluator():
    half = json.loads((GOOD / "network_target.json").read_text())["target"][0]
    domain = {"kind": "grid", "d": 1, "R": 2, "p": 3}
    assert kernel_values(half, domain) == [abs(x[0]) for x in points(domain)]


# ---------------------------------------------------------------- exact comparisons and loader

def test_argmax_rational_is_exact_and_first():
    big = 10**40
    n = np.array([1, big + 1, big + 1, 0, big], dtype=object)
    d = np.array([1, big, big, 1, big - 1], dtype=object)  # floats cannot tell these apart
    assert argmax_rational(n, d) == 4
    n2, d2 = np.array([5, 5, 10, 2], dtype=object), np.array([2, 2, 4, 1], dtype=object)
    assert argmax_rational(n2, d2) == 0


def test_nesting_depth_ignores_brackets_in_strings():
    assert nesting_depth(b'{"a":[[1],["[[[[", "]"]]}') == 3
    assert nesting_depth(b'{"a":"\\"[[[["}') == 1


def test_check_accepts_a_dict_and_never_raises_on_garbage():
    for junk in ({}, {"format": "certify/v1"}, {"format": 1.5}, {"format": "certify/v1", "x": float("nan")},
                 {"format": "certify/v1", "network": object()}):
        report = check(junk)
        assert report.exit_code == 2 and report.first_failure


@settings(max_examples=60, deadline=None)
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=5),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
                    max_leaves=20))
def test_random_json_inside_a_good_certificate_is_rejected_cleanly(junk):
    c = json.loads((GOOD / "abs_grid.json").read_text())
    for key in ("domain", "target", "claims", "steps"):
        bad = dict(c, **{key: junk})
        report = check(bad)
        assert report.exit_code in (1, 2) and report.first_failure


def test_limits_are_configurable(tmp_path):
    path = GOOD / "max2_grid.json"
    assert "more than 80 points" in check(path, limits=Limits(max_points=80)).first_failure
    assert "-byte limit" in check(path, limits=Limits(max_file_size=100)).first_failure
    assert "7 weights, over the limit of 3" in check(path, limits=Limits(max_weights=3)).first_failure
    assert "nesting depth" in check(path, limits=Limits(max_json_depth=5)).first_failure
    assert "expression nodes" in check(path, limits=Limits(max_expr_nodes=3)).first_failure
    c = json.loads((GOOD / "bigweights_grid.json").read_text())
    assert "10-digit limit" in check(c, limits=Limits(max_digits=10)).first_failure


def test_missing_file_is_malformed(tmp_path):
    report = check(tmp_path / "nope.json")
    assert report.exit_code == 2 and "cannot read" in report.first_failure


def test_sup_error_on_a_larger_grid_streams_in_chunks(monkeypatch):
    """A 2-D grid of 201^2 points, checked in chunks of a few hundred points."""
    from certify.kernel import sweep
    monkeypatch.setattr(sweep, "CHUNK_ELEMENTS", 1000)
    c = json.loads((GOOD / "max2_grid.json").read_text())
    c["domain"] = {"kind": "grid", "d": 2, "R": 1, "p": 100}
    c["hints"] = {"argmax": [1, -1], "layer_bounds": [2, 1]}
    report = check(c)
    assert report.ok, report.first_failure
    c["target"] = [["max", ["x", 0], ["add", ["x", 1], "1/1000"]]]
    report = check(c)
    assert "sup_error: at x=(-1,-1) output 0: |N(x) - f(x)| = 1/1000 > bound 0" in report.first_failure
    assert canonical_json(c)  # still plain JSON data
    assert network_sha256(c["network"]) == c["network_sha256"]


def _paths(o, p=()):
    yield p
    for k, v in (o.items() if isinstance(o, dict) else enumerate(o) if isinstance(o, list) else []):
        yield from _paths(v, p + (k,))


def test_random_edits_anywhere_never_crash_and_accepted_edits_are_true():
    """Replace random nodes of good certificates (re-hashing the network): the kernel never raises,
    and whatever it still accepts satisfies the sup_error and weight claims by the oracle."""
    import copy
    import random
    rng = random.Random(5)
    goods = [json.loads(p.read_text()) for p in sorted(GOOD.glob("*.json"))]
    junk = [0, 1, -1, 2, 3, "1/2", "-3/7", "x", None, True, [], {}, [0, 0, 1], ["x", 0], ["v", 1, 0], ["t"]]
    for _ in range(600):
        c = copy.deepcopy(rng.choice(goods))
        path = rng.choice(list(_paths(c))[1:])
        node = c
        for k in path[:-1]:
            node = node[k]
        node[path[-1]] = copy.deepcopy(rng.choice(junk))
        if isinstance(c.get("network"), dict):
            c["network_sha256"] = network_sha256(c["network"])
        report = check(c)
        assert report.exit_code in (0, 1, 2) and (report.exit_code == 0) == (report.first_failure is None)
        if report.exit_code == 0:
            xs, layers = points(c["domain"]), c["network"]["layers"]
            errs = [max(abs(n - ref_expr(t, x)) for n, t in zip(ref_forward(c["network"], x), c["target"]))
                    for x in xs]
            assert max(errs) <= F(c["claims"]["sup_error"]["bound"])
            weights = [abs(F(w)) for layer in layers for *_, w in layer["weights"]]
            biases = [abs(F(b)) for layer in layers for b in layer["bias"] or []]
            assert max(weights + biases) <= F(c["claims"]["max_weight"])
