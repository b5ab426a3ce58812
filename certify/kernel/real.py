"""sup_error against targets with irrational operators (sqrt, norm, sin, cos, exp, pi), decided rigorously.

|N - f| <= eps iff sign(f - (N - eps)) >= 0 and sign(f - (N + eps)) <= 0. Exact where possible: rational
subexpressions (expr.value), sqrt of rational squares, sin/cos/exp(0), and sign(e - r) reduced through + - * /
by rationals, min, max, abs, clip to sqrt(q) - r (by squaring). Elsewhere arb balls at 64 .. 4096 bits; still
unknown at 4096 bits is refused (exit 2), never guessed. attained/argmax need an exact maximum: refused (exit 2).
"""

from dataclasses import replace
from fractions import Fraction
from functools import reduce
from math import isqrt

import flint
import numpy as np

from .errors import MalformedError
from .expr import value
from .numbers import format_rational as fmt
from .report import Result, claim

REAL, PRECISIONS = ("sqrt", "norm", "sin", "cos", "exp", "pi"), (64, 128, 256, 512, 1024, 2048, 4096)
_NORM2SQ, _AT0, _CMP = ("norm2sq",), {"sin": 0, "cos": 1, "exp": 1}, ("lt", "le", "gt", "ge", "eq", "ne")


class Undecided(Exception):
    """A ball too wide to decide a comparison at the current precision."""


def irrational(node) -> bool:
    """Return whether an expression node uses an irrational operator."""
    return isinstance(node, tuple) and (node[0] in REAL or any(irrational(c) for c in node[1:]))


def _arb(v):
    return flint.arb(flint.fmpq(v.numerator, v.denominator)) if isinstance(v, Fraction) else v


def _op(op, a, b):
    """Return a op b (add sub mul div min max), exact for Fractions, else a ball (min/max: the hull if unsure)."""
    if not (isinstance(a, Fraction) and isinstance(b, Fraction)):
        a, b = _arb(a), _arb(b)
        if op in ("min", "max"):
            lo, hi = (a, b) if a <= b else (b, a) if b <= a else (a.union(b),) * 2
            return hi if op == "max" else lo
    return a + b if op == "add" else a - b if op == "sub" else a * b if op == "mul" else a / b if op == "div" \
        else min(a, b) if op == "min" else max(a, b)


def _sign(v, r) -> int:
    """Return the sign of v - r (v a Fraction or a ball, r a Fraction), or raise Undecided."""
    diff = _op("sub", v, r)
    if isinstance(diff, Fraction) or diff == 0 or diff > 0 or diff < 0:
        return (diff > 0) - (diff < 0)
    raise Undecided


class Point:
    """Point k of a chunk: rational subexpressions exact (memo per chunk), the rest as balls."""

    def __init__(self, env, memo, k):
        self.env, self.memo, self.k, self.bad = env, memo, k, lambda what: env.fail(what)(k)

    def exact(self, node, t=None) -> Fraction:
        if (id(node), t) not in self.memo:
            try:
                self.memo[id(node), t] = value(node, replace(self.env, t=t))
            except MalformedError:  # somewhere in the chunk: evaluate only at the points that need it
                self.memo[id(node), t] = None
        got, k = self.memo[id(node), t], self.k
        if got is None:
            got, k = value(node, replace(self.env.subset(np.arange(len(self.env.index)) == k), t=t)), 0
        return Fraction(int(got[0][k]), int(got[1][k] if isinstance(got[1], np.ndarray) else got[1]))

    def ev(self, node, t=None):
        """Return the value of a node: a Fraction when exact, else an arb ball."""
        op, kids = node[0], [c for c in node[1:] if isinstance(c, tuple)]
        if not irrational(node) or op in ("pi", "if"):
            return self.exact(node, t) if not irrational(node) else flint.arb.pi() if op == "pi" else \
                self.ev(node[2] if self.truth(node[1], t) else node[3], t)
        if op in ("sum_coords", "prod_coords"):
            return reduce(lambda a, b: _op("add" if op == "sum_coords" else "mul", a, b),
                          [self.ev(node[1], i) for i in range(self.env.x.shape[0])])
        a = [self.exact(_NORM2SQ, t)] if op == "norm" else [self.ev(c, t) for c in kids]
        exact = [isinstance(v, Fraction) for v in a]
        if op in ("sqrt", "norm") and exact[0]:
            num, den = (isqrt(a[0].numerator), isqrt(a[0].denominator)) if a[0] >= 0 else self.bad("sqrt of a negative number")
            if num * num == a[0].numerator and den * den == a[0].denominator:
                return Fraction(num, den)
        if op in ("div", "mod") and exact[1] and a[1] == 0 or op == "pow" and exact[0] and a[0] == 0 > node[2]:
            self.bad({"div": "division by zero", "mod": "zero modulus in mod"}.get(op, "zero to a negative power"))
        if op in ("sqrt", "norm", *_AT0):
            return Fraction(_AT0[op]) if op in _AT0 and a[0] == 0 else getattr(_arb(a[0]), op.replace("norm", "sqrt"))()
        if op in ("pow", "neg", "abs"):
            return a[0] ** node[2] if op == "pow" else -a[0] if op == "neg" else abs(a[0])
        if op in ("floor", "mod"):
            q = a[0] if op == "floor" else _op("div", a[0], a[1])
            fl = q.numerator // q.denominator if isinstance(q, Fraction) else q.floor().unique_fmpz()
            if fl is None:
                raise Undecided
            return Fraction(int(fl)) if op == "floor" else _op("sub", a[0], _op("mul", a[1], Fraction(int(fl))))
        a = [a[1], _op("min", a[0], a[2])] if op == "clip" else a
        return reduce(lambda u, v: _op("max" if op == "clip" else op, u, v), a)

    def truth(self, node, t=None) -> bool:
        """Return whether a condition holds at the point."""
        if node[0] in ("and", "or", "not"):
            parts = [self.truth(c, t) for c in node[1:]]
            return (not parts[0]) if node[0] == "not" else all(parts) if node[0] == "and" else any(parts)
        a, b = node[1:]
        s = self.sign(a, self.exact(b, t), t) if not irrational(b) else -self.sign(b, self.exact(a, t), t) \
            if not irrational(a) else _sign(_op("sub", self.ev(a, t), self.ev(b, t)), Fraction(0))
        return (s < 0, s <= 0, s > 0, s >= 0, s == 0, s != 0)[_CMP.index(node[0])]

    def sign(self, node, r, t=None) -> int:
        """Return the sign of value(node) - r for a rational r, exactly where the algebra allows."""
        op, kids = node[0], [c for c in node[1:] if isinstance(c, tuple)]
        irr = [j for j, c in enumerate(kids) if irrational(c)]
        if op in ("sqrt", "norm") and not irr:
            q = self.exact(kids[0] if kids else _NORM2SQ, t)
            return (1 if r < 0 else _sign(q, r * r)) if q >= 0 else self.bad("sqrt of a negative number")
        if op in ("neg", "abs"):
            return -self.sign(kids[0], -r, t) if op == "neg" else max(self.sign(kids[0], r, t), -self.sign(kids[0], -r, t))
        if op in ("min", "max", "clip") and irr:
            s = [self.sign(c, r, t) for c in kids]
            return max(s[1], min(s[0], s[2])) if op == "clip" else max(s) if op == "max" else min(s)
        if op in ("add", "sub", "mul", "div") and len(irr) == 1 and (op != "div" or irr == [0]):
            j, rest = irr[0], [self.exact(c, t) for c in kids if not irrational(c)]
            if op in ("add", "sub"):
                return -self.sign(kids[1], rest[0] - r, t) if op == "sub" and j == 1 else \
                    self.sign(kids[j], r - sum(rest) if op == "add" else r + rest[0], t)
            c = reduce(lambda u, v: u * v, rest, Fraction(1))
            c = (1 / c if c else self.bad("division by zero")) if op == "div" else c
            return _sign(Fraction(0), r) if c == 0 else (1 if c > 0 else -1) * self.sign(kids[j], r / c, t)
        return _sign(self.ev(node, t), r)


def decide(fn):
    """Return (fn(), bits) at the first precision at which fn does not raise Undecided, else (None, None)."""
    old = flint.ctx.prec
    try:
        for bits in PRECISIONS:
            flint.ctx.prec = bits
            try:
                return fn(), bits
            except Undecided:
                continue
    finally:
        flint.ctx.prec = old
    return None, None


class RealSupError:
    """sup_error, irrational target. state: (index, o, failure), (index, o, undecided), (-bits,), (refusal,)."""

    def __init__(self, cert):
        refuse, self.cert = cert.claims.attained is not None or cert.argmax is not None, cert
        self.state = [None, None, None, ("sup_error.attained and hints.argmax need the exact maximum error, not "
                                         "computed for an irrational target: claim only the bound",) if refuse else None]

    def update(self, values, dens, env):
        eps = self.cert.claims.sup_bound
        for o, node in enumerate(self.cert.target):
            memo, e = {}, replace(env, where=f"target[{o}]")
            for k in range(env.x.shape[1] if not self.state[0] else 0):  # past an undecided point: a false one?
                n, p = Fraction(int(values[-1][o][k]), dens[-1]), Point(e, memo, k)
                signs, bits = decide(lambda: (p.sign(node, n - eps), p.sign(node, n + eps)))
                at = (int(env.index[k]), o, f"sup_error: at x={env.domain.show_point(int(env.index[k]))} output {o}: ")
                if bits is None and not self.state[1]:
                    self.state[1] = at[:2] + (f"{at[2]}|N(x) - f(x)| <= {fmt(eps)} undecided at {PRECISIONS[-1]} "
                                              "bits (refused, not guessed)",)
                elif bits and (signs[0] < 0 or signs[1] > 0):
                    self.state[0] = at[:2] + (f"{at[2]}|N(x) - f(x)| > bound {fmt(eps)} (N(x)={fmt(n)}, "
                                              f"f(x)={decide(lambda: p.ev(node))[0]})",)
                    break
                self.state[2] = min(self.state[2] or (0,), (-(bits or 0),))

    def results(self) -> list:
        (fail, undecided, bits, refusal), eps = self.state, self.cert.claims.sup_bound
        out = [Result("sup_error", False, undecided[2], 2) if undecided and not fail else claim(
            "sup_error", fail is None, fail[2] if fail else f"sup_error: |N(x) - f(x)| <= {fmt(eps)} at every point "
            f"(irrational target: exact, or balls of <= {-(bits or (0,))[0]} bits)")]
        return out + ([Result("sup_error.attained", False, refusal[0], 2)] if refusal else [])
