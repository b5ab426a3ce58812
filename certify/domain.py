"""Finite input domains: the grid I^d, the Boolean cube, products of finite sets, point lists.

Every domain enumerates its points in lexicographic order with the last coordinate varying
fastest (the order of itertools.product), each coordinate increasing; `Points` keeps its list
order. A chunk [start, stop) of that order is produced as integer numerators over one common
denominator, without materialising the rest of the domain.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from .kernel.errors import MalformedError
from .kernel.numbers import format_rational, parse_rational

INT64_SAFE = 2**62


def _int_array(values) -> np.ndarray:
    """Return an int64 array if every value fits comfortably, else an object array of ints."""
    values = list(values)
    if all(-INT64_SAFE < v < INT64_SAFE for v in values):
        return np.array(values, dtype=np.int64)
    return np.array(values, dtype=object)


class Domain:
    """Base class: a finite, ordered set of points in Q^d."""

    d: int

    @property
    def size(self) -> int:
        """Return the number of points."""
        raise NotImplementedError

    def __len__(self) -> int:
        return self.size

    def bounding_box(self) -> tuple[tuple[Fraction, ...], tuple[Fraction, ...]]:
        """Return (lo, hi): the per-coordinate minimum and maximum."""
        raise NotImplementedError

    def chunk(self, start: int, stop: int) -> tuple[np.ndarray, int]:
        """Return (numerators of shape (n, d), common denominator) for points start..stop-1."""
        raise NotImplementedError

    def to_json(self) -> dict:
        """Return the certificate-format `domain` object."""
        raise NotImplementedError

    def point(self, index: int) -> tuple[Fraction, ...]:
        """Return the point with the given index."""
        if not 0 <= index < self.size:
            raise IndexError(f"point index {index} outside a domain of {self.size} points")
        nums, den = self.chunk(index, index + 1)
        return tuple(Fraction(int(v), den) for v in nums[0])

    def chunks(self, chunk_size: int = 1 << 15):
        """Yield (start, stop) index ranges covering the domain in order."""
        for start in range(0, self.size, chunk_size):
            yield start, min(start + chunk_size, self.size)

    def __iter__(self):
        for start, stop in self.chunks():
            nums, den = self.chunk(start, stop)
            for row in nums:
                yield tuple(Fraction(int(v), den) for v in row)


class _ProductDomain(Domain):
    """A product S_1 x ... x S_d of finite sets given as integer numerators over one denominator."""

    def _axes(self) -> tuple[list[list[int]], int]:
        raise NotImplementedError

    @property
    def size(self) -> int:
        axes, _ = self._axes()
        return math.prod(len(a) for a in axes)

    def bounding_box(self):
        axes, den = self._axes()
        return (tuple(Fraction(a[0], den) for a in axes), tuple(Fraction(a[-1], den) for a in axes))

    def chunk(self, start: int, stop: int):
        axes, den = self._axes()
        idx = np.arange(start, stop, dtype=np.int64) if self.size < INT64_SAFE else np.array(range(start, stop), dtype=object)
        cols = []
        for axis in reversed(axes):
            table = _int_array(axis)
            cols.append(table[idx % len(axis)])
            idx = idx // len(axis)
        nums = np.stack(cols[::-1], axis=1) if cols else np.zeros((stop - start, 0), dtype=np.int64)
        return nums, den


@dataclass(frozen=True)
class Grid(_ProductDomain):
    """I^d with I = { j/p : -R p <= j <= R p } (Vardi & Shamir, Theorem 3.2)."""

    d: int
    R: Fraction | int
    p: int

    def __post_init__(self):
        R = parse_rational(self.R, "grid R")
        object.__setattr__(self, "R", R)
        if not isinstance(self.d, int) or self.d < 1:
            raise MalformedError(f"grid d must be an integer >= 1, got {self.d!r}")
        if not isinstance(self.p, int) or isinstance(self.p, bool) or self.p < 1:
            raise MalformedError(f"grid p must be an integer >= 1, got {self.p!r}")
        if R <= 0 or (R * self.p).denominator != 1:
            raise MalformedError(f"grid R must be > 0 with R*p an integer, got R={R}, p={self.p}")

    @property
    def Rp(self) -> int:
        """Return R*p, the largest numerator."""
        return int(self.R * self.p)

    @property
    def size(self) -> int:
        return (2 * self.Rp + 1) ** self.d

    def _axes(self):
        return [range(-self.Rp, self.Rp + 1)] * self.d, self.p

    def bounding_box(self):
        return (tuple([-self.R] * self.d), tuple([self.R] * self.d))

    def chunk(self, start: int, stop: int):
        n = 2 * self.Rp + 1
        idx = np.arange(start, stop, dtype=np.int64) if self.size < INT64_SAFE else np.array(range(start, stop), dtype=object)
        cols = []
        for _ in range(self.d):
            cols.append(idx % n - self.Rp)
            idx = idx // n
        return np.stack(cols[::-1], axis=1), self.p

    def to_json(self):
        return {"kind": "grid", "d": self.d, "R": format_rational(self.R), "p": self.p}


@dataclass(frozen=True)
class BooleanCube(_ProductDomain):
    """{0,1}^d."""

    d: int

    def __post_init__(self):
        if not isinstance(self.d, int) or self.d < 1:
            raise MalformedError(f"boolean cube d must be an integer >= 1, got {self.d!r}")

    @property
    def size(self) -> int:
        return 2**self.d

    def _axes(self):
        return [[0, 1]] * self.d, 1

    def to_json(self):
        return {"kind": "boolean_cube", "d": self.d}


@dataclass(frozen=True)
class Product(_ProductDomain):
    """S_1 x ... x S_d for finite sets of rationals (each stored sorted, without repeats)."""

    sets: tuple[tuple[Fraction, ...], ...]

    def __init__(self, sets):
        parsed = []
        for i, s in enumerate(sets):
            values = sorted({parse_rational(v, f"product set {i} entry {k}") for k, v in enumerate(s)})
            if not values:
                raise MalformedError(f"product set {i} is empty")
            parsed.append(tuple(values))
        if not parsed:
            raise MalformedError("product domain has no coordinates")
        object.__setattr__(self, "sets", tuple(parsed))

    @property
    def d(self) -> int:
        return len(self.sets)

    def _axes(self):
        den = math.lcm(*(v.denominator for s in self.sets for v in s))
        return [[int(v * den) for v in s] for s in self.sets], den

    def to_json(self):
        return {"kind": "product", "sets": [[format_rational(v) for v in s] for s in self.sets]}


@dataclass(frozen=True)
class Points(Domain):
    """An explicit list of distinct points, kept in the given order."""

    points: tuple[tuple[Fraction, ...], ...]

    def __init__(self, points):
        parsed = tuple(tuple(parse_rational(v, f"point {k} coordinate {i}") for i, v in enumerate(p))
                       for k, p in enumerate(points))
        if not parsed:
            raise MalformedError("point list is empty")
        if len({len(p) for p in parsed}) != 1 or not parsed[0]:
            raise MalformedError("points must all have the same, positive dimension")
        if len(set(parsed)) != len(parsed):
            raise MalformedError("point list has repeated points")
        object.__setattr__(self, "points", parsed)

    @property
    def d(self) -> int:
        return len(self.points[0])

    @property
    def size(self) -> int:
        return len(self.points)

    def bounding_box(self):
        cols = list(zip(*self.points))
        return tuple(min(c) for c in cols), tuple(max(c) for c in cols)

    def chunk(self, start: int, stop: int):
        den = math.lcm(*(v.denominator for p in self.points[start:stop] for v in p))
        flat = _int_array(int(v * den) for p in self.points[start:stop] for v in p)
        return flat.reshape(stop - start, self.d), den

    def to_json(self):
        return {"kind": "points", "points": [[format_rational(v) for v in p] for p in self.points]}


def domain_from_json(obj) -> Domain:
    """Return the domain described by a certificate's `domain` object."""
    kind = obj.get("kind") if isinstance(obj, dict) else None
    if kind == "grid":
        return Grid(obj["d"], obj["R"], obj["p"])
    if kind == "boolean_cube":
        return BooleanCube(obj["d"])
    if kind == "product":
        return Product(obj["sets"])
    if kind == "points":
        return Points(obj["points"])
    raise MalformedError(f"domain: unknown kind {kind!r}")


def as_domain(domain_or_points) -> Domain:
    """Return a Domain: domains pass through, a list of points becomes `Points`."""
    return domain_or_points if isinstance(domain_or_points, Domain) else Points(domain_or_points)
