"""The claims checked at every domain point, in one pass over the domain in chunks."""

import json
import time
from dataclasses import replace
from functools import lru_cache
from fractions import Fraction

import numpy as np

from . import rat
from .errors import LimitError
from .expr import Env, value
from .network import forward, prepare
from .numbers import format_rational as fmt
from .real import RealSupError, irrational
from .report import claim

CHUNK_ELEMENTS = 1 << 22  # neuron values held per chunk


def _q(n, d, k=None) -> str:
    """Return n/d (or n[k]/d[k], where either may be a scalar) written canonically."""
    at = lambda a: int(a[k]) if isinstance(a, np.ndarray) else a
    return str(fmt(Fraction(at(n), at(d))))


def argmax_rational(n, d) -> int:
    """Return the first index of the largest n[k]/d[k] (all d > 0), compared exactly."""
    idx = np.arange(len(n))
    while len(idx) > 1:
        left, right = idx[0:len(idx) - 1:2], idx[1::2]
        win = np.where((n[right] * d[left] - n[left] * d[right] > 0).astype(bool), right, left)
        idx = np.concatenate([win, idx[-1:]]) if len(idx) % 2 else win
    return int(idx[0])


class SupError:
    """sup_error: |N(x)_o - target_o(x)| <= bound at every point; the exact maximum; the argmax hint."""

    def __init__(self, cert):
        self.cert, self.state = cert, [None, None, None]  # (index, o, failure), (-max, index, o), (hint error,)
        nums = [q * cert.domain.den for q in cert.argmax or ()]
        self.hint_x = np.array([int(v) for v in nums], dtype=object)[:, None] \
            if nums and all(v.denominator == 1 for v in nums) else None

    def update(self, values, dens, env):
        cols, m, bound = [], env.x.shape[1], self.cert.claims.sup_bound
        for o, e in enumerate(self.cert.target):
            fn, fd = value(e, replace(env, where=f"target[{o}]"))
            cols.append((np.abs(rat.obj(values[-1][o]) * fd - fn * dens[-1]), fd * dens[-1], fn, fd))
        en = np.stack([c[0] for c in cols], axis=1).ravel()  # point-major: index p * outputs + o
        ed = np.stack([np.broadcast_to(rat.obj(c[1]), (m,)) for c in cols], axis=1).ravel()
        bad = np.flatnonzero((en * bound.denominator > bound.numerator * ed).astype(bool))
        if self.state[0] is None and len(bad):
            p, o = divmod(int(bad[0]), len(cols))
            self.state[0] = (int(env.index[p]), o, f"sup_error: at x={env.domain.show_point(int(env.index[p]))} "
                             f"output {o}: |N(x) - f(x)| = {_q(en, ed, bad[0])} > bound {fmt(bound)} (N(x)="
                             f"{_q(int(values[-1][o][p]), dens[-1])}, f(x)={_q(cols[o][2], cols[o][3], p)})")
        j = argmax_rational(en, ed)
        self.state[1] = min(x for x in (self.state[1], (-Fraction(int(en[j]), int(ed[j])),
                                                        int(env.index[j // len(cols)]), j % len(cols))) if x)
        hit = [] if self.hint_x is None else np.flatnonzero((env.x == self.hint_x).all(axis=0))
        if len(hit):
            k = len(cols) * int(hit[0])
            self.state[2] = (max(Fraction(int(en[k + o]), int(ed[k + o])) for o in range(len(cols))),)

    def results(self) -> list:
        (fail, (err, index, o), hint), c = self.state, self.cert.claims
        fail, err, hint = fail and fail[2], -err, hint and hint[0]
        where = f"x={self.cert.domain.show_point(index)} output {o}"
        out = [claim("sup_error", fail is None, fail or f"sup_error: max |N(x) - f(x)| = "
                     f"{fmt(err)} <= {fmt(c.sup_bound)} (first attained at {where})")]
        if c.attained is not None:
            out.append(claim("sup_error.attained", err == c.attained, f"sup_error.attained: the maximum error is "
                             f"{fmt(err)} (first at {where}), claimed {fmt(c.attained)}"))
        if self.cert.argmax is not None:
            shown = "(" + ",".join(str(fmt(q)) for q in self.cert.argmax) + ")"
            out.append(claim("hints.argmax", hint == err, f"hints.argmax: x={shown} is not a point of the domain"
                             if hint is None else f"hints.argmax: the error at x={shown} is {fmt(hint)}; "
                             f"the maximum is {fmt(err)}"))
        return out


class StepValue:
    """One step value claim: sum c * value(l, i) equals the expression at every point."""

    def __init__(self, step, j, vc):
        self.step, self.j, self.vc, self.state = step, j, vc, [None]  # (index, failure)
        self.where = f"steps[{step.id}].claims.values[{j}]"

    def update(self, values, dens, env):
        if self.state[0]:
            return
        got = (np.zeros(env.x.shape[1], dtype=object), 1)
        for l, i, c in self.vc.terms:
            if time.monotonic() > env.deadline:
                raise LimitError(f"{self.where}.terms: the time budget of the pointwise claims is spent (limit)")
            got = rat.add(got, (rat.obj(values[l][i]) * c.numerator, dens[l] * c.denominator))
        want = value(self.vc.expr, replace(env, where=f"{self.where}.equals"))
        bad = np.flatnonzero((rat.diff(got, want) != 0).astype(bool))
        if len(bad):
            k, show = int(bad[0]), lambda v: json.dumps(v, separators=(",", ":"))[:200]
            self.state[0] = (int(env.index[k]), f"step {self.step.id} ({self.step.label}): values[{self.j}] at x="
                         f"{env.domain.show_point(int(env.index[k]))}: expected {show(self.vc.raw['equals'])} = "
                         f"{_q(*want, k)}, got sum of terms {show(self.vc.raw['terms'])} = {_q(*got, k)}")

    def results(self) -> list:
        ok = f"step {self.step.id} ({self.step.label}): values[{self.j}] holds at every point"
        return [claim(self.where, self.state[0] is None, self.state[0] and self.state[0][1] or ok)]


class LayerBounds:
    """The layer_bounds hint: |value| <= B_l for every neuron of layer l at every point."""

    def __init__(self, cert):
        self.bounds, self.state = cert.layer_bounds, [None] * len(cert.layer_bounds)  # per layer (index, failure)

    def update(self, values, dens, env):
        for l, b in enumerate(self.bounds, 1):
            if self.state[l - 1] is None and int(np.abs(values[l]).max()) * b.denominator > b.numerator * dens[l]:
                over = (np.abs(rat.obj(values[l])) * b.denominator > b.numerator * dens[l]).astype(bool)
                p = int(np.flatnonzero(over.any(axis=0))[0])
                i = int(np.flatnonzero(over[:, p])[0])
                self.state[l - 1] = (int(env.index[p]), f"hints.layer_bounds[{l - 1}]: at x="
                                     f"{env.domain.show_point(int(env.index[p]))} "
                                    f"neuron ({l}, {i}) has |value| = {_q(abs(int(values[l][i, p])), dens[l])} "
                                    f"> {fmt(b)}")

    def results(self) -> list:
        return [claim(f"hints.layer_bounds[{l}]", f is None, f[1] if f else f"layer {l + 1}: |value| <= {fmt(b)}")
                for l, (f, b) in enumerate(zip(self.state, self.bounds))]


def _checks(cert) -> list:
    """Return the pointwise claims of a certificate, each with its `state`: slots, None or a tuple."""
    sup = RealSupError if cert.target and any(map(irrational, cert.target)) else SupError
    checks = [sup(cert)] if cert.claims.sup_bound is not None else []
    checks += [StepValue(st, j, vc) for st in cert.steps for j, vc in enumerate(st.values)]
    return checks + ([LayerBounds(cert)] if cert.layer_bounds else [])


_plan = lru_cache(4)(lambda cert: prepare(cert.network, cert.domain.box(), cert.domain.den,
                                          max_bits=cert.limits.max_value_bits))


def scan(cert, start: int, stop: int, tick=None) -> tuple:
    """Return the shard (start, stop, layer paths, claim states) of points start..stop-1, evaluated in
    chunks; tick(m), if given, is called after each chunk of m points."""
    dom, plans, checks, plan, lim = cert.domain, {}, _checks(cert), _plan(cert), cert.limits
    m = max(1, min(plan.chunk, CHUNK_ELEMENTS // max(sum(cert.network.sizes), cert.neurons), (1 << 32) // lim.max_value_bits))
    deadline = time.monotonic() + lim.max_seconds  # the budget of this pass (a shard, when sharded)
    for a in range(start, stop, m):
        if time.monotonic() > deadline:
            raise LimitError(f"pointwise claims: the time budget of {lim.max_seconds} s is spent after {a - start} "
                             f"of {stop - start} points (limit)")
        x = dom.numerators(a, min(a + m, stop))
        values, index = forward(plan, x), np.arange(a, a + x.shape[1])
        env = Env(rat.obj(x), dom.den, index, dom, plans, values, plan.dens, index - a, max_bits=lim.max_value_bits,
                  deadline=deadline)
        for check in checks:
            check.update(values, plan.dens, env)
        if tick:
            tick(x.shape[1])
    return start, stop, plan.paths, [check.state for check in checks]


def sweep(cert, run=None) -> tuple:
    """Return (results, info) of every pointwise claim. run(size), if given, returns shards (scan, elsewhere)
    to cover the domain once. Merged, each state slot keeps its least tuple (the first failure by index, the
    largest error at the least index) and the error of the least index is raised: sharding changes nothing."""
    checks = _checks(cert)
    size = cert.domain.size if checks else 0
    shards = sorted(run(size) if run and size else [scan(cert, 0, size)], key=lambda s: s[0])
    for error in (s[1] for s in shards if len(s) == 2):
        raise error
    if [s[0] for s in shards] + [size] != [0] + [s[1] for s in shards]:
        raise RuntimeError(f"the shards {[s[:2] for s in shards]} do not cover the domain [0, {size}) once")
    for k, check in enumerate(checks):
        check.state = [min(filter(None, ts), default=None) for ts in zip(*(s[3][k] for s in shards))]
    return [r for c in checks for r in c.results()], {"points": cert.domain.size, "layer_paths": list(shards[0][2])}
