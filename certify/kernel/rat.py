"""Exact rationals on arrays: a value is (numerators, denominator); numerators are an object array
of Python ints, the denominator a positive Python int or a positive object array."""

from math import gcd

import numpy as np


def obj(a) -> np.ndarray:
    """Return `a` (integers, possibly held in float64) as an object array of Python ints."""
    a = np.asarray(a)
    return (a.astype(np.int64) if a.dtype == np.float64 else a).astype(object)


def select(mask, a, b):
    """Return the value equal to `a` where mask holds and to `b` elsewhere."""
    same = not isinstance(a[1], np.ndarray) and not isinstance(b[1], np.ndarray) and a[1] == b[1]
    return obj(np.where(mask, a[0], b[0])), a[1] if same else obj(np.where(mask, obj(a[1]), obj(b[1])))


def add(a, b):
    """Return a + b."""
    (n1, d1), (n2, d2) = a, b
    if isinstance(d1, np.ndarray) or isinstance(d2, np.ndarray):
        return n1 * d2 + n2 * d1, d1 * d2
    common = d1 // gcd(d1, d2) * d2
    return n1 * (common // d1) + n2 * (common // d2), common


def diff(a, b) -> np.ndarray:
    """Return an object array with the sign of a - b at every position."""
    return a[0] * b[1] - b[0] * a[1]


def inverse(a, bad):
    """Return 1/a; first call bad(k) (which raises) with the first position k where a is zero."""
    zero = np.flatnonzero(a[0] == 0)
    if len(zero):
        bad(int(zero[0]))
    sign = np.where(a[0] < 0, -1, 1).astype(object)
    return sign * a[1], sign * a[0]
