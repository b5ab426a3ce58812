"""Parametric claims: formulas in the construction's parameters, proven for every parameter value in range.

Expressions: a rational | ["p", name] | ["add"|"mul"|"max"|"min", e, e, ...] | ["sub", e, e] | ["neg", e]
| ["div", e, c] (c a non-zero rational) | ["pow", e, n] (0 <= n <= 64) | ["floor", e] | ["ceil", e].
"""

import math
from fractions import Fraction
from functools import reduce

import z3

from .errors import MalformedError
from .fields import integer, kind, lst, obj, rational, typed
from .smt import decide, make_solver, num, point

_ARITY = {"p": 1, "sub": 2, "neg": 1, "div": 2, "pow": 2, "floor": 1, "ceil": 1}
_NARY = ("add", "mul", "max", "min")
QUANTITIES = ("depth", "width", "max_weight")
RELATIONS = {"le": lambda a, b: a <= b, "eq": lambda a, b: a == b}


def parse_expr(v, names, where, limits):
    """Return a checked parametric expression (same JSON form) naming only declared parameters."""
    if not isinstance(v, list):
        return rational(v, where, limits)
    if not v or v[0] not in _ARITY and v[0] not in _NARY:
        raise MalformedError(f"{where}: expected a parametric expression, got {str(v)[:40]}")
    op, args = v[0], v[1:]
    if (op in _NARY and len(args) < 2) or (op in _ARITY and len(args) != _ARITY[op]):
        raise MalformedError(f"{where}: wrong number of arguments for {op!r}")
    if op == "p":
        if args[0] not in names:
            raise MalformedError(f"{where}: unknown parameter {str(args[0])[:40]!r}")
        return ("p", args[0])
    if op == "pow":
        return ("pow", parse_expr(args[0], names, f"{where}[1]", limits), integer(args[1], f"{where}[2]", 0, 64))
    if op == "div" and (isinstance(args[1], list) or rational(args[1], f"{where}[2]", limits) == 0):
        raise MalformedError(f"{where}: a divisor must be a non-zero rational constant")
    return (op, *(parse_expr(a, names, f"{where}[{k}]", limits) for k, a in enumerate(args, 1)))


def evaluate(e, at: dict) -> Fraction:
    """Return the exact value of an expression at the parameter values `at`."""
    if isinstance(e, Fraction):
        return e
    op, args = e[0], e[1:]
    if op == "p":
        return at[args[0]]
    if op == "pow":
        return evaluate(args[0], at) ** args[1]
    vals = [evaluate(a, at) for a in args]
    ops = {"add": lambda: sum(vals, Fraction(0)), "mul": lambda: math.prod(vals, start=Fraction(1)),
           "max": lambda: max(vals), "min": lambda: min(vals), "sub": lambda: vals[0] - vals[1],
           "neg": lambda: -vals[0], "div": lambda: vals[0] / vals[1],
           "floor": lambda: Fraction(math.floor(vals[0])), "ceil": lambda: Fraction(math.ceil(vals[0]))}
    return ops[op]()


def to_z3(e, symbols: dict) -> tuple:
    """Return (t, d) with the expression = t / d, d a positive integer: denominators are cleared, so with
    integer parameters t stays in integer arithmetic (floor is integer division) and Z3 decides it well."""
    if isinstance(e, Fraction):
        return z3.IntVal(e.numerator), e.denominator
    op, args = e[0], e[1:]
    if op == "p":
        return symbols[args[0]], 1
    if op == "pow":
        t, d = to_z3(args[0], symbols)
        return math.prod([t] * args[1], start=z3.IntVal(1)), d ** args[1]
    if op == "div":
        (t, d), c = to_z3(args[0], symbols), args[1]
        return t * (c.denominator if c > 0 else -c.denominator), d * abs(c.numerator)
    if op in ("floor", "ceil"):
        t, d = to_z3(args[0], symbols)
        t = t if op == "floor" else -t
        q = t / d if t.is_int() else z3.ToInt(t / z3.RealVal(d))  # Z3 integer division floors for d > 0
        return (q if op == "floor" else -q), 1
    parts = [to_z3(a, symbols) for a in args]
    if op == "mul":
        return math.prod([t for t, _ in parts[1:]], start=parts[0][0]), math.prod(d for _, d in parts)
    L = math.lcm(*(d for _, d in parts))
    t = [t * (L // d) for t, d in parts]
    ops = {"add": lambda: z3.Sum(t), "sub": lambda: t[0] - t[1], "neg": lambda: -t[0],
           "max": lambda: reduce(lambda a, b: z3.If(a >= b, a, b), t),
           "min": lambda: reduce(lambda a, b: z3.If(a <= b, a, b), t)}
    return ops[op](), L


def parse_parametric(value, limits) -> dict:
    """Return the parsed parametric claim: parameters, `at`, formulas and bounds."""
    obj(value, "parametric", ("parameters", "at", "formulas", "bounds"))
    params = {}
    for k, p in enumerate(lst(value["parameters"], "parametric.parameters", 1)):
        w = f"parametric.parameters[{k}]"
        obj(p, w, ("name", "integer", "min", "max"))
        name = typed(p["name"], f"{w}.name", str)
        if name in params or not isinstance(p["integer"], bool):
            raise MalformedError(f"{w}: repeated name or non-boolean 'integer' ({kind(p['integer'])})")
        params[name] = (p["integer"], *(None if p[key] is None else rational(p[key], f"{w}.{key}", limits)
                                       for key in ("min", "max")))
    at = obj(value["at"], "parametric.at", tuple(params))
    at = {n: rational(at[n], f"parametric.at.{n}", limits) for n in params}
    formulas = obj(value["formulas"], "parametric.formulas", (), QUANTITIES)
    formulas = {q: parse_expr(e, params, f"parametric.formulas.{q}", limits) for q, e in formulas.items()}
    bounds = []
    for k, b in enumerate(lst(value["bounds"], "parametric.bounds")):
        w = f"parametric.bounds[{k}]"
        obj(b, w, ("quantity", "relation", "bound"))
        if b["quantity"] not in formulas or b["relation"] not in RELATIONS:
            raise MalformedError(f"{w}: quantity must have a formula and relation be 'le' or 'eq'")
        bounds.append((b["quantity"], b["relation"], parse_expr(b["bound"], params, f"{w}.bound", limits)))
    return {"params": params, "at": at, "formulas": formulas, "bounds": bounds}


def in_range(params, at) -> str | None:
    """Return None if the values `at` lie in the declared ranges, else which one does not."""
    for name, (is_int, lo, hi) in params.items():
        v = at[name]
        if (is_int and v.denominator != 1) or (lo is not None and v < lo) or (hi is not None and v > hi):
            return f"{name} = {v} is outside its declared range"
    return None


def prove(params, quantity, relation, bound, timeout_ms=None):
    """Return None if Z3 proves quantity <relation> bound for all parameters in range, else a counterexample
    (dict of exact values). Raise TimeoutError if Z3 answers unknown."""
    symbols = {n: z3.Int(n) if is_int else z3.Real(n) for n, (is_int, _, _) in params.items()}
    solver = make_solver(timeout_ms=timeout_ms)
    for name, (_, lo, hi) in params.items():
        solver.add(*([symbols[name] >= num(lo)] if lo is not None else []),
                   *([symbols[name] <= num(hi)] if hi is not None else []))
    (q, dq), (b, db) = to_z3(quantity, symbols), to_z3(bound, symbols)
    model = decide(solver, q * db > b * dq if relation == "le" else q * db != b * dq)
    return None if model is None else dict(zip(params, point(model, list(symbols.values()))))
