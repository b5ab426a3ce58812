"""sup_error against targets with irrational operators (docs/format.md, *Irrational targets*). Exact where
possible: rational parts, sqrt of rational squares, sin/cos/exp(0), and sign(e - r) through rational + - * /,
neg, abs, min, max, clip down to sqrt(q) vs r, by squaring. Else arb balls at 64..4096 bits; open at 4096: exit 2."""

import time
from dataclasses import replace
from fractions import Fraction
from functools import reduce
from math import isqrt

import flint
import numpy as np

from .errors import LimitError
from .expr import value
from .numbers import format_rational as fmt
from .report import Result, claim

REAL, PRECISIONS = ("sqrt", "norm", "sin", "cos", "exp", "pi"), (64, 128, 256, 512, 1024, 2048, 4096)
_NEG = "sqrt of a negative number"
_ARITH = {"add": lambda a, b: a + b, "sub": lambda a, b: a - b, "mul": lambda a, b: a * b, "div": lambda a, b: a / b,
          "max": lambda a, b: a if a >= b else b if b >= a else a.union(b),  # overlapping balls: their hull
          "min": lambda a, b: a if a <= b else b if b <= a else a.union(b)}


class Undecided(Exception):
    """A ball too wide to decide a sign at the current precision."""


def irrational(node) -> bool:
    """Return whether an expression node uses an irrational operator."""
    return isinstance(node, tuple) and (node[0] in REAL or any(irrational(c) for c in node[1:]))


def _sign(v, r) -> int:
    d = v - r if isinstance(v, Fraction) else v - flint.arb(flint.fmpq(r.numerator, r.denominator))
    if isinstance(d, Fraction) or d > 0 or d < 0 or d == 0:
        return (d > 0) - (d < 0)
    raise Undecided


class Point:
    """Point k of a chunk: rational subexpressions exact (evaluated once per chunk), the rest Fractions or balls."""

    def __init__(self, env, memo, k):
        self.env, self.memo, self.k, self.bad = env, memo, k, lambda what: env.fail(what)(k)

    def exact(self, node) -> Fraction:
        if id(node) not in self.memo:
            self.memo[id(node)] = value(node, self.env)
        num, den = self.memo[id(node)]
        return Fraction(int(num[self.k]), int(den[self.k] if isinstance(den, np.ndarray) else den))

    def ev(self, node):
        """Return the value: a Fraction when exact, else an arb ball at the current precision."""
        op, kids = node[0], [c for c in node[1:] if isinstance(c, tuple)]
        if not irrational(node) or op == "pi":
            return self.exact(node) if op != "pi" else flint.arb.pi()
        if op not in (*REAL, *_ARITH, "neg", "abs", "pow", "clip"):
            self.bad(f"an irrational operand of {op!r} (allowed only in arithmetic, min, max, clip)")
        a = [self.exact(("norm2sq",))] if op == "norm" else [self.ev(c) for c in kids]
        if op in ("sqrt", "norm") and isinstance(a[0], Fraction):
            root = Fraction(isqrt(a[0].numerator), isqrt(a[0].denominator)) if a[0] >= 0 else self.bad(_NEG)
            if root * root == a[0]:
                return root
        if op in ("sin", "cos", "exp") and isinstance(a[0], Fraction) and a[0] == 0:
            return Fraction(op != "sin")
        if (op == "div" and a[1] == 0) or (op == "pow" and a[0] == 0 and node[2] < 0):
            self.bad("division by zero" if op == "div" else "zero to a negative power")
        if op in REAL or not all(isinstance(v, Fraction) for v in a):
            a = [flint.arb(flint.fmpq(v.numerator, v.denominator)) if isinstance(v, Fraction) else v for v in a]
        if op in REAL or op in ("neg", "abs", "pow"):
            return getattr(a[0], op.replace("norm", "sqrt"))() if op in REAL else -a[0] if op == "neg" \
                else abs(a[0]) if op == "abs" else a[0] ** node[2]
        return _ARITH["max"](a[1], _ARITH["min"](a[0], a[2])) if op == "clip" else reduce(_ARITH[op], a)

    def sign(self, node, r) -> int:
        """Return the sign of value(node) - r for a rational r, exactly where the algebra allows."""
        op, kids = node[0], [c for c in node[1:] if isinstance(c, tuple)]
        irr = [j for j, c in enumerate(kids) if irrational(c)]
        if op in ("sqrt", "norm") and not irr:
            q = self.exact(kids[0] if kids else ("norm2sq",))
            return (1 if r < 0 else (q > r * r) - (q < r * r)) if q >= 0 else self.bad(_NEG)
        if op in ("neg", "abs", "min", "max", "clip") and irr:
            s = [self.sign(c, -r if op == "neg" else r) for c in kids]
            return -s[0] if op == "neg" else max(s[0], -self.sign(kids[0], -r)) if op == "abs" else \
                max(s[1], min(s[0], s[2])) if op == "clip" else max(s) if op == "max" else min(s)
        if op in ("add", "sub", "mul", "div") and len(irr) == 1 and (op != "div" or irr == [0]):
            j, c = irr[0], [self.exact(kid) for i, kid in enumerate(kids) if i != irr[0]]
            if op in ("add", "sub"):
                return -self.sign(kids[1], c[0] - r) if op == "sub" and j == 1 else \
                    self.sign(kids[j], r - sum(c) if op == "add" else r + c[0])
            m = reduce(lambda u, v: u * v, c, Fraction(1)) if op == "mul" else 1 / c[0] if c[0] else \
                self.bad("division by zero")
            return (0 > r) - (0 < r) if m == 0 else (1 if m > 0 else -1) * self.sign(kids[j], r / m)
        return _sign(self.ev(node), r)


def decide(fn):
    """Return (fn(), bits) at the first precision at which fn decides, else (None, None)."""
    old = flint.ctx.prec
    try:
        for bits in PRECISIONS:
            flint.ctx.prec = bits
            try:
                return fn(), bits
            except Undecided:
                pass
        return None, None
    finally:
        flint.ctx.prec = old


class RealSupError:
    """sup_error, irrational target. state: (index, o, false), (index, o, undecided), (-bits,), (refusal,)."""

    def __init__(self, cert):
        self.cert, refuse = cert, cert.claims.attained is not None or cert.argmax is not None
        self.state = [None, None, None, ("sup_error.attained and hints.argmax need the exact maximum error: "
                                         "refused with an irrational target, claim only the bound",) if refuse else None]

    def update(self, values, dens, env):
        eps = self.cert.claims.sup_bound
        for o, node in enumerate(self.cert.target):
            memo, e = {}, replace(env, where=f"target[{o}]")
            for k in range(env.x.shape[1] if not self.state[0] else 0):  # past an undecided point: a false one?
                if time.monotonic() > env.deadline:
                    raise LimitError("target: the time budget of the pointwise claims is spent (limit)")
                n, p = Fraction(int(values[-1][o][k]), dens[-1]), Point(e, memo, k)
                signs, bits = decide(lambda: (p.sign(node, n - eps), p.sign(node, n + eps)))
                at = (int(env.index[k]), o, f"sup_error: at x={env.domain.show_point(int(env.index[k]))} output {o}: ")
                if bits and (signs[0] < 0 or signs[1] > 0):
                    self.state[0] = at[:2] + (f"{at[2]}|N(x) - f(x)| > bound {fmt(eps)} (N(x)={fmt(n)}, "
                                              f"f(x)={decide(lambda: p.ev(node))[0]})",)
                    break
                self.state[1] = self.state[1] or (None if bits else at[:2] + (
                    f"{at[2]}|N(x) - f(x)| <= {fmt(eps)} is undecided at {PRECISIONS[-1]} bits (refused, not guessed)",))
                self.state[2] = min(self.state[2] or (0,), (-(bits or 0),))

    def results(self) -> list:
        (fail, undecided, bits, refusal), eps = self.state, self.cert.claims.sup_bound
        out = [Result("sup_error", False, undecided[2], 2) if undecided and not fail else claim(
            "sup_error", fail is None, fail[2] if fail else f"sup_error: |N(x) - f(x)| <= {fmt(eps)} at every point "
            f"(irrational target: exact, or balls of <= {-(bits or (0,))[0]} bits)")]
        return out + ([Result("sup_error.attained", False, refusal[0], 2)] if refusal else [])
