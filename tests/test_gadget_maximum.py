"""maximum(n): the tournament of pairwise maxima; expected values from Python's max."""

import math
from fractions import Fraction as F

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from certify import Product, certificate, evaluate
from certify.gadgets import maximum
from certify.kernel import check
from certify.reference import evaluate_point


def expected_sizes(n):
    sizes, k = [], n
    while k > 1:
        sizes.append(3 * (k // 2) + 2 * (k % 2))
        k = (k + 1) // 2
    return sizes + [1]


@pytest.mark.parametrize("n", range(1, 41))
def test_depth_width_and_weight_formulas(n):
    net = maximum(n).network
    assert net.form == "paper"
    assert net.depth == math.ceil(math.log2(n)) + 1
    assert net.layer_sizes == expected_sizes(n)
    assert net.width == (1 if n == 1 else 3 * (n // 2) + 2 * (n % 2))
    assert (net.max_weight, net.max_abs_bias) == (1, 0)


@pytest.mark.parametrize("n", [2, 3, 4, 5])
def test_exhaustive_on_a_small_product(n):
    values = [-3, F(-1, 2), 0, 2]
    dom = Product([values] * n)
    assert [y for (y,) in evaluate(maximum(n).network, dom)] == [max(x) for x in dom]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.fractions(-10**6, 10**6, max_denominator=1000), min_size=1, max_size=17))
def test_any_signs_any_length(xs):
    assert evaluate_point(maximum(len(xs)).network, xs) == (max(xs),)


def test_bad_parameters_are_refused():
    for bad in (0, -2, 2.0):
        with pytest.raises(ValueError):
            maximum(bad)


def test_steps_state_the_maximum_of_the_inputs_they_cover():
    n = 5
    block = maximum(n)
    # round 1: (0,1), (2,3), carry 4; round 2: (01, 23), carry 4; round 3: (0123, 4)
    assert [s.op for s in block.steps] == ["max2", "max2", "carry", "max2", "carry", "max2"]
    groups = [[0, 1], [2, 3], [4], [0, 1, 2, 3], [4], [0, 1, 2, 3, 4]]
    for step, group in zip(block.steps, groups):
        assert ["max", *[["x", i] for i in group]] in [e for _, e in step.values]
    dom = Product([[-1, 0, F(3, 2)]] * n)
    cert = certificate(block, dom, [["max", *[["x", i] for i in range(n)]]], construction="maximum", eps=0)
    assert cert.data["claims"]["sup_error"] == {"bound": 0, "attained": 0}
    assert check(cert.data).ok  # the independent kernel agrees
