"""The claims checked at every domain point, in one pass over the domain in chunks."""

import json
from dataclasses import replace
from fractions import Fraction

import numpy as np

from . import rat
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
        self.cert, self.fail, self.best, self.hint = cert, None, None, None
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
        if self.fail is None and len(bad):
            p, o = divmod(int(bad[0]), len(cols))
            self.fail = (f"sup_error: at x={env.domain.show_point(int(env.index[p]))} output {o}: |N(x) - f(x)| = "
                         f"{_q(en, ed, bad[0])} > bound {fmt(bound)} (N(x)={_q(int(values[-1][o][p]), dens[-1])}, "
                         f"f(x)={_q(cols[o][2], cols[o][3], p)})")
        j = argmax_rational(en, ed)
        if self.best is None or Fraction(int(en[j]), int(ed[j])) > self.best[0]:
            self.best = (Fraction(int(en[j]), int(ed[j])), int(env.index[j // len(cols)]), j % len(cols))
        hit = [] if self.hint_x is None else np.flatnonzero((env.x == self.hint_x).all(axis=0))
        if len(hit):
            k = len(cols) * int(hit[0])
            self.hint = max(Fraction(int(en[k + o]), int(ed[k + o])) for o in range(len(cols)))

    def results(self) -> list:
        (err, index, o), c = self.best, self.cert.claims
        where = f"x={self.cert.domain.show_point(index)} output {o}"
        out = [claim("sup_error", self.fail is None, self.fail or f"sup_error: max |N(x) - f(x)| = "
                     f"{fmt(err)} <= {fmt(c.sup_bound)} (first attained at {where})")]
        if c.attained is not None:
            out.append(claim("sup_error.attained", err == c.attained, f"sup_error.attained: the maximum error is "
                             f"{fmt(err)} (first at {where}), claimed {fmt(c.attained)}"))
        if self.cert.argmax is not None:
            shown = "(" + ",".join(str(fmt(q)) for q in self.cert.argmax) + ")"
            out.append(claim("hints.argmax", self.hint == err, f"hints.argmax: x={shown} is not a point of the domain"
                             if self.hint is None else f"hints.argmax: the error at x={shown} is {fmt(self.hint)}; "
                             f"the maximum is {fmt(err)}"))
        return out


class StepValue:
    """One step value claim: sum c * value(l, i) equals the expression at every point."""

    def __init__(self, step, j, vc):
        self.step, self.j, self.vc, self.fail = step, j, vc, None
        self.where = f"steps[{step.id}].claims.values[{j}]"

    def update(self, values, dens, env):
        if self.fail:
            return
        got = (np.zeros(env.x.shape[1], dtype=object), 1)
        for l, i, c in self.vc.terms:
            got = rat.add(got, (rat.obj(values[l][i]) * c.numerator, dens[l] * c.denominator))
        want = value(self.vc.expr, replace(env, where=f"{self.where}.equals"))
        bad = np.flatnonzero((rat.diff(got, want) != 0).astype(bool))
        if len(bad):
            k, show = int(bad[0]), lambda v: json.dumps(v, separators=(",", ":"))[:200]
            self.fail = (f"step {self.step.id} ({self.step.label}): values[{self.j}] at x="
                         f"{env.domain.show_point(int(env.index[k]))}: expected {show(self.vc.raw['equals'])} = "
                         f"{_q(*want, k)}, got sum of terms {show(self.vc.raw['terms'])} = {_q(*got, k)}")

    def results(self) -> list:
        ok = f"step {self.step.id} ({self.step.label}): values[{self.j}] holds at every point"
        return [claim(self.where, self.fail is None, self.fail or ok)]


class LayerBounds:
    """The layer_bounds hint: |value| <= B_l for every neuron of layer l at every point."""

    def __init__(self, cert):
        self.bounds, self.fail = cert.layer_bounds, [None] * len(cert.layer_bounds)

    def update(self, values, dens, env):
        for l, b in enumerate(self.bounds, 1):
            if self.fail[l - 1] is None and int(np.abs(values[l]).max()) * b.denominator > b.numerator * dens[l]:
                over = (np.abs(rat.obj(values[l])) * b.denominator > b.numerator * dens[l]).astype(bool)
                p = int(np.flatnonzero(over.any(axis=0))[0])
                i = int(np.flatnonzero(over[:, p])[0])
                self.fail[l - 1] = (f"hints.layer_bounds[{l - 1}]: at x={env.domain.show_point(int(env.index[p]))} "
                                    f"neuron ({l}, {i}) has |value| = {_q(abs(int(values[l][i, p])), dens[l])} "
                                    f"> {fmt(b)}")

    def results(self) -> list:
        return [claim(f"hints.layer_bounds[{l}]", f is None, f or f"layer {l + 1}: |value| <= {fmt(b)}")
                for l, (f, b) in enumerate(zip(self.fail, self.bounds))]


def sweep(cert) -> tuple:
    """Return (results, info) of every pointwise claim, streaming the domain in chunks."""
    sup = RealSupError if cert.target and any(map(irrational, cert.target)) else SupError
    checks = [sup(cert)] if cert.claims.sup_bound is not None else []
    checks += [StepValue(st, j, vc) for st in cert.steps for j, vc in enumerate(st.values)]
    checks += [LayerBounds(cert)] if cert.layer_bounds else []
    dom, plans = cert.domain, {}
    plan = prepare(cert.network, dom.box(), dom.den)
    m = max(16, min(1 << 16, CHUNK_ELEMENTS // sum(cert.network.sizes)))
    for start in range(0, dom.size if checks else 0, m):
        x = dom.numerators(start, min(start + m, dom.size))
        values, index = forward(plan, x), np.arange(start, start + x.shape[1])
        env = Env(rat.obj(x), dom.den, index, dom, plans, values, plan.dens, index - start)
        for check in checks:
            check.update(values, plan.dens, env)
    info = {"points": dom.size, "layer_paths": ["float64" if f else "bigint" for f in plan.floats]}
    return [r for check in checks for r in check.results()], info
