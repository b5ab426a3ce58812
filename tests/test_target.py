"""Target expressions: exact semantics checked against direct Fraction arithmetic."""

import itertools
import math
from fractions import Fraction as F

import numpy as np
import pytest

from certify import BooleanCube, Grid, MalformedError, Network, Points
from certify.target import (abs_, bit, clip, coords, evaluate_expr, floor, ip_mod2, max_, min_, mod, network_target,
                            norm2sq, parity, sum_coords, where, T)


def values(expr, domain):
    nums, den = domain.chunk(0, domain.size)
    n, d = evaluate_expr(expr.ast if hasattr(expr, "ast") else expr, nums, den)
    return [F(int(a), int(b)) for a, b in zip(n, d)]


def test_arithmetic_matches_fractions():
    x = coords(2)
    g = Grid(2, 1, 3)
    e = (x[0] ** 2 - 3 * x[1]) / 7 + abs_(x[0] - x[1]) * F(1, 2)
    assert values(e, g) == [(a * a - 3 * b) / 7 + abs(a - b) / 2 for a, b in g]
    assert values(floor(x[0] * 5 / 2), g) == [F(math.floor(a * 5 / 2)) for a, _ in g]
    assert values(mod(x[0] * 3 + 3, 2), g) == [(a * 3 + 3) % 2 for a, _ in g]
    assert values(min_(x[0], x[1], F(1, 3)), g) == [min(a, b, F(1, 3)) for a, b in g]
    assert values(max_(x[0], -x[1]), g) == [max(a, -b) for a, b in g]
    assert values(clip(x[0] * 4, -1, 2), g) == [max(F(-1), min(4 * a, F(2))) for a, _ in g]
    assert values(where(x[0] > x[1], 1, 0), g) == [F(int(a > b)) for a, b in g]
    assert values(norm2sq(), g) == [a * a + b * b for a, b in g]
    assert values(sum_coords(abs_(T) * 2), g) == [2 * (abs(a) + abs(b)) for a, b in g]


def test_boolean_targets():
    cube = BooleanCube(4)
    assert values(parity(), cube) == [F(sum(p) % 2) for p in itertools.product([0, 1], repeat=4)]
    assert values(ip_mod2(), cube) == [F((p[0] * p[2] + p[1] * p[3]) % 2) for p in itertools.product([0, 1], repeat=4)]
    x = coords(4)
    assert values(bit(x[0] + 2 * x[1] + 4 * x[2], 1), cube) == [F(p[1]) for p in itertools.product([0, 1], repeat=4)]


def test_network_target_and_negative_powers():
    net = Network.from_layers([([[1], [-1]], [0, 0]), ([[1, 1]], None)])
    g = Grid(1, 2, 2)
    assert values(network_target(net), g) == [abs(a) for (a,) in g]
    x = coords(1)
    pts = Grid(1, 1, 1)
    with pytest.raises(MalformedError, match="division by zero at x="):
        values(1 / x[0], pts)
    with pytest.raises(MalformedError, match="unknown operator"):
        values(["foo", ["x", 0]], pts)
    assert values(x[0] ** -2, Points([[2], ["-1/2"]])) == [F(1, 4), 4]


def test_no_float_enters():
    with pytest.raises(MalformedError):
        coords(1)[0] + 0.5
    nums = np.array([[1]])
    with pytest.raises(MalformedError):
        evaluate_expr(["add", ["x", 0], 0.25], nums, 1)
