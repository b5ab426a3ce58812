"""Target expressions: a small, safe expression language with exact rational semantics.

An expression is a JSON value (see docs/format.md, "Expressions"): a rational constant or a list
`[op, args...]`. `Expr` wraps one with Python operators so targets read like mathematics:

    x = coords(2)
    target = x[0] ** 2 + abs_(x[1]) / 2

Nothing is ever eval'd: evaluation walks the tree. `evaluate_expr` returns exact values on a
chunk of points as (numerator, denominator) object arrays of Python integers.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from .kernel.errors import MalformedError
from .kernel.numbers import format_rational, parse_rational

_NARY = {"add", "mul", "min", "max", "and", "or"}
_BINARY = {"sub", "div", "mod", "lt", "le", "gt", "ge", "eq", "ne"}
_UNARY = {"neg", "abs", "floor", "not", "sum_coords", "prod_coords"}
_NULLARY = {"norm2sq", "parity", "ip_mod2", "t"}
IRRATIONAL_OPS = frozenset({"sqrt", "norm", "sin", "cos", "exp", "pi"})  # rigorous path: certify.rigorous
KNOWN_OPS = _NARY | _BINARY | _UNARY | _NULLARY | IRRATIONAL_OPS | {"x", "v", "pow", "clip", "if", "network"}


def to_ast(value):
    """Return the JSON expression for an Expr, a rational, or an AST given as a list."""
    if isinstance(value, Expr):
        return value.ast
    if isinstance(value, (list, tuple)):
        return list(value)
    return format_rational(parse_rational(value, "expression constant"))


@dataclass(frozen=True, eq=False)
class Expr:
    """A target expression; build with `coords`, `const` and the functions of this module."""

    ast: object

    def _bin(self, op, other, swap=False):
        a, b = to_ast(self), to_ast(other)
        return Expr([op, b, a] if swap else [op, a, b])

    def __add__(self, o): return self._bin("add", o)
    def __radd__(self, o): return self._bin("add", o, True)
    def __sub__(self, o): return self._bin("sub", o)
    def __rsub__(self, o): return self._bin("sub", o, True)
    def __mul__(self, o): return self._bin("mul", o)
    def __rmul__(self, o): return self._bin("mul", o, True)
    def __truediv__(self, o): return self._bin("div", o)
    def __rtruediv__(self, o): return self._bin("div", o, True)
    def __mod__(self, o): return self._bin("mod", o)
    def __neg__(self): return Expr(["neg", self.ast])
    def __abs__(self): return Expr(["abs", self.ast])
    def __lt__(self, o): return self._bin("lt", o)
    def __le__(self, o): return self._bin("le", o)
    def __gt__(self, o): return self._bin("gt", o)
    def __ge__(self, o): return self._bin("ge", o)

    def __pow__(self, n: int):
        if not isinstance(n, int) or isinstance(n, bool) or abs(n) > 64:
            raise MalformedError(f"pow: exponent must be an integer with |n| <= 64, got {n!r}")
        return Expr(["pow", self.ast, n])

    def eq(self, o) -> Expr:
        """Return the condition self == o."""
        return self._bin("eq", o)

    def __repr__(self) -> str:
        return f"Expr({self.ast!r})"


def coords(d: int) -> list[Expr]:
    """Return the coordinate expressions x[0], ..., x[d-1]."""
    return [Expr(["x", i]) for i in range(d)]


def const(q) -> Expr:
    """Return a constant expression."""
    return Expr(to_ast(q))


def neuron(layer: int, index: int) -> Expr:
    """Return the value of neuron `index` of `layer` (for step claims)."""
    return Expr(["v", layer, index])


def abs_(e) -> Expr: return Expr(["abs", to_ast(e)])
def floor(e) -> Expr: return Expr(["floor", to_ast(e)])
def mod(e, m) -> Expr: return Expr(["mod", to_ast(e), to_ast(m)])
def min_(*es) -> Expr: return Expr(["min", *map(to_ast, es)])
def max_(*es) -> Expr: return Expr(["max", *map(to_ast, es)])
def clip(e, lo, hi) -> Expr: return Expr(["clip", to_ast(e), to_ast(lo), to_ast(hi)])
def where(cond, a, b) -> Expr: return Expr(["if", to_ast(cond), to_ast(a), to_ast(b)])
def relu(e) -> Expr: return Expr(["max", to_ast(e), 0])
def sum_coords(body) -> Expr: return Expr(["sum_coords", to_ast(body)])
def prod_coords(body) -> Expr: return Expr(["prod_coords", to_ast(body)])
def norm2sq() -> Expr: return Expr(["norm2sq"])
def parity() -> Expr: return Expr(["parity"])
def ip_mod2() -> Expr: return Expr(["ip_mod2"])
def sqrt(e) -> Expr: return Expr(["sqrt", to_ast(e)])
def norm() -> Expr: return Expr(["norm"])
def sin(e) -> Expr: return Expr(["sin", to_ast(e)])
def cos(e) -> Expr: return Expr(["cos", to_ast(e)])
def exp(e) -> Expr: return Expr(["exp", to_ast(e)])
def pi() -> Expr: return Expr(["pi"])
T = Expr(["t"])


def bit(e, k: int) -> Expr:
    """Return bit k (k >= 0) of the integer-valued expression e >= 0: floor(e / 2^k) mod 2."""
    return mod(floor(Expr(to_ast(e)) / 2**k), 2)


def network_target(net, output: int = 0) -> Expr:
    """Return the expression "output `output` of network `net` at x"."""
    return Expr(["network", net.to_json(), output])


def expand_coords(ast, d: int):
    """Return ast with the implicit-coordinate forms (norm2sq, parity, ip_mod2, sum/prod_coords)
    written out over ["x", 0] .. ["x", d-1], so the coordinates can be substituted."""
    if not isinstance(ast, list) or not ast:
        return ast
    op, args = ast[0], [expand_coords(a, d) for a in ast[1:]]

    def fold(kind, terms):
        return terms[0] if len(terms) == 1 else [kind, *terms]

    def bind(body, i):
        if isinstance(body, list) and body == ["t"]:
            return ["x", i]
        return [body[0], *(bind(a, i) for a in body[1:])] if isinstance(body, list) and body else body

    if op == "norm2sq":
        return fold("add", [["mul", ["x", i], ["x", i]] for i in range(d)])
    if op == "norm":
        return ["sqrt", fold("add", [["mul", ["x", i], ["x", i]] for i in range(d)])]
    if op == "parity":
        return ["mod", fold("add", [["x", i] for i in range(d)]), 2]
    if op == "ip_mod2":
        return ["mod", fold("add", [["mul", ["x", i], ["x", i + d // 2]] for i in range(d // 2)] or [0]), 2]
    if op in ("sum_coords", "prod_coords"):
        return fold("add" if op == "sum_coords" else "mul", [bind(args[0], i) for i in range(d)])
    return [op, *args]


# ---- exact evaluation on a chunk ----------------------------------------------------------

class _Ctx:
    """Evaluation context: the chunk's points, layer values for ["v", l, i], the bound coordinate."""

    def __init__(self, nums, den, layers, t=None):
        self.nums, self.den, self.layers, self.t = nums, den, layers, t
        self.n = nums.shape[0]


def _const(ctx, q: Fraction):
    return np.full(ctx.n, q.numerator, dtype=object), np.full(ctx.n, q.denominator, dtype=object)


def _cmp(a, b):
    """Return (lhs, rhs) integer arrays with a < b iff lhs < rhs (denominators positive)."""
    return a[0] * b[1], b[0] * a[1]


def _reduce(num, den):
    g = np.gcd(num, den)
    g = np.where(g == 0, 1, g)
    return num // g, den // g


def _nonzero(ctx, value, what):
    zero = np.flatnonzero(value[0] == 0)
    if zero.size:
        point = tuple(Fraction(int(v), ctx.den) for v in ctx.nums[zero[0]])
        raise MalformedError(f"expression: {what} by zero at x={point}")


def evaluate_expr(ast, nums: np.ndarray, den: int, layers=None):
    """Return (numerators, denominators) object arrays of the expression at points nums/den.

    `layers` is a list of (Z, D) per network layer for ["v", l, i] references.
    """
    return _ev(ast, _Ctx(nums, den, layers))


def _ev(e, ctx):
    if not isinstance(e, list):
        return _const(ctx, parse_rational(e, "expression constant"))
    if not e or not isinstance(e[0], str):
        raise MalformedError(f"expression: expected [op, ...], got {str(e)[:60]}")
    op, args = e[0], e[1:]
    if op not in KNOWN_OPS:
        raise MalformedError(f"expression: unknown operator {op!r}")
    if op in IRRATIONAL_OPS:
        raise MalformedError(f"expression: {op!r} is irrational; exact evaluation is impossible (use certify.rigorous)")
    if op == "x":
        i = args[0]
        return ctx.nums[:, i].astype(object), np.full(ctx.n, ctx.den, dtype=object)
    if op == "v":
        l, i = args
        Z, D = ctx.layers[l - 1]
        return Z[:, i].astype(object), np.full(ctx.n, D, dtype=object)
    if op == "t":
        return ctx.t
    if op == "network":
        from .evaluate import evaluate_chunk
        from .network import Network
        Z, D = evaluate_chunk(Network.from_json(args[0]), ctx.nums, ctx.den)
        return Z[:, args[1]].astype(object), np.full(ctx.n, D, dtype=object)
    if op == "pow":
        (a_num, a_den), n = _ev(args[0], ctx), args[1]
        if n < 0:
            _nonzero(ctx, (a_num, a_den), "power of zero")
            a_num, a_den = np.where(a_num < 0, -a_den, a_den), np.abs(a_num)
            n = -n
        return a_num**n, a_den**n
    if op in ("sum_coords", "prod_coords", "norm2sq", "parity"):
        body = args[0] if args else ["mul", ["t"], ["t"]] if op == "norm2sq" else ["t"]
        terms = [_ev(body, _Ctx(ctx.nums, ctx.den, ctx.layers, _ev(["x", i], ctx))) for i in range(ctx.nums.shape[1])]
        acc = terms[0]
        for term in terms[1:]:
            acc = _arith("mul" if op == "prod_coords" else "add", acc, term, ctx)
        return _arith("mod", acc, _const(ctx, Fraction(2)), ctx) if op == "parity" else acc
    if op == "ip_mod2":
        d = ctx.nums.shape[1]
        acc = _const(ctx, Fraction(0))
        for i in range(d // 2):
            acc = _arith("add", acc, _arith("mul", _ev(["x", i], ctx), _ev(["x", i + d // 2], ctx), ctx), ctx)
        return _arith("mod", acc, _const(ctx, Fraction(2)), ctx)
    if op == "if":
        c = _ev(args[0], ctx)[0].astype(bool)
        a, b = _ev(args[1], ctx), _ev(args[2], ctx)
        return np.where(c, a[0], b[0]), np.where(c, a[1], b[1])
    if op == "clip":
        return _ev(["max", args[1], ["min", args[0], args[2]]], ctx)
    vals = [_ev(a, ctx) for a in args]
    if op in _UNARY:
        (num, den_), = vals
        if op == "neg":
            return -num, den_
        if op == "abs":
            return np.abs(num), den_
        if op == "floor":
            return num // den_, np.ones_like(den_)
        if op == "not":
            return (num == 0).astype(object), np.ones_like(den_)
    acc = vals[0]
    for v in vals[1:]:
        acc = _arith(op, acc, v, ctx)
    return acc


def _arith(op, a, b, ctx):
    if op == "add":
        if a[1] is b[1] or np.array_equal(a[1], b[1]):
            return a[0] + b[0], a[1]
        return _reduce(a[0] * b[1] + b[0] * a[1], a[1] * b[1])
    if op == "sub":
        return _arith("add", a, (-b[0], b[1]), ctx)
    if op == "mul":
        return _reduce(a[0] * b[0], a[1] * b[1])
    if op == "div":
        _nonzero(ctx, b, "division")
        num, den = a[0] * b[1], a[1] * b[0]
        return _reduce(np.where(den < 0, -num, num), np.abs(den))
    if op == "mod":
        _nonzero(ctx, b, "modulus")
        q = _arith("div", a, b, ctx)
        fl = (q[0] // q[1], np.ones_like(q[1]))
        return _arith("sub", a, _arith("mul", b, fl, ctx), ctx)
    if op in ("min", "max"):
        lhs, rhs = _cmp(a, b)
        take_a = lhs <= rhs if op == "min" else lhs >= rhs
        return np.where(take_a, a[0], b[0]), np.where(take_a, a[1], b[1])
    if op in ("lt", "le", "gt", "ge", "eq", "ne"):
        lhs, rhs = _cmp(a, b)
        res = {"lt": lhs < rhs, "le": lhs <= rhs, "gt": lhs > rhs, "ge": lhs >= rhs,
               "eq": lhs == rhs, "ne": lhs != rhs}[op]
        return np.asarray(res, dtype=bool).astype(object), np.ones(ctx.n, dtype=object)
    if op == "and":
        return (a[0].astype(bool) & b[0].astype(bool)).astype(object), a[1]
    if op == "or":
        return (a[0].astype(bool) | b[0].astype(bool)).astype(object), a[1]
    raise MalformedError(f"expression: unknown operator {op!r}")
