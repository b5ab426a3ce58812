"""Expressions (targets and step values): parsing under limits, exact evaluation on a chunk."""

import time
from dataclasses import dataclass, field, replace
from functools import reduce

import numpy as np

from . import rat
from .errors import LimitError, MalformedError
from .fields import integer, kind, rational
from .network import forward, parse_network, prepare

_ARITY = {"add": (2, None), "mul": (2, None), "min": (1, None), "max": (1, None), "sub": (2, 2),
          "neg": (1, 1), "div": (2, 2), "abs": (1, 1), "floor": (1, 1), "mod": (2, 2),
          "sum_coords": (1, 1), "prod_coords": (1, 1), "x": (1, 1), "pow": (2, 2), "clip": (3, 3),
          "if": (3, 3), "network": (2, 2), "t": (0, 0), "norm2sq": (0, 0), "parity": (0, 0),
          "ip_mod2": (0, 0), "v": (2, 2), "and": (2, None), "or": (2, None), "not": (1, 1)}
_CMP = {"lt": np.less, "le": np.less_equal, "gt": np.greater, "ge": np.greater_equal,
        "eq": np.equal, "ne": np.not_equal}
_ARITY.update({op: (2, 2) for op in _CMP})
_ARITY.update(sqrt=(1, 1), sin=(1, 1), cos=(1, 1), exp=(1, 1), norm=(0, 0), pi=(0, 0))  # irrational: real.py
_CONDITIONS = ("and", "or", "not", *_CMP)


class Parser:
    """Parses expressions over a d-dimensional domain, counting nodes and nested network weights.
    ["v", l, i] is accepted once `sizes` (the network's layer sizes) is set, i.e. in step claims."""
    def __init__(self, d, limits, weights_used, neurons_used=0):
        self.d, self.limits, self.nodes, self.weights, self.sizes = d, limits, 0, weights_used, None
        self.neurons = neurons_used  # of the network and of the networks nested so far (one budget)

    def expr(self, v, where, bound=False, conditional=False):
        """Return the node tuple of an expression (or condition); `bound`: ["t"] is bound here."""
        self.nodes += 1
        if self.nodes > self.limits.max_expr_nodes:
            raise LimitError(f"{where}: more than {self.limits.max_expr_nodes} expression nodes (limit)")
        if not isinstance(v, list) and not conditional:
            return ("const", rational(v, where, self.limits))
        if not (isinstance(v, list) and v and isinstance(v[0], str) and v[0] in _ARITY
                and (v[0] in _CONDITIONS) == conditional):
            shown = repr(v[0])[:40] if isinstance(v, list) and v else kind(v)
            raise MalformedError(f"{where}: expected {'a condition' if conditional else 'an expression'}, got {shown}")
        (op, *args), (lo, hi) = v, _ARITY[v[0]]
        if len(args) < lo or (hi is not None and len(args) > hi):
            raise MalformedError(f"{where}: {op!r} takes {lo}{'' if hi == lo else ' or more'} arguments, "
                                 f"got {len(args)}")
        sub = [f"{where}[{k + 1}]" for k in range(len(args))]
        if op == "x":
            return ("x", integer(args[0], sub[0], 0, self.d - 1))
        if op == "v" and self.sizes is None:
            raise MalformedError(f"{where}: [\"v\", l, i] is allowed only in step claims")
        if op in ("sqrt", "norm", "sin", "cos", "exp", "pi") and self.sizes is not None:
            raise MalformedError(f"{where}: {op!r} (irrational) is allowed only in targets, not in step claims")
        if op == "v":
            l = integer(args[0], sub[0], 1, len(self.sizes) - 1)
            return ("v", l, integer(args[1], sub[1], 0, self.sizes[l] - 1))
        if op == "pow":
            return ("pow", self.expr(args[0], sub[0], bound), integer(args[1], sub[1], -64, 64))
        if op == "clip":
            lo, hi = (("const", rational(a, s, self.limits)) for a, s in zip(args[1:], sub[1:]))
            return ("clip", self.expr(args[0], sub[0], bound), lo, hi)
        if op == "network":
            net = parse_network(args[0], sub[0], self.limits, self.limits.max_weights - self.weights,
                                max(1, self.limits.max_neurons - self.neurons))
            self.weights, self.neurons = self.weights + sum(len(L.weights) for L in net.layers), self.neurons + sum(net.sizes[1:])
            if net.input_dim != self.d:
                raise MalformedError(f"{sub[0]}.input_dim: {net.input_dim}, but the domain has d = {self.d}")
            return ("network", net, integer(args[1], sub[1], 0, net.layers[-1].size - 1))
        if op == "t" and not bound:
            raise MalformedError(f"{where}: [\"t\"] outside sum_coords/prod_coords")
        if op == "ip_mod2" and self.d % 2:
            raise MalformedError(f"{where}: ip_mod2 needs an even dimension, the domain has d = {self.d}")
        conds = [op in ("and", "or", "not") or (op == "if" and k == 0) for k in range(len(args))]
        return (op,) + tuple(self.expr(a, s, bound or op.endswith("_coords"), c) for a, s, c in zip(args, sub, conds))


@dataclass(frozen=True, eq=False)
class Env:
    """Points under evaluation: numerators x (d, m, Python ints) over den, their domain indices,
    their columns `cols` in the chunk whose network layer values are `layers` (denominators `dens`)."""
    x: np.ndarray
    den: int
    index: np.ndarray
    domain: object
    plans: dict
    layers: list
    dens: tuple
    cols: np.ndarray
    where: str = ""
    t: int = None
    memo: dict = field(default_factory=dict)
    max_bits: int = 1 << 17  # Limits.max_value_bits: refuse a node whose value may need more bits
    deadline: float = float("inf")  # time.monotonic() past which evaluation is refused (Limits.max_seconds)

    def subset(self, mask):
        """Return the environment of the points where mask holds."""
        return replace(self, x=self.x[:, mask], index=self.index[mask], cols=self.cols[mask], memo={})

    def fail(self, what):
        """Return a function raising MalformedError for `what` at the k-th point."""
        def bad(k):
            raise MalformedError(f"{self.where}: {what} at x={self.domain.show_point(int(self.index[k]))}")
        return bad


def _mod(a, m, env):
    """Return a - m*floor(a/m), refusing a zero modulus."""
    q = _mul(a, rat.inverse(m, env.fail("zero modulus in mod")))
    return rat.add(a, _mul(m, (-(q[0] // q[1]), 1)))


def _mul(a, b):
    """Return a * b."""
    return a[0] * b[0], a[1] * b[1]


def _pick(op):
    """Return the binary min or max of two values."""
    return lambda a, b: rat.select((rat.diff(b, a) < 0) if op == "min" else (rat.diff(b, a) > 0), b, a)


def _network(net, o, env):
    """Return output o of a nested network at env's points."""
    if id(net) not in env.plans:
        env.plans[id(net)] = prepare(net, env.domain.box(), env.domain.den, max_bits=env.max_bits)
    if id(net) not in env.memo:
        env.memo[id(net)] = forward(env.plans[id(net)], env.x)[-1]
    return rat.obj(env.memo[id(net)][o]), env.plans[id(net)].dens[-1]


_SIMPLE = {"add": lambda a, env: reduce(rat.add, a), "mul": lambda a, env: reduce(_mul, a),
           "min": lambda a, env: reduce(_pick("min"), a), "max": lambda a, env: reduce(_pick("max"), a),
           "sub": lambda a, env: rat.add(a[0], (-a[1][0], a[1][1])), "neg": lambda a, env: (-a[0][0], a[0][1]),
           "div": lambda a, env: _mul(a[0], rat.inverse(a[1], env.fail("division by zero"))),
           "abs": lambda a, env: (np.abs(a[0][0]), a[0][1]), "floor": lambda a, env: (a[0][0] // a[0][1], 1),
           "mod": lambda a, env: _mod(a[0], a[1], env),
           "clip": lambda a, env: _pick("max")(a[1], _pick("min")(a[0], a[2]))}


_GROWS = ("add", "sub", "mul", "div", "mod", "pow", "sum_coords", "prod_coords")


def bits(node, env) -> int:
    """Return a bound on the bits of the numerators and denominators of a node's value at env's points:
    leaves are measured; a sum, difference, product or quotient needs at most the bits of its parts plus
    one per part, mod twice that, a k-th power |k| times its base; the other operations no more than a part."""
    if ("bits", id(node)) not in env.memo:
        op, kids, d = node[0], [bits(c, env) for c in node[1:] if isinstance(c, tuple)], env.x.shape[0]
        size = lambda n, den: max(int(np.max(np.abs(n), initial=0)).bit_length(), int(np.max(den)).bit_length())
        x = env.memo["bits", "x"] = env.memo.get(("bits", "x")) or size(env.x, env.den)
        env.memo["bits", id(node)] = (
            max(node[1].numerator.bit_length(), node[1].denominator.bit_length()) if op == "const" else
            x if op in ("x", "t") else size(env.layers[node[1]][node[2]], env.dens[node[1]]) if op == "v" else
            size(*value(node, env)) if op in ("network", "add") else 6 * x + 2 * d + 8 if op in ("norm2sq", "parity", "ip_mod2") else
            abs(node[2]) * kids[0] + 1 if op == "pow" else 2 * sum(kids) + 1 if op == "mod" else
            d * (kids[0] + 1) if op.endswith("_coords") else sum(kids) + len(kids) if op in _GROWS else max(kids, default=0))
    return env.memo["bits", id(node)]


def value(node, env):
    """Return the exact value (numerators, denominator) of an expression node at env's points."""
    op, m, d = node[0], env.x.shape[1], env.x.shape[0]
    if time.monotonic() > env.deadline:
        raise LimitError(f"{env.where}: the time budget of the pointwise claims is spent (limit)")
    if op == "add":  # measured, not estimated: each partial sum is checked as it is built
        if ("value", id(node), env.t) not in env.memo:
            acc = value(node[1], env)
            for kid in node[2:]:
                acc = rat.add(acc, value(kid, env))
                if max(int(np.max(np.abs(acc[0]), initial=0)).bit_length(), int(np.max(acc[1])).bit_length()) > env.max_bits:
                    raise LimitError(f"{env.where}: an intermediate value needs more than {env.max_bits} bits (limit)")
            env.memo["value", id(node), env.t] = acc
        return env.memo["value", id(node), env.t]
    if op in _GROWS and bits(node, env) > env.max_bits:
        raise LimitError(f"{env.where}: an intermediate value may need more than {env.max_bits} bits (limit)")
    if op in _SIMPLE:
        return _SIMPLE[op]([value(c, env) for c in node[1:]], env)
    if op == "const":
        return np.full(m, node[1].numerator, dtype=object), node[1].denominator
    if op in ("x", "t"):
        return env.x[node[1] if op == "x" else env.t], env.den
    if op == "network":
        return _network(node[1], node[2], env)
    if op == "v":
        return rat.obj(env.layers[node[1]][node[2]][env.cols]), env.dens[node[1]]
    if op == "pow":
        base, k = value(node[1], env), node[2]
        if k < 0:
            base, k = rat.inverse(base, env.fail("zero to a negative power")), -k
        return base[0] ** k, base[1] ** k
    if op in ("sum_coords", "prod_coords"):
        return reduce(rat.add if op == "sum_coords" else _mul, [value(node[1], replace(env, t=i)) for i in range(d)])
    if op == "norm2sq":
        return (env.x ** 2).sum(axis=0), env.den ** 2
    if op in ("parity", "ip_mod2"):
        s = (env.x.sum(axis=0), env.den) if op == "parity" else \
            ((env.x[:d // 2] * env.x[d // 2:]).sum(axis=0), env.den ** 2)
        return _mod(s, (np.full(m, 2, dtype=object), 1), env)
    mask = truth(node[1], env)  # "if": each branch is evaluated only where it is taken
    if mask.all() or not mask.any():
        return value(node[2] if mask.all() else node[3], env)
    yes, no = value(node[2], env.subset(mask)), value(node[3], env.subset(~mask))
    out = (np.empty(m, dtype=object), np.empty(m, dtype=object))
    for part in (0, 1):
        out[part][mask], out[part][~mask] = yes[part], no[part]
    return out


def truth(node, env) -> np.ndarray:
    """Return the boolean array of a condition node at env's points."""
    op = node[0]
    if op in _CMP:
        return _CMP[op](rat.diff(value(node[1], env), value(node[2], env)), 0).astype(bool)
    if op == "not":
        return ~truth(node[1], env)
    parts = [truth(c, env) for c in node[1:]]
    return np.logical_and.reduce(parts) if op == "and" else np.logical_or.reduce(parts)
