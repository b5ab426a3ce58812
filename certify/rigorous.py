"""Rigorous evaluation of targets with irrational operators (sqrt, norm, sin, cos, exp, pi).

The builder's side of the irrational targets of docs/format.md, written independently of the
kernel's `certify/kernel/real.py` (that one works on parsed nodes and decides comparisons; this one
walks the JSON expression and encloses values). A value at a rational point is either exact (a
Fraction: rational subexpressions, sqrt of the square of a rational, sin/cos/exp of 0) or an arb
ball (python-flint) at the working precision. min and max of overlapping balls are their hull
(sound, and the only way through ties such as equal distances); comparisons in if, floor and mod are
decided from the balls, and when one straddles, the evaluation is repeated at a higher precision
(128, 256, ..., 4096 bits); a comparison still open at 4096 bits raises `Undecided`. `check_target`
refuses what the kernel refuses: an irrational operand outside arithmetic, abs, min, max, clip, pow
and sqrt/sin/cos/exp (this module can still evaluate those, e.g. for knot values).

`sup_error_rigorous` gives the sup over a domain of |N(x) - f(x)| as a rational enclosure
[lower, upper] (upper rounded up to a few significant digits), which is what the certificate writer
claims as `bound`: the exact maximum of an irrational error is in general not a rational number,
so no `attained` is claimed (docs/format.md, *Irrational targets*).
"""

from __future__ import annotations

import math
from fractions import Fraction

import flint

from .domain import as_domain
from .evaluate import CHUNK, evaluate_chunk, plan_for_box
from .kernel.errors import MalformedError
from .kernel.numbers import parse_rational
from .target import IRRATIONAL_OPS, KNOWN_OPS

PRECISIONS = (128, 256, 512, 1024, 2048, 4096)


class Undecided(ArithmeticError):
    """A comparison the balls could not decide, even at the largest precision."""


def is_irrational(ast) -> bool:
    """Return whether a JSON expression uses one of the irrational operators."""
    return isinstance(ast, list) and bool(ast) and isinstance(ast[0], str) and \
        (ast[0] in IRRATIONAL_OPS or any(is_irrational(a) for a in ast[1:]))


_CARRY_IRRATIONAL = IRRATIONAL_OPS | {"add", "sub", "mul", "div", "neg", "abs", "pow", "min", "max", "clip"}


def check_target(ast) -> None:
    """Raise MalformedError if an irrational value feeds an operator other than arithmetic, neg, abs, pow,
    min, max, clip and the irrational operators (a condition, floor, mod, sum_coords/prod_coords): the
    kernel refuses those (docs/format.md, *Irrational targets*)."""
    if isinstance(ast, list) and ast and isinstance(ast[0], str):
        if is_irrational(ast) and ast[0] not in _CARRY_IRRATIONAL:
            raise MalformedError(f"expression: an irrational operand of {ast[0]!r} is not allowed in a target "
                                 "(only arithmetic, neg, abs, pow, min, max, clip and sqrt/sin/cos/exp)")
        for a in ast[1:]:
            check_target(a)


def to_fraction(x) -> Fraction:
    """Return an exact arb (a dyadic number) as a Fraction."""
    man, exp = x.man_exp()
    man, exp = int(man), int(exp)
    return Fraction(man * 2**exp) if exp >= 0 else Fraction(man, 2**-exp)


def _ball(v):
    return flint.arb(flint.fmpq(v.numerator, v.denominator)) if isinstance(v, Fraction) else v


def _both_exact(a, b) -> bool:
    return isinstance(a, Fraction) and isinstance(b, Fraction)


def _compare(a, b) -> int:
    """Return the sign of a - b, or raise _Open if the balls overlap (and the values are not both exact)."""
    if _both_exact(a, b):
        return (a > b) - (a < b)
    diff = _ball(a) - _ball(b)
    if diff > 0:
        return 1
    if diff < 0:
        return -1
    if diff == 0:
        return 0
    raise _Open


class _Open(Exception):
    """A comparison open at the current precision (retried at a higher one)."""


def _arith(op, a, b):
    if op == "div" and isinstance(b, Fraction) and b == 0:
        raise ZeroDivisionError
    if not _both_exact(a, b):
        a, b = _ball(a), _ball(b)
    return a + b if op == "add" else a - b if op == "sub" else a * b if op == "mul" else a / b


def _evaluate(e, x, t=None):
    """Return the value of expression e at the point x (a tuple of Fractions): a Fraction or a ball."""
    if not isinstance(e, list):
        return parse_rational(e, "expression constant")
    op, args = e[0], e[1:]
    if op not in KNOWN_OPS:
        raise MalformedError(f"expression: unknown operator {op!r}")
    if op == "x":
        return x[args[0]]
    if op == "t":
        return x[t]
    if op in ("v", "network"):
        raise MalformedError(f"expression: {op!r} is not supported with irrational targets")
    if op == "pi":
        return flint.arb.pi()
    if op in ("norm2sq", "norm"):
        s = sum((v * v for v in x), Fraction(0))
        return s if op == "norm2sq" else _sqrt(s)
    if op in ("parity", "ip_mod2"):
        h = len(x) // 2
        s = sum(x) if op == "parity" else sum((x[i] * x[i + h] for i in range(h)), Fraction(0))
        return s - 2 * math.floor(s / 2)
    if op in ("sum_coords", "prod_coords"):
        acc = None
        for i in range(len(x)):
            v = _evaluate(args[0], x, i)
            acc = v if acc is None else _arith("add" if op == "sum_coords" else "mul", acc, v)
        return acc
    if op == "if":
        return _evaluate(args[1] if _truth(args[0], x, t) else args[2], x, t)
    if op == "pow":
        base, n = _evaluate(args[0], x, t), args[1]
        if isinstance(base, Fraction) and base == 0 and n < 0:
            raise ZeroDivisionError
        return base ** n
    if op == "clip":
        return _evaluate(["max", args[1], ["min", args[0], args[2]]], x, t)
    vals = [_evaluate(a, x, t) for a in args]
    if op == "sqrt":
        return _sqrt(vals[0])
    if op in ("sin", "cos", "exp"):
        v = vals[0]
        if isinstance(v, Fraction) and v == 0:
            return Fraction(0 if op == "sin" else 1)
        return getattr(_ball(v), op)()
    if op == "neg":
        return -vals[0]
    if op == "abs":
        return abs(vals[0])
    if op == "floor":
        return _floor(vals[0])
    if op == "mod":
        a, m = vals
        if isinstance(m, Fraction) and m == 0:
            raise ZeroDivisionError
        return _arith("sub", a, _arith("mul", m, _floor(_arith("div", a, m))))
    if op in ("min", "max"):
        best = vals[0]
        for v in vals[1:]:
            try:
                c = _compare(v, best)
            except _Open:  # overlapping balls (equal values, say): the hull encloses the min and the max
                best = _ball(best).union(_ball(v))
                continue
            if (c < 0 and op == "min") or (c > 0 and op == "max"):
                best = v
        return best
    acc = vals[0]
    for v in vals[1:]:
        acc = _arith(op, acc, v)
    return acc


def _sqrt(v):
    if isinstance(v, Fraction):
        if v < 0:
            raise MalformedError(f"expression: sqrt of the negative number {v}")
        num, den = math.isqrt(v.numerator), math.isqrt(v.denominator)
        if num * num == v.numerator and den * den == v.denominator:
            return Fraction(num, den)
    elif not v >= 0:
        raise _Open
    return _ball(v).sqrt()


def _floor(v):
    if isinstance(v, Fraction):
        return Fraction(math.floor(v))
    n = v.floor().unique_fmpz()
    if n is None:
        raise _Open
    return Fraction(int(n))


def _truth(c, x, t) -> bool:
    op, args = c[0], c[1:]
    if op == "not":
        return not _truth(args[0], x, t)
    if op in ("and", "or"):
        parts = [_truth(a, x, t) for a in args]
        return all(parts) if op == "and" else any(parts)
    s = _compare(_evaluate(args[0], x, t), _evaluate(args[1], x, t))
    return {"lt": s < 0, "le": s <= 0, "gt": s > 0, "ge": s >= 0, "eq": s == 0, "ne": s != 0}[op]


def _at_precision(fn, precisions=PRECISIONS):
    """Return fn() at the first precision where no comparison is open; raise Undecided otherwise."""
    old = flint.ctx.prec
    try:
        for bits in precisions:
            flint.ctx.prec = bits
            try:
                return fn()
            except _Open:
                continue
    finally:
        flint.ctx.prec = old
    raise Undecided(f"a comparison is still undecided at {precisions[-1]} bits")


def _point(x) -> tuple:
    return tuple(parse_rational(v, "point") if not isinstance(v, Fraction) else v for v in x)


def enclose(ast, point, *, width=None) -> tuple[Fraction, Fraction]:
    """Return rationals (lo, hi) with lo <= f(point) <= hi; lo == hi when f(point) is rational by
    the rules above. With `width`, the precision grows until hi - lo <= width."""
    x = _point(point)

    def run():
        v = _evaluate(list(ast) if isinstance(ast, (list, tuple)) else ast, x)
        if isinstance(v, Fraction):
            return v, v
        if not v.is_finite():
            raise _Open
        lo, hi = to_fraction(v.lower()), to_fraction(v.upper())
        if width is not None and hi - lo > width:
            raise _Open
        return lo, hi
    return _at_precision(run, PRECISIONS + (8192, 16384) if width is not None else PRECISIONS)


def approximate(ast, point, tol) -> Fraction:
    """Return a rational q with |q - f(point)| <= tol: f(point) itself if rational, else a multiple
    of a power of two (a short numerator), from an enclosure of width <= tol/2."""
    tol = Fraction(tol)
    if tol <= 0:
        raise ValueError("approximate: tol must be positive")
    lo, hi = enclose(ast, point, width=tol / 2)
    if lo == hi:
        return lo
    step = Fraction(1, 2 ** max(0, math.ceil(-math.log2(tol)) + 2))  # step <= tol / 4
    q = round((lo + hi) / 2 / step) * step
    assert abs(q - lo) <= tol and abs(hi - q) <= tol
    return q


def round_up(q: Fraction, digits: int = 10) -> Fraction:
    """Return the least rational >= q with at most `digits` significant decimal digits."""
    q = Fraction(q)
    if q <= 0:
        return -round_down(-q, digits)
    e = digits - len(str(q.numerator // q.denominator or 1)) if q >= 1 else \
        digits + len(str(q.denominator // q.numerator)) - 1
    return Fraction(math.ceil(q * Fraction(10) ** e)) / Fraction(10) ** e


def round_down(q: Fraction, digits: int = 10) -> Fraction:
    """Return the greatest rational <= q with at most `digits` significant decimal digits."""
    q = Fraction(q)
    if q < 0:
        return -round_up(-q, digits)
    if q == 0:
        return q
    e = digits - len(str(q.numerator // q.denominator or 1)) if q >= 1 else \
        digits + len(str(q.denominator // q.numerator)) - 1
    return Fraction(math.floor(q * Fraction(10) ** e)) / Fraction(10) ** e


def sup_error_rigorous(net, domain, asts, chunk_size: int = CHUNK, digits: int = 10):
    """Return the SupError of `net` against targets with irrational operators: `value` is None, `upper`
    a rational >= every |N(x)_o - f_o(x)| (rounded up to `digits` significant digits unless it is an
    exact error), `lower` a rational <= the maximum, `point` where the largest upper end occurs."""
    from .approximation import SupError
    for ast in asts:
        check_target(ast)
    domain = as_domain(domain)
    lo_box, hi_box = domain.bounding_box()
    best, low, plan, plan_den = None, Fraction(0), None, None
    for start, stop in domain.chunks(chunk_size):
        nums, den = domain.chunk(start, stop)
        if den != plan_den:
            plan, plan_den = plan_for_box(net, lo_box, hi_box, den), den
        Z, D = evaluate_chunk(net, nums, den, plan)
        for k in range(stop - start):
            x = tuple(Fraction(int(v), den) for v in nums[k])
            for o, ast in enumerate(asts):
                n = Fraction(int(Z[k, o]), D)
                f_lo, f_hi = enclose(ast, x)
                e_hi = max(abs(n - f_lo), abs(n - f_hi))
                e_lo = Fraction(0) if f_lo <= n <= f_hi else min(abs(n - f_lo), abs(n - f_hi))
                low = max(low, e_lo)
                if best is None or e_hi > best[0]:
                    best = (e_hi, x, start + k, o, n, f_lo == f_hi)
    e_hi, x, index, o, n, exact = best
    upper = e_hi if exact else round_up(e_hi, digits)
    return SupError(None, x, index, o, n, None, upper=upper, lower=round_down(low, digits))
