"""Mutation testing of the kernel's soundness and completeness (issue #11).

For every certificate in proofs/ and many generated ones (benchmarks/fuzz_kernel.py builds them with
the public builder API), apply single, well-formed mutations: each weight and bias nudged by
+-1/10^9 or dropped, each claim tightened and loosened, each step's value claims, coefficients,
neurons, inputs and weight bounds changed, hints corrupted, steps swapped or dropped, targets and
domains changed; the network is re-hashed, as a forger would. The truth of each mutant is decided by
an oracle that shares no code with the kernel: the reference evaluator
`certify.reference.evaluate_point` (pure Fractions) for the network, and a pure-Fraction evaluator of
target expressions written here.

Expected verdict: 0 if every claim of the mutant is true, 1 if one is false, 2 if the mutation made the
certificate malformed (a step reading from a later step). The kernel must give exactly that exit code:
a false mutant it accepts is a soundness bug, a true mutant it rejects a completeness bug.

Run: python benchmarks/mutation_kernel.py [--generated 300] [--jobs 2] [--seed 0]
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import itertools
import json
import os
import random
import re
import sys
import time
from collections import Counter
from fractions import Fraction as F
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from certify.network import Network  # noqa: E402  (the builder's IR; not the kernel's parser)
from certify.reference import evaluate_layers_point  # noqa: E402
from mpmath import iv  # noqa: E402  (interval arithmetic for irrational targets; the kernel uses flint arb)

iv.prec = 300
REAL = ("sqrt", "norm", "sin", "cos", "exp", "pi")

EPS = F(1, 10**9)

# ---------------------------------------------------------------- the oracle (no kernel code)


def sha256(obj) -> str:
    return hashlib.sha256(json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
                          .encode("ascii")).hexdigest()


def points_of(domain) -> list:
    """Return the domain's points in the order of docs/format.md, as tuples of Fractions."""
    kind = domain["kind"]
    if kind == "grid":
        Rp, p = F(domain["R"]) * domain["p"], domain["p"]
        return list(itertools.product([F(j, p) for j in range(-int(Rp), int(Rp) + 1)], repeat=domain["d"]))
    if kind == "boolean_cube":
        return list(itertools.product([F(0), F(1)], repeat=domain["d"]))
    if kind == "product":
        return list(itertools.product(*[[F(v) for v in s] for s in domain["sets"]]))
    return [tuple(F(v) for v in p) for p in domain["points"]]


def _floor(q: F) -> F:
    return F(q.numerator // q.denominator)


def _product(vals):
    out = vals[0]
    for v in vals[1:]:
        out = out * v
    return out


def _iv(v):
    """Return a rational or an interval as an interval (exact rationals become tight enclosures)."""
    return v if isinstance(v, iv.mpf) else iv.mpf(v.numerator) / iv.mpf(v.denominator)


def _real(op, vals, x):
    """Return an irrational operator, or an operation with an interval operand, on intervals."""
    a = [_iv(v) for v in vals]
    pick = lambda f: iv.mpf([f(u.a for u in a), f(u.b for u in a)])  # min/max of intervals, endpoint-wise
    ops = {"sqrt": lambda: iv.sqrt(a[0]), "norm": lambda: iv.sqrt(sum((_iv(v) ** 2 for v in x), iv.mpf(0))),
           "sin": lambda: iv.sin(a[0]), "cos": lambda: iv.cos(a[0]), "exp": lambda: iv.exp(a[0]), "pi": lambda: iv.pi * 1,
           "add": lambda: sum(a[1:], a[0]), "sub": lambda: a[0] - a[1], "neg": lambda: -a[0], "abs": lambda: abs(a[0]),
           "div": lambda: a[0] / a[1], "min": lambda: pick(min), "max": lambda: pick(max)}
    if op == "mul":
        out = a[0]
        for u in a[1:]:
            out = out * u
        return out
    return ops[op]()


class Oracle:
    """Decides the claims of certificates in pure Fractions, with caches shared across mutants."""

    def __init__(self):
        self.nets, self.layers, self.memo, self.points, self.nested = {}, {}, {}, {}, {}

    def net(self, obj):
        key = json.dumps(obj, sort_keys=True)
        if key not in self.nets:  # numbers parsed by fractions.Fraction, not by the kernel's parser
            layers = [(L["size"], [(i, j, F(w)) for i, j, w in L["weights"]],
                       None if L["bias"] is None else [F(v) for v in L["bias"]]) for L in obj["layers"]]
            self.nets[key] = Network.from_sparse(obj["input_dim"], layers, obj["form"])
        return key, self.nets[key]

    def pts(self, domain):
        key = json.dumps(domain, sort_keys=True)
        if key not in self.points:
            self.points[key] = points_of(domain)
        return key, self.points[key]

    def layers_at(self, net_key, net, pts_key, pts, k):
        """Return the layer values (hidden layers post-ReLU, then the output) at point k (cached)."""
        cache = self.layers.setdefault((net_key, pts_key), {})
        if k not in cache:
            cache[k] = evaluate_layers_point(net, pts[k])
        return cache[k]

    def expr(self, e, x, layers, t=None):
        """Return an expression (JSON form) at x; `layers[l-1]` are the values of layer l. Rational
        values are Fractions; irrational ones (sqrt, norm, sin, cos, exp, pi) mpmath intervals."""
        if not isinstance(e, list):
            return F(e)
        op, a = e[0], e[1:]
        if op == "x":
            return x[a[0]]
        if op == "t":
            return t
        if op == "v":
            return layers[a[0] - 1][a[1]]
        if op == "network":
            key, net = self.net(a[0])
            if (key, x) not in self.nested:
                self.nested[key, x] = evaluate_layers_point(net, x)[-1]
            return self.nested[key, x][a[1]]
        if op == "if":
            return self.expr(a[1] if self.cond(a[0], x, layers, t) else a[2], x, layers, t)
        if op in ("sum_coords", "prod_coords"):
            vals = [self.expr(a[0], x, layers, xi) for xi in x]
            return sum(vals[1:], vals[0]) if op == "sum_coords" else _product(vals)
        if op in ("norm2sq", "parity", "ip_mod2"):
            s = sum((v * v for v in x), F(0)) if op == "norm2sq" else sum(x, F(0)) if op == "parity" else \
                sum((x[i] * x[i + len(x) // 2] for i in range(len(x) // 2)), F(0))
            return s if op == "norm2sq" else s - 2 * _floor(s / 2)
        vals = [self.expr(v, x, layers, t) for v in (a[:1] if op in ("pow", "clip") else a)]
        if op in REAL or any(isinstance(v, iv.mpf) for v in vals):
            if op == "pow":
                return _iv(vals[0]) ** a[1]
            if op == "clip":
                return _real("max", [F(a[1]), _real("min", [vals[0], F(a[2])], x)], x)
            return _real(op, vals, x)
        if op == "add":
            return sum(vals[1:], vals[0])
        if op == "mul":
            return _product(vals)
        if op in ("min", "max"):
            return (min if op == "min" else max)(vals)
        one = {"sub": lambda: vals[0] - vals[1], "neg": lambda: -vals[0], "div": lambda: vals[0] / vals[1],
               "pow": lambda: vals[0] ** a[1], "abs": lambda: abs(vals[0]), "floor": lambda: _floor(vals[0]),
               "mod": lambda: vals[0] - vals[1] * _floor(vals[0] / vals[1]),
               "clip": lambda: max(F(a[1]), min(vals[0], F(a[2])))}
        return one[op]()

    def cond(self, c, x, layers, t=None) -> bool:
        op, a = c[0], c[1:]
        if op in ("and", "or"):
            vals = [self.cond(v, x, layers, t) for v in a]
            return all(vals) if op == "and" else any(vals)
        if op == "not":
            return not self.cond(a[0], x, layers, t)
        u, v = self.expr(a[0], x, layers, t), self.expr(a[1], x, layers, t)
        return {"lt": u < v, "le": u <= v, "gt": u > v, "ge": u >= v, "eq": u == v, "ne": u != v}[op]

    def __call__(self, c) -> tuple:
        """Return (0, "true") if every claim of the certificate holds, (1, the first false claim) if not,
        (2, why) if it is malformed in a way a mutation can cause; (None, why) if it is out of scope."""
        try:
            return self._decide(c)
        except (ZeroDivisionError, KeyError, IndexError, TypeError, ValueError) as e:
            return None, f"oracle cannot judge: {type(e).__name__}: {e}"

    def _decide(self, c):
        claims = c["claims"]
        if set(claims) - {"depth", "width", "layer_sizes", "max_weight", "max_abs_weight", "max_abs_bias",
                          "sup_error", "steps_cover"}:
            return None, "region or weight-bound claims (out of scope)"
        if c.get("network_sha256") != sha256(c["network"]):
            return 2, "network_sha256"
        steps, hints = c["steps"], c.get("hints", {})
        for s, st in enumerate(steps):
            if st["id"] != s or any(i != "x" and not 0 <= i < s for i in st["inputs"]):
                return 2, f"steps[{s}]: id or inputs"
        if "argmax" in hints and claims["sup_error"] is None:
            return 2, "hints.argmax without sup_error"
        net_key, net = self.net(c["network"])
        pts_key, pts = self.pts(c["domain"])
        layers = net.sparse_layers
        sizes = [L.size for L in layers]
        W = [abs(w) for L in layers for row in L.rows for _, w in row]
        B = [abs(b) for L in layers for b in (L.bias or ())]
        static = [("depth", claims["depth"] == len(layers)), ("width", claims["width"] == max(sizes)),
                  ("layer_sizes", claims["layer_sizes"] == sizes),
                  ("max_weight", max(W + B, default=F(0)) <= F(claims["max_weight"])),
                  ("max_abs_weight", max(W, default=F(0)) <= F(claims["max_abs_weight"])),
                  ("max_abs_bias", max(B, default=F(0)) <= F(claims["max_abs_bias"]))]
        for name, ok in static:
            if not ok:
                return 1, name
        owner = {}
        for st in steps:
            for l, a, b in st["neurons"]:
                for i in range(a, b):
                    owner.setdefault((l, i), []).append(st["id"])
        for st in steps:
            mine = {(l, i) for l, a, b in st["neurons"] for i in range(a, b)}
            allowed = mine | {n for s in st["inputs"] if s != "x" for n in
                              ((l, i) for l, a, b in steps[s]["neurons"] for i in range(a, b))}
            for l, i in sorted(mine):
                for j, w in layers[l - 1].rows[i]:
                    if not (("x" in st["inputs"]) if l == 1 else (l - 1, j) in allowed):
                        return 1, f"steps[{st['id']}].inputs"
                bound = st["claims"]["max_weight"]
                into = [abs(w) for _, w in layers[l - 1].rows[i]] + \
                       ([abs(layers[l - 1].bias[i])] if layers[l - 1].bias else [])
                if bound is not None and max(into, default=F(0)) > F(bound):
                    return 1, f"steps[{st['id']}].claims.max_weight"
        if claims["steps_cover"]:
            every = {(l, i) for l, n in enumerate(sizes, 1) for i in range(n)}
            if set(owner) != every or any(len(v) > 1 for v in owner.values()):
                return 1, "steps_cover"
        at = lambda k: self.layers_at(net_key, net, pts_key, pts, k)
        for st in steps:
            for j, vc in enumerate(st["claims"]["values"]):
                key = ("value", net_key, pts_key, json.dumps(vc, sort_keys=True))
                if key not in self.memo:
                    self.memo[key] = self._value_claim(vc, pts, at)
                if not self.memo[key]:
                    return 1, f"steps[{st['id']}].claims.values[{j}]"
        if "layer_bounds" in hints:
            key = ("bounds", net_key, pts_key, json.dumps(hints["layer_bounds"]))
            if key not in self.memo:
                bounds = [F(b) for b in hints["layer_bounds"]]
                self.memo[key] = next((f"hints.layer_bounds[{l}]" for k in range(len(pts)) for l, (vals, b) in
                                       enumerate(zip(at(k), bounds)) if any(abs(v) > b for v in vals)), None)
            if self.memo[key]:
                return 1, self.memo[key]
        sup = claims["sup_error"]
        if sup is not None:
            key = ("sup", net_key, pts_key, json.dumps(c["target"], sort_keys=True), F(sup["bound"]))
            if key not in self.memo:
                self.memo[key] = self._errors(c["target"], F(sup["bound"]), pts, at)
            errs = self.memo[key]
            if errs is None:
                return 1, "sup_error"
            if None in errs:  # irrational target: the bound is decided; attained and argmax are out of scope
                return (0, "true") if "attained" not in sup and "argmax" not in hints else (None, "irrational")
            worst = max(errs)
            if "attained" in sup and worst != F(sup["attained"]):
                return 1, "sup_error.attained"
            if "argmax" in hints:
                x = tuple(F(v) for v in hints["argmax"])
                if x not in pts or errs[pts.index(x)] != worst:
                    return 1, "hints.argmax"
        return 0, "true"

    def _value_claim(self, vc, pts, at) -> bool:
        for k, x in enumerate(pts):
            layers = at(k)
            got = sum((F(c) * (x[i] if l == 0 else layers[l - 1][i]) for l, i, c in vc["terms"]), F(0))
            if got != self.expr(vc["equals"], x, layers):
                return False
        return True

    def _errors(self, target, bound, pts, at):
        """Return the error max_o |N(x)_o - f_o(x)| at every point, or None as soon as one exceeds bound."""
        errs = []
        for k, x in enumerate(pts):
            layers = at(k)
            e = [abs(n - self.expr(t, x, layers)) if not isinstance(f := self.expr(t, x, layers), iv.mpf) else
                 abs(_iv(n) - f) for n, t in zip(layers[-1], target)]
            if any(isinstance(v, iv.mpf) for v in e):  # an irrational target: decided by intervals, or not at all
                if any(v > _iv(bound) for v in e):
                    return None
                if not all(v <= _iv(bound) for v in e):
                    raise ValueError(f"undecided by intervals at x={x}")
                errs.append(None)
                continue
            if max(e) > bound:
                return None
            errs.append(max(e))
        return errs


oracle = Oracle()

# ---------------------------------------------------------------- single mutations (well-formed)


def sgn(d) -> str:
    return f"+{d}" if d > 0 else str(d)


def q(v) -> int | str:
    v = F(v)
    return v.numerator if v.denominator == 1 else f"{v.numerator}/{v.denominator}"


def rehash(c):
    c["network_sha256"] = sha256(c["network"])
    return c


def _renumber(steps, order):
    """Return the steps in the new order (a list of old ids), ids and inputs renumbered; inputs that
    named a dropped step are dropped."""
    new = {old: k for k, old in enumerate(order)}
    out = []
    for k, old in enumerate(order):
        st = copy.deepcopy(steps[old])
        st["id"] = k
        st["inputs"] = [i if i == "x" else new[i] for i in st["inputs"] if i == "x" or i in new]
        out.append(st)
    return out


def mutants(c):
    """Yield (name, make) for the single mutations of a certificate: make() returns the mutant, which is
    well-formed JSON of the format except where a mutation necessarily breaks it (a swap that makes a
    step read a later one). Mutants are built only when asked for (a proof may have 10^5 of them)."""
    def m(edit):
        def make():
            d = copy.deepcopy(c)
            edit(d)
            return rehash(d)
        return make

    layers = c["network"]["layers"]
    for l, L in enumerate(layers):
        for t, (i, j, w) in enumerate(L["weights"]):
            for delta in (EPS, -EPS):
                if F(w) + delta != 0:
                    yield f"weight {l}.{t} {'+' if delta > 0 else '-'}eps", m(
                        lambda d, t=t, l=l, w=w, delta=delta: d["network"]["layers"][l]["weights"][t].__setitem__(2, q(F(w) + delta)))
            yield f"weight {l}.{t} dropped", m(lambda d, t=t, l=l: d["network"]["layers"][l]["weights"].pop(t))
        for k, b in enumerate(L["bias"] or []):
            for delta in (EPS, -EPS):
                yield f"bias {l}.{k} {'+' if delta > 0 else '-'}eps", m(
                    lambda d, k=k, l=l, b=b, delta=delta: d["network"]["layers"][l]["bias"].__setitem__(k, q(F(b) + delta)))
    cl = c["claims"]
    for key, deltas in (("depth", (1, -1)), ("width", (1, -1)), ("max_weight", (EPS, -EPS)),
                        ("max_abs_weight", (EPS, -EPS)), ("max_abs_bias", (EPS, -EPS))):
        for delta in deltas:
            yield f"claims.{key} {sgn(delta)}", m(lambda d, key=key, delta=delta: d["claims"].__setitem__(
                key, q(F(cl[key]) + delta)))
    for k in range(len(cl["layer_sizes"])):
        yield f"claims.layer_sizes[{k}] +1", m(lambda d, k=k: d["claims"]["layer_sizes"].__setitem__(k, cl["layer_sizes"][k] + 1))
    yield "claims.steps_cover flipped", m(lambda d: d["claims"].__setitem__("steps_cover", not cl["steps_cover"]))
    sup = cl["sup_error"]
    if sup is not None:
        for delta in (EPS, -EPS):
            yield f"sup_error.bound {sgn(delta)}", m(lambda d, delta=delta: d["claims"]["sup_error"].__setitem__(
                "bound", q(F(sup["bound"]) + delta)))
            if "attained" in sup:
                yield f"sup_error.attained {sgn(delta)}", m(lambda d, delta=delta: d["claims"]["sup_error"].__setitem__(
                    "attained", q(F(sup["attained"]) + delta)))
        if "attained" in sup:
            yield "sup_error.attained omitted", m(lambda d: d["claims"]["sup_error"].pop("attained"))
        for o in range(len(c["target"])):
            for delta in (EPS, -EPS):
                yield f"target[{o}] {sgn(delta)}", m(lambda d, o=o, delta=delta: d["target"].__setitem__(
                    o, ["add", c["target"][o], q(delta)]))
    for s, st in enumerate(c["steps"]):
        bound = st["claims"]["max_weight"]
        if bound is not None:
            for delta in (EPS, -EPS):
                yield f"steps[{s}].max_weight {sgn(delta)}", m(lambda d, s=s, bound=bound, delta=delta: d["steps"][s]["claims"].__setitem__(
                    "max_weight", q(F(bound) + delta)))
            yield f"steps[{s}].max_weight null", m(lambda d, s=s: d["steps"][s]["claims"].__setitem__("max_weight", None))
        for k in range(len(st["inputs"])):
            yield f"steps[{s}].inputs[{k}] dropped", m(lambda d, s=s, k=k: d["steps"][s]["inputs"].pop(k))
        if "x" not in st["inputs"]:
            yield f"steps[{s}].inputs +x", m(lambda d, s=s: d["steps"][s]["inputs"].append("x"))
        for j, vc in enumerate(st["claims"]["values"]):
            w = lambda d, s=s, j=j: d["steps"][s]["claims"]["values"][j]
            for delta in (EPS, -EPS):
                yield f"steps[{s}].values[{j}].equals {sgn(delta)}", m(lambda d, w=w, vc=vc, delta=delta: w(d).__setitem__(
                    "equals", ["add", vc["equals"], q(delta)]))
            if vc["terms"]:
                l0, i0, c0 = vc["terms"][0]
                yield f"steps[{s}].values[{j}].terms[0] coefficient +eps", m(
                    lambda d, w=w, c0=c0: w(d)["terms"][0].__setitem__(2, q(F(c0) + EPS) if F(c0) + EPS else 1))
                size = c["network"]["input_dim"] if l0 == 0 else layers[l0 - 1]["size"]
                if size > 1:
                    other = (i0 + 1) % size
                    names = {(t[0], t[1]) for t in vc["terms"]}
                    if (l0, other) not in names:
                        yield f"steps[{s}].values[{j}].terms[0] neuron moved", m(
                            lambda d, w=w, other=other: w(d)["terms"][0].__setitem__(1, other))
            yield f"steps[{s}].values[{j}] dropped", m(lambda d, s=s, j=j: d["steps"][s]["claims"]["values"].pop(j))
    n = len(c["steps"])
    for s in range(n - 1):
        order = list(range(n))
        order[s], order[s + 1] = order[s + 1], order[s]
        yield f"steps {s} and {s + 1} swapped", m(lambda d, order=order: d.__setitem__("steps", _renumber(c["steps"], order)))
    for s in range(n):
        yield f"steps[{s}] dropped", m(lambda d, s=s: d.__setitem__("steps", _renumber(c["steps"], [k for k in range(n) if k != s])))
    hints = c.get("hints", {})
    if "argmax" in hints:
        pts = points_of(c["domain"])
        x = tuple(F(v) for v in hints["argmax"])
        if x in pts and len(pts) > 1:
            other = pts[(pts.index(x) + 1) % len(pts)]
            yield "hints.argmax moved to the next point", m(lambda d: d["hints"].__setitem__("argmax", [q(v) for v in other]))
        yield "hints.argmax moved off the domain", m(lambda d: d["hints"].__setitem__(
            "argmax", [q(F(v) + F(1, 10**6)) for v in hints["argmax"]]))
        yield "hints.argmax removed", m(lambda d: d["hints"].pop("argmax"))
    for l, b in enumerate(hints.get("layer_bounds", [])):
        for delta in (EPS, -EPS):
            yield f"hints.layer_bounds[{l}] {sgn(delta)}", m(lambda d, l=l, b=b, delta=delta: d["hints"]["layer_bounds"].__setitem__(
                l, q(F(b) + delta)))
    dom = c["domain"]
    if dom["kind"] == "points" and len(dom["points"]) > 1:
        yield "domain: last point removed", m(lambda d: d["domain"]["points"].pop())
        yield "domain: a point added", m(lambda d: d["domain"]["points"].append(
            [q(F(v) + F(1, 3)) for v in max(dom["points"], key=lambda p: [F(v) for v in p])]))
    if dom["kind"] == "grid":
        yield "domain: grid p doubled", m(lambda d: d["domain"].__setitem__("p", 2 * dom["p"]))


# ---------------------------------------------------------------- the run


def category(what) -> str:
    """Return the kind of a mutation: its name without indices and numbers."""
    return re.sub(r"[\d]+(/\d+)?", "#", what)


def sample(items, cap, seed):
    """Return at most cap of the (what, make) items, drawn round-robin over their categories (so that
    every kind of mutation is represented), deterministically; all of them if cap is None."""
    if cap is None or len(items) <= cap:
        return items
    rng, groups = random.Random(seed), {}
    for item in items:
        groups.setdefault(category(item[0]), []).append(item)
    for g in groups.values():
        rng.shuffle(g)
    out, queues = [], sorted(groups.values(), key=lambda g: category(g[0][0]))
    while len(out) < cap:
        for g in queues:
            if g and len(out) < cap:
                out.append(g.pop())
    return out


def run_certificate(args):
    """Return (name, counts, disagreements, elapsed, mutants in all) for the single mutants of one
    certificate (a stratified sample when there are too many for the time budget)."""
    name, c, limits, cap = args
    from certify.kernel import check
    t0 = time.perf_counter()
    counts, bad = Counter(), []
    expected_base = oracle(c)[0]
    if expected_base is None:
        return name, Counter({"out of scope": 1}), [], time.perf_counter() - t0, 0
    base = check(c, limits=limits).exit_code
    t0 = time.perf_counter()  # the second check, without first-time costs, sets the sample size
    check(c, limits=limits)
    if base != 0 or expected_base != 0:
        bad.append((name, "the certificate itself", expected_base, base, ""))
    if isinstance(cap, float):  # a time budget: about `cap` seconds of checking, at least 12 mutants
        cap = max(12, int(cap / max(time.perf_counter() - t0, 1e-3)))
    everything = list(mutants(c))
    for what, make in sample(everything, cap, name):
        mutant = make()
        expected, why = oracle(mutant)
        report = check(mutant, limits=limits)
        got = report.exit_code
        if expected is None:
            counts["out of scope"] += 1
            continue
        counts["mutants"] += 1
        counts[{(1, 1): "false, rejected (exit 1)", (0, 0): "true, accepted (exit 0)",
                (2, 2): "malformed, rejected (exit 2)"}.get((expected, got), "DISAGREEMENT")] += 1
        if expected != got:
            bad.append((name, what, f"{expected} ({why})", got, report.first_failure))
    return name, counts, bad, time.perf_counter() - t0, len(everything)


def generated_certificates(n, seed_value):
    """Return n valid certificates from the fuzzer's hypothesis strategy (deterministic for a seed)."""
    from hypothesis import HealthCheck, given, seed, settings
    from fuzz_kernel import certificates
    out = []

    @seed(seed_value)
    @settings(max_examples=n, deadline=None, database=None, suppress_health_check=list(HealthCheck),
              phases=["generate"])
    @given(certificates())
    def collect(data):
        out.append(data)

    collect()
    return out[:n]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--generated", type=int, default=100, help="generated certificates (default 100), all their mutants")
    ap.add_argument("--full", action="store_true", help="every mutant of every proof (hours for the largest)")
    ap.add_argument("--budget", type=float, default=15.0, help="seconds of checking per proof (default 15): "
                    "a stratified sample of its mutants, every kind represented")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--no-proofs", action="store_true")
    args = ap.parse_args(argv)
    from certify.kernel import Limits
    limits = Limits()
    t0 = time.perf_counter()
    work = [] if args.no_proofs else [(str(p.relative_to(ROOT)), json.loads(p.read_text()), limits,
                                       None if args.full else args.budget)
                                      for p in sorted((ROOT / "proofs").rglob("*.json"))]
    work.sort(key=lambda w: -len(json.dumps(w[1])))  # the largest first, for the process pool
    work += [(f"generated #{k}", c, limits, None) for k, c in enumerate(generated_certificates(args.generated, args.seed))]
    if args.jobs > 1:
        import multiprocessing
        with multiprocessing.get_context("fork").Pool(args.jobs) as pool:
            results = pool.map(run_certificate, work, chunksize=1)
    else:
        results = [run_certificate(w) for w in work]
    total, proofs, problems, possible, skipped = Counter(), Counter(), [], 0, []
    for name, counts, bad, elapsed, everything in results:
        possible += everything
        if counts["out of scope"] and not counts["mutants"]:
            skipped.append(name)
            continue
        total += counts
        if name.startswith("proofs/"):
            proofs += counts
            print(f"  {name}: {counts['mutants']} of {everything} mutants, {counts['false, rejected (exit 1)']} false and "
                  f"rejected, {counts['true, accepted (exit 0)']} true and accepted, "
                  f"{counts['malformed, rejected (exit 2)']} malformed, {counts['DISAGREEMENT']} disagreements ({elapsed:.1f} s)")
        problems += bad
    elapsed = time.perf_counter() - t0
    keys = ("mutants", "false, rejected (exit 1)", "true, accepted (exit 0)", "malformed, rejected (exit 2)",
            "DISAGREEMENT", "out of scope")
    for title, counts in (("proofs/", proofs), ("generated", total - proofs), ("all", total)):
        print(f"{title}: " + ", ".join(f"{k}: {counts[k]}" for k in keys))
    print(f"not judged (region or weight-bound claims, outside the oracle): {', '.join(sorted(skipped)) or 'none'}")
    print(f"{len(work) - len(skipped)} certificates, {total['mutants']} mutants checked (of {possible} single "
          f"mutations) in {elapsed:.0f} s: {total['mutants'] / elapsed:.1f} mutants/s with {args.jobs} processes")
    for p in problems[:30]:
        print("DISAGREEMENT:", p[0], "|", p[1], "| expected", p[2], "| kernel exit", p[3], "|", str(p[4])[:300])
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
