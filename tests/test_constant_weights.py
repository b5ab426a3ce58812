"""Constant weights (Remark 3.1): exact equality, same depth, every |weight| and |bias| <= bound."""

import copy
from fractions import Fraction as F

import pytest
from hypothesis import given, settings, strategies as st

from certify import Grid, MalformedError, Network
from certify.kernel import check
from certify.kernel.canonical import network_sha256
from certify.kernel.numbers import format_rational
from certify.reference import evaluate_point
from certify.theorems.constant_weights import constant_weights


def test_hand_computed_copies_and_scales():
    # relu(5x + 4) read out with weight 3: s = max(5, 4) = 5, copies = ceil(3 * 5 / 1) = 15, each 3*5/15 = 1
    net = Network.from_layers([([[5]], [4]), ([[3]], None)])
    r = constant_weights(net, 1)
    assert r.scales == ((5,),) and r.copies == ((15,),)
    assert r.network.layer_sizes == [15, 1] and r.network.max_weight == 1
    (W1, b1), (W2, _) = r.network.layers
    assert W1 == [[1]] * 15 and b1 == [F(4, 5)] * 15 and W2 == [[1] * 15]
    # bound 2: s = 5/2, copies = ceil(3 * (5/2) / 2) = 4, weights 3 * (5/2) / 4 = 15/8
    r2 = constant_weights(net, 2)
    assert r2.copies == ((4,),) and r2.network.layers[1][0] == [[F(15, 8)] * 4]


# small weights keep the copies (up to max|w| * s / bound per neuron, per layer) in the hundreds
weights = st.one_of(st.integers(-4, 4), st.builds(F, st.integers(-9, 9), st.integers(1, 4)))


@st.composite
def networks(draw):
    d = draw(st.integers(1, 2))
    widths = [d] + draw(st.lists(st.integers(1, 2), min_size=1, max_size=2)) + [1]
    layers = [([[draw(weights) for _ in range(widths[l - 1])] for _ in range(widths[l])],
               None if l == len(widths) - 1 else [draw(weights) for _ in range(widths[l])])
              for l in range(1, len(widths))]
    return Network.from_layers(layers)


@settings(max_examples=30, deadline=None)
@given(networks(), st.sampled_from([1, 2, F(1, 2)]))
def test_equal_same_depth_bounded(net, bound):
    r = constant_weights(net, bound)
    assert r.network.depth == net.depth
    assert r.network.max_weight <= bound
    for x in Grid(net.input_dim, 1, 2):
        assert evaluate_point(r.network, x) == evaluate_point(net, x)


def test_certificate_verifies_and_a_corrupted_copy_is_rejected():
    net = Network.from_layers([([[5, -3], ["7/2", 1]], [4, "-9/4"]), ([[3, -6], [1, 1]], [10, -2]), ([[8, "-5/3"]], None)])
    r = constant_weights(net, 1, domain=Grid(2, 1, 3))
    assert check(r.certificate.data).ok
    bad = copy.deepcopy(r.certificate.data)
    trip = bad["network"]["layers"][1]["weights"][0]
    trip[2] = format_rational(F(trip[2]) - F(1, 10**9))
    bad["network_sha256"] = network_sha256(bad["network"])
    report = check(bad)
    assert not report.ok and ("step 1" in report.first_failure or "sup_error" in report.first_failure)


def test_bad_bound():
    with pytest.raises(MalformedError):
        constant_weights(Network.from_layers([([[1]], [0]), ([[1]], None)]), 0)
