"""Fuzz the kernel with valid certificates and their structural and byte-wise mutations (issue #11).

Valid certificates come from the public builder API (`Network.from_layers`, `certify.build`,
`certify.certificate`, the domains `Grid/BooleanCube/Product/Points`, target expressions), so their
claims are true by construction. Each one is then mutated many times: nodes of the JSON tree replaced,
deleted, duplicated or retyped, numbers nudged (with and without re-hashing the network), and the
canonical bytes flipped, inserted, deleted, truncated or wrapped. Every case is checked by the kernel.

The property: the kernel never raises (an exception is exit 3, an internal error) and every
rejection is exit 1 or 2 with a message that names the field, the step or the point. An accepted
mutant must be true: the independent oracle of benchmarks/mutation_kernel.py re-decides it.

Run: python benchmarks/fuzz_kernel.py [--cases 100000] [--jobs 2] [--seed 0]
It prints the counts per exit code, per kind of mutation, and the rate (cases per second).
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import random
import re
import sys
import tempfile
import time
import traceback
from collections import Counter
from fractions import Fraction as F
from pathlib import Path

from hypothesis import HealthCheck, given, reject, seed, settings, strategies as st
from hypothesis.errors import HypothesisException

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from certify import BooleanCube, ClaimError, Grid, MalformedError, Network, Points, Product, certificate  # noqa: E402
from certify.build import Block, compose, linear, parallel  # noqa: E402
from certify.kernel import Limits, check  # noqa: E402
from certify.kernel.canonical import canonical_json, network_sha256  # noqa: E402

# Limits for fuzzing: small enough that no mutant can make one case slow (a mutated grid of
# 10^7 points is refused, not checked), large enough for every generated certificate.
FUZZ_LIMITS = Limits(max_points=20_000, max_seconds=20)

# ---------------------------------------------------------------- valid certificates

SMALL = [F(0), F(0), F(0), F(1), F(-1), F(2), F(-2), F(1, 2), F(-1, 2), F(3, 4), F(-5, 3), F(3), F(1, 7)]
BIG = [F(2**60 + 1), F(-(2**70)), F(1, 2**61), F(10**25, 7), F(-(3**40), 2**60)]
weights = st.one_of(st.sampled_from(SMALL), st.fractions(min_value=-4, max_value=4, max_denominator=8),
                    st.sampled_from(BIG)).filter(lambda q: True)
coords_values = st.one_of(st.sampled_from([F(0), F(1), F(-1), F(1, 2), F(-3, 4), F(2), F(1, 3)]),
                          st.fractions(min_value=-3, max_value=3, max_denominator=6))


def _small_weights(draw, big_ok):
    return draw(weights if big_ok else st.one_of(st.sampled_from(SMALL),
                                                 st.fractions(min_value=-4, max_value=4, max_denominator=8)))


@st.composite
def domains(draw, d=None):
    """A small finite domain (at most a few hundred points) of dimension d (drawn if None)."""
    d = d or draw(st.integers(1, 3))
    kind = draw(st.sampled_from(["grid", "grid", "cube", "product", "points"]))
    if kind == "grid":
        p = draw(st.integers(1, 4))
        Rp = draw(st.integers(1, {1: 8, 2: 3, 3: 2}[d]))
        return Grid(d, F(Rp, p), p)
    if kind == "cube":
        return BooleanCube(d)
    if kind == "product":
        return Product([draw(st.lists(coords_values, min_size=1, max_size={1: 9, 2: 5, 3: 3}[d], unique=True))
                        for _ in range(d)])
    pts = draw(st.lists(st.tuples(*[coords_values] * d), min_size=1, max_size=12, unique=True))
    return Points(pts)


@st.composite
def networks(draw, d, outputs=None, big_ok=True):
    """A random dense network (depth 1..4, widths 1..4) read by the builder."""
    depth = draw(st.integers(1, 4))
    widths = [d] + [draw(st.integers(1, 4)) for _ in range(depth - 1)] + [outputs or draw(st.integers(1, 2))]
    form = draw(st.sampled_from(["paper", "paper", "output_bias"]))
    layers = []
    for l in range(1, len(widths)):
        W = [[_small_weights(draw, big_ok) for _ in range(widths[l - 1])] for _ in range(widths[l])]
        last = l == len(widths) - 1
        b = None if last and form == "paper" else [_small_weights(draw, big_ok) for _ in range(widths[l])]
        layers.append((W, b))
    return Network.from_layers(layers, input_dim=d, form=form)


def _const(draw):
    return _json_q(draw(st.one_of(st.sampled_from(SMALL), st.fractions(min_value=-5, max_value=5, max_denominator=9))))


def _json_q(q):
    q = F(q)
    return q.numerator if q.denominator == 1 else f"{q.numerator}/{q.denominator}"


@st.composite
def expressions(draw, d, depth=3, bound=False):
    """A random expression (JSON form) of x in R^d that is defined at every rational point:
    divisors and moduli are non-zero constants or 1 + |e|, negative powers are of 1 + |e|."""
    leaves = [lambda: ["x", draw(st.integers(0, d - 1))], lambda: _const(draw), lambda: ["norm2sq"],
              lambda: ["parity"]]
    if bound:
        leaves += [lambda: ["t"]] * 2
    if d % 2 == 0:
        leaves.append(lambda: ["ip_mod2"])
    if depth <= 0 or draw(st.integers(0, 3)) == 0:
        return draw(st.sampled_from(leaves))()
    sub = lambda b=bound: draw(expressions(d, depth - 1, b))
    pos = lambda: ["add", ["abs", sub()], 1]
    nonzero = lambda: _json_q(draw(st.sampled_from([F(1), F(-2), F(1, 3), F(5, 2), F(-7)])))
    ops = [lambda: ["add", sub(), sub()], lambda: ["add", sub(), sub(), sub()], lambda: ["mul", sub(), sub()],
           lambda: ["sub", sub(), sub()], lambda: ["neg", sub()], lambda: ["abs", sub()], lambda: ["floor", sub()],
           lambda: ["min", sub()], lambda: ["max", sub(), sub(), sub()], lambda: ["min", sub(), sub()],
           lambda: ["div", sub(), nonzero()], lambda: ["div", sub(), pos()], lambda: ["mod", sub(), nonzero()],
           lambda: ["mod", sub(), pos()], lambda: ["pow", sub(), draw(st.integers(0, 3))],
           lambda: ["pow", pos(), draw(st.integers(-2, -1))], lambda: ["clip", sub(), _const(draw), _const(draw)],
           lambda: ["if", draw(conditions(d, depth - 1, bound)), sub(), sub()],
           lambda: ["sum_coords", sub(True)], lambda: ["prod_coords", sub(True)]]
    return draw(st.sampled_from(ops))()


@st.composite
def conditions(draw, d, depth, bound):
    e = lambda: draw(expressions(d, max(depth - 1, 0), bound))
    kind = draw(st.sampled_from(["lt", "le", "gt", "ge", "eq", "ne", "and", "or", "not"]))
    if kind in ("and", "or"):
        return [kind, draw(conditions(d, depth - 1, bound)), draw(conditions(d, depth - 1, bound))]
    if kind == "not":
        return ["not", draw(conditions(d, depth - 1, bound))]
    return [kind, e(), e()]


def _ref(l, j):
    return ["x", j] if l == 0 else ["v", l, j]


def neuron_claims(net, draw):
    """True value claims about a network's neurons: a neuron equals its definition in terms of the
    layer before; a combination of neurons equals the same combination of their definitions."""
    out, sizes = [], [net.input_dim] + net.layer_sizes
    for _ in range(draw(st.integers(0, 4))):
        l = draw(st.integers(1, net.depth))  # the builder names neurons of layers >= 1 only
        i = draw(st.integers(0, sizes[l] - 1))
        layer = net.sparse_layers[l - 1]
        affine = ["add", _json_q(layer.bias[i] if layer.bias else 0),
                  *[["mul", _json_q(w), _ref(l - 1, j)] for j, w in layer.rows[i]]]
        if len(affine) == 2:
            affine.append(0)
        out.append((((l, i, F(1)),), affine if l == net.depth else ["max", affine, 0]))
        if draw(st.booleans()):
            k = draw(st.integers(0, sizes[l] - 1))
            c1, c2 = draw(st.sampled_from([F(1), F(-1), F(2), F(1, 3)])), draw(st.sampled_from([F(1), F(-2)]))
            out.append((((l, i, c1), (l, k, c2)) if k != i else ((l, i, c1 + c2),),
                        ["add", ["mul", _json_q(c1), _ref(l, i)], ["mul", _json_q(c2), _ref(l, k)]]))
    return out


@st.composite
def blocks(draw, d):
    """A block of input dimension d: one network with neuron claims, a composition or a parallel pair."""
    shape = draw(st.sampled_from(["single", "single", "compose", "parallel"]))
    if shape == "single":
        net = draw(networks(d))
        return Block.single(net, op="net", label="random network", params={"depth": net.depth},
                            values=neuron_claims(net, draw))
    if shape == "compose":
        inner = draw(networks(d, big_ok=False))
        outer = draw(networks(inner.output_dim, big_ok=False))
        try:
            return compose(Block.single(outer, op="outer", label="outer", values=neuron_claims(outer, draw)),
                           Block.single(inner, op="inner", label="inner", values=neuron_claims(inner, draw)))
        except MalformedError:  # Network.compose: a depth-1 "output_bias" outer whose fused bias is 0
            return Block.single(inner, op="inner", label="inner", values=neuron_claims(inner, draw))
    a, b = draw(networks(d, big_ok=False)), draw(networks(d, big_ok=False))
    return parallel(Block.single(a, op="a", label="left", values=neuron_claims(a, draw)),
                    Block.single(b, op="b", label="right", values=neuron_claims(b, draw)),
                    linear([[1] * d], op="sum", label="sum of x"))


@st.composite
def certificates(draw):
    """A valid certificate (JSON dict) whose claims hold by construction."""
    dom = draw(domains())
    d = dom.d
    blk = draw(blocks(d))
    outputs = blk.network.output_dim
    kind = draw(st.sampled_from(["expr", "expr", "network", "none", "exact"]))
    if kind == "none":
        target = None
    elif kind == "exact":
        target = [["network", blk.network.to_json(), o] for o in range(outputs)]
    elif kind == "network":
        other = draw(networks(d, outputs, big_ok=False))
        target = [["network", other.to_json(), o] for o in range(outputs)]
    else:
        target = [draw(expressions(d)) for _ in range(outputs)]
    eps = draw(st.sampled_from([None, None, F(1, 3), F(10**6)]))
    try:
        try:
            cert = certificate(blk, dom, target, construction="fuzz", parameters={"d": d}, eps=eps,
                               attained=draw(st.booleans()), hints=draw(st.booleans()))
        except ClaimError:  # a loose eps that is too small for this target: not a valid certificate
            cert = certificate(blk, dom, target, construction="fuzz", parameters={"d": d})
    except Exception as e:  # noqa: BLE001  a bug of the builder (not of the kernel): recorded, skipped
        BUILDER_ERRORS.append(f"{type(e).__name__}: {e} | network {json.dumps(blk.network.to_json())[:3000]} "
                              f"| domain {json.dumps(dom.to_json())[:300]} | target {json.dumps(target)[:1000]}")
        reject()
    return cert.data


BUILDER_ERRORS = []


# ---------------------------------------------------------------- mutations

JUNK = [0, 1, -1, 2, 7, 2**64, -(10**30), "1/2", "-3/7", "2/4", "3/1", "1/0", "0.5", "-0", "", "x", "NaN",
        None, True, False, [], {}, [0], [0, 0, 1], [[0, 0, 1]], ["x", 0], ["x", 99], ["v", 1, 0], ["v", 9, 9], ["t"],
        ["network", {}, 0], ["pow", ["pow", ["pow", 10, 64], 64], 64], ["div", 1, 0], ["mod", 1, 0],
        {"kind": "grid", "d": 40, "R": 10, "p": 10}, {"kind": "points", "points": []}, {"a": 1},
        "1" * 30001, f"1/{'7' * 25000}", [[[[[[[[]]]]]]]], ["add"], ["if", ["lt", 0, 1], 1], "certify/v2"]


def _paths(o, p=()):
    """Yield (path, value) of every node of a JSON value."""
    yield p, o
    if isinstance(o, dict):
        for k, v in o.items():
            yield from _paths(v, p + (k,))
    elif isinstance(o, list):
        for k, v in enumerate(o):
            yield from _paths(v, p + (k,))


def _get(o, path):
    for k in path:
        o = o[k]
    return o


_NUMBER = re.compile(r"-?\d+(/\d+)?")


def _nudge_number(v, rng):
    q = F(v) if isinstance(v, (int, str)) and not isinstance(v, bool) else None
    if q is None:
        return rng.choice(JUNK)
    delta = rng.choice([F(1), F(-1), F(1, 10**9), F(-1, 10**9), F(1, 2), -2 * q, q * 2**64, F(10**40)])
    return _json_q(q + delta)


def structural(c, rng) -> tuple[dict, str]:
    """Return a structurally mutated deep copy of a certificate and the name of the mutation."""
    c = copy.deepcopy(c)
    nodes = list(_paths(c))[1:]
    path = rng.choice(nodes)[0]
    parent, key = _get(c, path[:-1]), path[-1]
    kind = rng.choice(["junk", "junk", "number", "number", "number", "delete", "extra_key", "duplicate",
                       "swap", "retype", "wrap"])
    numeric = [p for p, v in nodes if isinstance(v, (int, str)) and not isinstance(v, bool)
               and _NUMBER.fullmatch(str(v))] if kind == "number" else []
    if numeric:
        path = rng.choice(numeric)
        parent, key = _get(c, path[:-1]), path[-1]
        parent[key] = _nudge_number(parent[key], rng)
    elif kind == "delete":
        del parent[key]
    elif kind == "extra_key":
        target = rng.choice([p for p, v in nodes if isinstance(v, dict)] + [()])
        _get(c, target)["unexpected_" + rng.choice(["key", "x", "hints"])] = rng.choice(JUNK)
    elif kind == "duplicate" and isinstance(parent, list):
        parent.insert(key, copy.deepcopy(parent[key]))
    elif kind == "swap" and isinstance(parent, list) and len(parent) > 1:
        k2 = rng.randrange(len(parent))
        parent[key], parent[k2] = parent[k2], parent[key]
    elif kind == "retype":
        v = parent[key]
        parent[key] = ({str(k): x for k, x in enumerate(v)} if isinstance(v, list) else
                       list(v.values()) if isinstance(v, dict) else [v] if rng.random() < 0.5 else str(v))
    elif kind == "wrap":
        parent[key] = [parent[key]]
    else:
        kind = "junk"
        parent[key] = copy.deepcopy(rng.choice(JUNK))
    if rng.random() < 0.7 and isinstance(c.get("network"), dict):  # as a forger would
        try:
            c["network_sha256"] = network_sha256(c["network"])
        except (TypeError, ValueError):
            pass
    return c, f"struct:{kind}"


def bytewise(text: bytes, rng) -> tuple[bytes, str]:
    """Return a byte-wise mutation of a serialised certificate and the name of the mutation."""
    b = bytearray(text)
    n = len(b)
    pos = rng.randrange(n)
    kind = rng.choice(["flip", "set", "insert", "delete", "dup", "digit", "digit", "float", "truncate",
                       "dup_key", "deep", "utf8", "nan", "bigint"])
    if kind == "flip":
        b[pos] ^= 1 << rng.randrange(8)
    elif kind == "set":
        b[pos] = rng.randrange(256)
    elif kind == "insert":
        b[pos:pos] = bytes(rng.choice(b'{}[],:"-/0123456789 \\ntrue') for _ in range(rng.randint(1, 4)))
    elif kind == "delete":
        del b[pos:pos + rng.randint(1, 8)]
    elif kind == "dup":
        end = min(n, pos + rng.randint(1, 40))
        b[pos:pos] = b[pos:end]
    elif kind == "digit":
        digits = [i for i, ch in enumerate(b) if 48 <= ch <= 57]
        if digits:
            i = rng.choice(digits)
            b[i] = rng.choice(b"0123456789")
    elif kind == "float":
        digits = [i for i, ch in enumerate(b) if 48 <= ch <= 57]
        if digits:
            i = rng.choice(digits)
            b[i + 1:i + 1] = rng.choice([b".5", b"e3", b"E-2", b".0"])
    elif kind == "truncate":
        del b[pos:]
    elif kind == "dup_key":
        b[1:1] = b'"format":"certify/v1",' if rng.random() < 0.5 else b'"steps":[],'
    elif kind == "deep":
        depth = rng.choice([150, 199, 201, 5000])
        b = bytearray(b'{"format":"certify/v1","x":' + b"[" * depth + b"]" * depth + b"}") \
            if rng.random() < 0.3 else b[:pos] + b"[" * depth + b"]" * depth + b[pos:]
    elif kind == "utf8":
        b[pos:pos] = rng.choice([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xef\xbb\xbf"])
    elif kind == "nan":
        b[pos:pos] = rng.choice([b"NaN", b"Infinity", b"-Infinity", b"1e400"])
    else:
        digits = [i for i, ch in enumerate(b) if 48 <= ch <= 57]
        if digits:
            i = rng.choice(digits)
            b[i:i] = b"9" * rng.choice([300, 4300, 19990, 20001, 40000])
    return bytes(b), f"bytes:{kind}"


# ---------------------------------------------------------------- one case

# A rejection message names the field (its JSON path), the step or the point, or says what is
# wrong with the file as a whole (not JSON, not UTF-8, a duplicate key, a float, a limit).
NAMED = re.compile(r"^(format|certificate|provenance|domain|network|network_sha256|target|claims|steps|hints|"
                   r"sup_error|depth|width|layer_sizes|max_weight|max_abs_weight|max_abs_bias|steps_cover|"
                   r"weight_bounds|step \d+ \(|invalid JSON: .*(line \d+ column \d+)|file is not UTF-8|"
                   r"duplicate key|JSON number|JSON integer|JSON nesting depth|input is over|file is \d+ bytes|"
                   r"input nested too deeply|certificate is not JSON|cannot read)")


def run_case(blob: bytes, path: str, limits=FUZZ_LIMITS) -> tuple[int, str]:
    """Return (exit code, message) of checking these bytes; exit 3 carries the traceback."""
    with open(path, "wb") as fh:
        fh.write(blob)
    try:
        report = check(path, limits=limits)
    except BaseException as e:  # noqa: BLE001  (an internal error: the CLI would exit 3)
        if isinstance(e, KeyboardInterrupt):
            raise
        return 3, "".join(traceback.format_exception(e))
    return report.exit_code, report.first_failure or ""


class Tally:
    """Counts of one fuzzing run."""

    def __init__(self):
        self.codes, self.kinds, self.prefixes, self.problems = Counter(), Counter(), Counter(), []
        self.accepted_mutants, self.certificates, self.builder_errors = 0, 0, []

    def add(self, kind, code, message, mutant, oracle=None):
        self.codes[code] += 1
        self.kinds[(kind, code)] += 1
        if code in (1, 2):
            self.prefixes[re.split(r"[:\[. ]", message, 1)[0]] += 1
        problem = None
        if code == 3:
            problem = "internal error (exit 3)"
        elif code in (1, 2) and not NAMED.match(message):
            problem = "rejection message names no field or point"
        elif code == 0 and mutant is not None and oracle is not None:
            self.accepted_mutants += 1
            verdict, why = oracle(mutant)
            if verdict != 0:
                problem = f"accepted, but the oracle says {why}"
        if problem and len(self.problems) < 50:
            self.problems.append({"problem": problem, "kind": kind, "code": code, "message": message[:2000],
                                  "mutant": mutant if isinstance(mutant, bytes) and len(mutant) < 20000 else None})
        return problem

    def merge(self, other):
        self.codes += other.codes
        self.kinds += other.kinds
        self.prefixes += other.prefixes
        self.problems += other.problems
        self.accepted_mutants += other.accepted_mutants
        self.certificates += other.certificates
        self.builder_errors += other.builder_errors


def parse_mutant(blob):
    """Return the JSON object of mutated bytes, or None (the oracle only judges parsable mutants)."""
    try:
        obj = json.loads(blob)
        return obj if isinstance(obj, dict) else None
    except (ValueError, RecursionError):
        return None


def fuzz_one(data, rng, mutants, tally, path, oracle=None):
    """Check a valid certificate (it must verify) and `mutants` mutations of it; record them in tally."""
    text = (canonical_json(data) + "\n").encode("ascii")
    tally.certificates += 1
    code, message = run_case(text, path)
    if code != 0:
        tally.problems.append({"problem": "a valid certificate is rejected", "kind": "valid", "code": code,
                               "message": message[:2000], "mutant": text})
    tally.add("valid", code, message, None)
    for _ in range(mutants):
        if rng.random() < 0.5:
            mutant, kind = structural(data, rng)
            try:
                blob = (canonical_json(mutant) + "\n").encode("ascii")
            except (TypeError, ValueError, RecursionError):
                continue
        else:
            blob, kind = bytewise(text, rng)
        code, message = run_case(blob, path)
        judge = None if oracle is None else (lambda b: oracle(parse_mutant(b)) if parse_mutant(b) is not None
                                             else (1, "not JSON"))
        if blob == text:
            judge = None
        tally.add(kind, code, message, blob, judge)


def worker(args) -> Tally:
    """Fuzz `cases` cases (certificates x mutants) with hypothesis seeded by `worker_seed`."""
    worker_seed, cases, mutants = args
    from mutation_kernel import oracle  # the independent truth oracle
    tally, rng = Tally(), random.Random(worker_seed)
    fd, path = tempfile.mkstemp(prefix="certify-fuzz-", suffix=".json", dir="/dev/shm" if os.path.isdir("/dev/shm") else None)
    os.close(fd)

    @seed(worker_seed)
    @settings(max_examples=max(1, cases // (mutants + 1)), deadline=None, database=None, derandomize=False,
              suppress_health_check=list(HealthCheck), phases=["generate"])
    @given(certificates())
    def run(data):
        fuzz_one(data, rng, mutants, tally, path, oracle)

    try:
        run()
        tally.builder_errors = list(BUILDER_ERRORS)
    except HypothesisException as e:
        tally.problems.append({"problem": f"hypothesis: {e}", "kind": "-", "code": None, "message": "", "mutant": None})
    finally:
        os.unlink(path)
    return tally


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", type=int, default=100_000, help="kernel checks in total (default 100000)")
    ap.add_argument("--mutants", type=int, default=49, help="mutants per valid certificate (default 49)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--report", type=Path, help="write the problems found (JSON) to this file")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    per = [(args.seed * 1000 + k, args.cases // args.jobs, args.mutants) for k in range(args.jobs)]
    if args.jobs > 1:
        import multiprocessing
        with multiprocessing.get_context("fork").Pool(args.jobs) as pool:
            tallies = pool.map(worker, per)
    else:
        tallies = [worker(per[0])]
    total = Tally()
    for t in tallies:
        total.merge(t)
    elapsed = time.perf_counter() - t0
    n = sum(total.codes.values())
    print(f"fuzz_kernel: {n} cases ({total.certificates} valid certificates, {n - total.certificates} mutants) "
          f"in {elapsed:.0f} s with {args.jobs} processes: {n / elapsed:.0f} cases/s")
    print("exit codes:", {k: total.codes[k] for k in sorted(total.codes)})
    print(f"internal errors (exit 3): {total.codes[3]}; accepted mutants re-decided by the oracle: "
          f"{total.accepted_mutants}; problems: {len(total.problems)}")
    kinds = sorted({k for k, _ in total.kinds})
    print("per mutation (exit 0 / 1 / 2 / 3):")
    for k in kinds:
        print(f"  {k:22s} " + " / ".join(str(total.kinds[(k, c)]) for c in range(4)))
    print("rejections by the first word of the message:",
          ", ".join(f"{p} {c}" for p, c in total.prefixes.most_common()))
    for p in total.problems[:10]:
        print("PROBLEM:", p["problem"], p["kind"], p["code"], p["message"][:600])
    print(f"builder errors while generating (bugs outside the kernel, those certificates skipped): "
          f"{len(total.builder_errors)}")
    for e in total.builder_errors[:3]:
        print("BUILDER:", e[:800])
    if args.report:
        args.report.write_text(json.dumps([{k: (v.decode("latin-1") if isinstance(v, bytes) else v)
                                            for k, v in p.items()} for p in total.problems], indent=1))
    return 1 if total.problems else 0


if __name__ == "__main__":
    sys.exit(main())
