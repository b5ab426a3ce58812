"""Parametric claims from sympy: a construction's depth, width and max weight as formulas in its parameters,
and bounds on them proven by Z3 for every parameter value in range (docs/format.md, weight_bounds.parametric)."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import sympy

from ..kernel import Limits
from ..kernel import parametric as kp
from ..kernel.errors import ClaimError, MalformedError
from ..kernel.numbers import format_rational
from ..network import Network


@dataclass(frozen=True)
class Parameter:
    """A parameter of a construction: integer or rational, in [min, max] (None: unbounded)."""

    name: str
    min: Fraction | int | None = 1
    max: Fraction | int | None = None
    integer: bool = True

    def json(self) -> dict:
        """Return the certificate form of the declaration."""
        bound = lambda v: None if v is None else format_rational(Fraction(v))
        return {"name": self.name, "integer": self.integer, "min": bound(self.min), "max": bound(self.max)}


def to_expr(e) -> object:
    """Return the certificate expression of a sympy expression (polynomials, max/min, floor/ceiling,
    division by non-zero constants)."""
    if isinstance(e, (int, Fraction)):
        e = sympy.Rational(e.numerator, e.denominator)
    if not isinstance(e, sympy.Basic):  # never sympify: it would eval a string
        raise MalformedError(f"parametric formula {str(e)[:40]!r}: give a sympy expression or a number")
    if e.is_Rational:
        return format_rational(Fraction(int(e.p), int(e.q)))
    if e.is_Symbol:
        return ["p", e.name]
    heads = {sympy.Add: "add", sympy.Mul: "mul", sympy.Max: "max", sympy.Min: "min"}
    for cls, op in heads.items():
        if isinstance(e, cls):
            return [op, *(to_expr(a) for a in e.args)]
    if isinstance(e, (sympy.floor, sympy.ceiling)):
        return ["floor" if isinstance(e, sympy.floor) else "ceil", to_expr(e.args[0])]
    if isinstance(e, sympy.Pow) and e.exp.is_Integer:
        if e.exp >= 0:
            return ["pow", to_expr(e.base), int(e.exp)]
        if e.base.is_Rational:
            return to_expr(sympy.Rational(e.base) ** e.exp)
    raise MalformedError(f"parametric formula: cannot express {e} (polynomials, max, min, floor, ceiling, "
                         "division by constants only)")


def parametric_claim(parameters, at: dict, formulas: dict, bounds, net: Network | None = None) -> dict:
    """Return a `weight_bounds.parametric` claim after checking it: the formulas (sympy, for "depth", "width",
    "max_weight") agree with `net` at `at`, and Z3 proves every bound (quantity, "le" | "eq", sympy) for all
    parameter values in range. A failing bound raises ClaimError with the parameter values refuting it."""
    claim = {"parameters": [p.json() for p in parameters],
             "at": {n: format_rational(Fraction(v)) for n, v in at.items()},
             "formulas": {q: to_expr(f) for q, f in formulas.items()},
             "bounds": [{"quantity": q, "relation": r, "bound": to_expr(b)} for q, r, b in bounds]}
    parsed = kp.parse_parametric(claim, Limits())
    if net is not None:
        actual = {"depth": net.depth, "width": net.width, "max_weight": net.max_weight}
        for q, e in parsed["formulas"].items():
            if kp.evaluate(e, parsed["at"]) != actual[q]:
                raise ClaimError(f"parametric: formula {q} = {formulas[q]} gives {kp.evaluate(e, parsed['at'])} "
                                 f"at {at}, the network has {actual[q]}")
    bad = kp.in_range(parsed["params"], parsed["at"])
    if bad:
        raise MalformedError(f"parametric: {bad}")
    for q, r, b in parsed["bounds"]:
        cex = kp.prove(parsed["params"], parsed["formulas"][q], r, b)
        if cex is not None:
            sides = f": {q} = {kp.evaluate(parsed['formulas'][q], cex)}, bound = {kp.evaluate(b, cex)}" \
                if all(isinstance(v, Fraction) for v in cex.values()) else ""
            raise ClaimError(f"parametric: {q} {r} bound fails at {({n: str(v) for n, v in cex.items()})}{sides}")
    return claim
