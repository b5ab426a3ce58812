"""Finite input domains: parsing, size, and enumeration of points by index (mixed radix)."""

from dataclasses import dataclass
from fractions import Fraction
from math import lcm

import numpy as np

from .errors import LimitError, MalformedError
from .fields import integer, lst, obj, rational, rationals
from .numbers import format_rational

_KEYS = {"grid": ("d", "R", "p"), "boolean_cube": ("d",), "product": ("sets",), "points": ("points",)}


@dataclass(frozen=True, eq=False)
class Domain:
    """A finite domain; coordinates are integer numerators over the common denominator `den`.
    Coordinate c of point i has digit k = (i // strides[c]) % radix[c] and numerator axes[c][k],
    or k + axes[c] when axes[c] is an int offset."""
    d: int
    den: int
    size: int
    strides: tuple
    radix: tuple
    axes: tuple
    desc: str

    def numerators(self, start: int, stop: int) -> np.ndarray:
        """Return the numerators of points start..stop-1 as a (d, m) integer array."""
        i = np.arange(start, stop, dtype=np.int64)
        cols = [(i // s) % r + a if isinstance(a, int) else a[(i // s) % r]
                for s, r, a in zip(self.strides, self.radix, self.axes)]
        return np.array(cols, dtype=object if any(col.dtype == object for col in cols) else np.int64)

    def box(self) -> list:
        """Return, per coordinate, the largest absolute numerator over the domain."""
        return [max(abs(a), abs(a + r - 1)) if isinstance(a, int) else int(np.abs(a).max())
                for a, r in zip(self.axes, self.radix)]

    def show_point(self, index: int) -> str:
        """Return the point with this index written like (3/4,-1/2)."""
        nums = self.numerators(index, index + 1)[:, 0]
        return "(" + ",".join(str(format_rational(Fraction(int(v), self.den))) for v in nums) + ")"


def _size(radix, limits) -> int:
    """Return the product of the radices, refusing it as soon as it passes the point limit."""
    size = 1
    for r in radix:
        size *= r
        if size > limits.max_points:
            raise LimitError(f"domain: more than {limits.max_points} points (limit)")
    return size


def _den(values, limits) -> int:
    """Return the least common denominator of rationals, refusing one over the value-size limit."""
    den = 1
    for q in values:
        den = lcm(den, q.denominator)
        if den.bit_length() > limits.max_value_bits:
            raise LimitError(f"domain: the common denominator of the points has over {limits.max_value_bits} bits (limit)")
    return den


def _axis(values, den) -> np.ndarray:
    """Return the numerators over `den` of rationals: int64 when small, else Python ints."""
    nums = [int(q * den) for q in values]
    return np.array(nums, dtype=np.int64 if all(abs(v) < 2**62 for v in nums) else object)


def _product(radix, axes, den, desc) -> Domain:
    """Return the product domain with these axes, enumerated with the last coordinate fastest."""
    strides = [1]
    for r in reversed(radix[1:]):
        strides.insert(0, strides[0] * r)
    return Domain(len(radix), den, strides[0] * radix[0], tuple(strides), tuple(radix), tuple(axes), desc)


def parse_domain(value, limits) -> Domain:
    """Return the Domain of the `domain` object; its size is checked before anything is built."""
    kind = obj(value, "domain", ("kind",), ("d", "R", "p", "sets", "points"))["kind"]
    if not isinstance(kind, str) or kind not in _KEYS:
        raise MalformedError(f"domain.kind: unknown domain kind {str(kind)[:40]!r}")
    obj(value, "domain", ("kind",) + _KEYS[kind])
    if kind == "boolean_cube":
        d = integer(value["d"], "domain.d", lo=1)
        _size((2 for _ in range(d)), limits)
        return _product((2,) * d, (0,) * d, 1, f"boolean cube {{0,1}}^{d}")
    if kind == "grid":
        d, p = integer(value["d"], "domain.d", lo=1), integer(value["p"], "domain.p", lo=1)
        R = rational(value["R"], "domain.R", limits)
        if R <= 0 or (R * p).denominator != 1:
            raise MalformedError(f"domain: R = {format_rational(R)} must be > 0 with R*p an integer")
        Rp = int(R * p)
        _size((2 * Rp + 1 for _ in range(d)), limits)
        return _product((2 * Rp + 1,) * d, (-Rp,) * d, p, f"grid I^{d}, I = {{j/{p} : {-Rp} <= j <= {Rp}}}")
    if kind == "product":
        sets = lst(value["sets"], "domain.sets", 1)
        _size([len(lst(s, f"domain.sets[{c}]", 1)) for c, s in enumerate(sets)], limits)
        sets = [rationals(s, f"domain.sets[{c}]", limits) for c, s in enumerate(sets)]
        for c, s in enumerate(sets):
            if any(a >= b for a, b in zip(s, s[1:])):
                raise MalformedError(f"domain.sets[{c}]: values must be strictly increasing")
        den = _den((q for s in sets for q in s), limits)
        return _product([len(s) for s in sets], [_axis(s, den) for s in sets], den,
                        f"product of {len(sets)} finite sets")
    points = lst(value["points"], "domain.points", 1)
    _size([len(points)], limits)
    d, first = len(lst(points[0], "domain.points[0]", 1)), {}
    pts = [rationals(x, f"domain.points[{k}]", limits, d) for k, x in enumerate(points)]
    for k, x in enumerate(pts):
        if first.setdefault(x, k) != k:
            raise MalformedError(f"domain.points[{k}]: duplicate of domain.points[{first[x]}]")
    den = _den((q for x in pts for q in x), limits)
    axes = tuple(_axis([x[c] for x in pts], den) for c in range(d))
    return Domain(d, den, len(pts), (1,) * d, (len(pts),) * d, axes, f"{len(pts)} listed points")
