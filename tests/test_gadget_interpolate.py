"""interpolate_1d(knots, values): exact interpolant in depth 2; expected values from the line through two knots."""

from fractions import Fraction as F

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from certify import Product, certificate, evaluate
from certify.gadgets import interpolant_expr, interpolate_1d
from certify.kernel import check
from certify.reference import evaluate_point


def line(knots, values, x):
    """The interpolant at x in [t_0, t_{n-1}]: the line through the two knots around x."""
    i = max(k for k in range(len(knots) - 1) if knots[k] <= x)
    t0, t1, v0, v1 = knots[i], knots[i + 1], values[i], values[i + 1]
    return v0 + (v1 - v0) * (x - t0) / (t1 - t0)


def kinks(knots, values):
    s = [(values[i + 1] - values[i]) / (knots[i + 1] - knots[i]) for i in range(len(knots) - 1)]
    return [s[i] - s[i - 1] for i in range(1, len(s)) if s[i] != s[i - 1]], s


@pytest.mark.parametrize("knots,values,units", [
    ([-1, 0, 1], [1, 0, 1], 2),                    # |x|: relu(x) + relu(-x)
    ([0, F(1, 2), 1], [0, F(1, 4), 1], 2),         # x^2 at 0, 1/2, 1: one kink, affine part x/2 >= 0
    ([0, 1, 2, 3], [5, 5, 5, 5], 1),               # a constant costs one unit (no output bias)
    ([0, 1, 2], [0, 0, 0], 1),                     # zero: one idle unit (a layer is never empty)
    ([-1, 1], [-1, 1], 2),                         # x changes sign: relu(x) - relu(-x)
    ([0, 1, 2, 3], [0, 1, 2, 3], 1),               # collinear knots: no kink, relu(x)
    ([0, 1, 2, 3, 4], [4, 2, 1, 5, 10], 3),        # relu(1-x) + 5relu(x-2) + relu(3-x): L_1 = 3-x vanishes at a kink
])
def test_unit_counts_of_hand_computed_cases(knots, values, units):
    net = interpolate_1d(knots, values).network
    assert net.depth == 2 and net.form == "paper"
    assert net.layer_sizes == [units, 1]
    lo, hi = F(knots[0]), F(knots[-1])
    dom = Product([[lo + (hi - lo) * F(j, 24) for j in range(25)]])
    ks, vs = [F(k) for k in knots], [F(v) for v in values]
    assert [y for (y,) in evaluate(net, dom)] == [line(ks, vs, x) for (x,) in dom]


knot_lists = st.lists(st.fractions(-20, 20, max_denominator=12), min_size=2, max_size=9, unique=True).map(sorted)


@settings(max_examples=150, deadline=None)
@given(knot_lists, st.data())
def test_random_interpolants_are_exact_and_small(knots, data):
    values = data.draw(st.lists(st.fractions(-20, 20, max_denominator=12), min_size=len(knots), max_size=len(knots)))
    net = interpolate_1d(knots, values).network
    jumps, slopes = kinks(knots, values)
    K = len(jumps)
    assert net.depth == 2
    assert K <= net.layer_sizes[0] <= max(K + 2, 1)
    intercepts = [values[i] - slopes[i] * knots[i] for i in range(len(slopes))]
    bound = max([1, *map(abs, knots), *map(abs, intercepts),
                 max(map(abs, jumps), default=0) + max(map(abs, slopes))])
    assert net.max_weight <= bound
    probes = set(knots) | {(a + b) / 2 for a, b in zip(knots, knots[1:])} | {(2 * a + b) / 3 for a, b in zip(knots, knots[1:])}
    for x in sorted(probes):
        assert evaluate_point(net, [x]) == (line(knots, values, x),)


def test_kink_count_is_a_lower_bound_reached_when_the_affine_part_vanishes():
    # f = 2 relu(x - 1) - 3 relu(x - 2) + relu(3 - x) on [0, 4] has 3 kinks and needs exactly 3 units
    f = [2 * max(x - 1, 0) - 3 * max(x - 2, 0) + max(3 - x, 0) for x in range(5)]
    assert interpolate_1d(range(5), f).network.layer_sizes == [3, 1]


def test_bad_input_is_refused():
    with pytest.raises(ValueError):
        interpolate_1d([0], [1])
    with pytest.raises(ValueError):
        interpolate_1d([0, 0, 1], [1, 2, 3])
    with pytest.raises(ValueError):
        interpolate_1d([0, 1], [1])


def test_certificate_states_each_unit_and_the_function():
    knots, values = [0, F(1, 3), 1, 2, F(5, 2)], [1, -1, 2, 2, 0]
    block = interpolate_1d(knots, values)
    dom = Product([[F(j, 12) for j in range(31)]])
    cert = certificate(block, dom, [interpolant_expr(knots, values)], construction="interpolate_1d", eps=0)
    assert cert.data["claims"]["sup_error"] == {"bound": 0, "attained": 0}
    assert check(cert.data).ok  # the independent kernel agrees
    # kinks at 1/3 (+21/2), 1 (-9/2), 2 (-4); every piece's line changes sign on [0, 5/2] except
    # L_2 = 2, which costs one unit: 4 units, max weight 21/2
    assert cert.data["claims"]["layer_sizes"] == [4, 1]
    assert cert.data["claims"]["max_weight"] == "21/2"
    assert len(cert.data["steps"][0]["claims"]["values"]) == 5
