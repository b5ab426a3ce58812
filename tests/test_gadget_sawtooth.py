"""tent() and sawtooth(k): Telgarsky's k-fold tent map; expected values from the recursion g(y) = 2y / 2 - 2y."""

from fractions import Fraction as F

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from certify import ClaimError, Grid, Product, certificate, evaluate
from certify.gadgets import sawtooth, sawtooth_expr, tent
from certify.kernel import check
from certify.reference import evaluate_layers_point, evaluate_point


def g(y: F) -> F:
    """The tent map on [0, 1], from its definition."""
    return 2 * y if y <= F(1, 2) else 2 - 2 * y


def g_k(k: int, y: F) -> F:
    for _ in range(k):
        y = g(y)
    return y


def points(den: int):
    return Product([[F(j, den) for j in range(den + 1)]])


@pytest.mark.parametrize("k", range(1, 13))
def test_depth_width_and_weight_formulas(k):
    net = sawtooth(k).network
    assert net.form == "paper"
    assert net.depth == k + 1
    assert net.layer_sizes == [2] * k + [1]
    assert net.width == 2
    assert (net.max_abs_weight, net.max_abs_bias, net.max_weight) == (4, F(1, 2), 4)


@pytest.mark.parametrize("k", range(1, 11))
def test_zero_one_alternation_at_the_breakpoints(k):
    out = evaluate(sawtooth(k).network, points(2**k))
    assert [y for (y,) in out] == [j % 2 for j in range(2**k + 1)]


@pytest.mark.parametrize("k", range(1, 9))
def test_exactly_2_to_the_k_affine_pieces(k):
    # on [i/2^k, (i+1)/2^k] the slope is 2^k (-1)^i: checked on both halves of every piece
    den = 2 ** (k + 1)
    ys = [y for (y,) in evaluate(sawtooth(k).network, points(den))]
    slopes = [(ys[j + 1] - ys[j]) * den for j in range(den)]
    assert slopes == [2**k * (-1) ** (j // 2) for j in range(den)]


@pytest.mark.parametrize("k", [1, 2, 3, 5, 7])
def test_matches_the_recursion_on_a_fine_grid(k):
    den = 3 * 2 ** (k + 1)  # includes points that are not dyadic
    dom = points(den)
    assert [y for (y,) in evaluate(sawtooth(k).network, dom)] == [g_k(k, x) for (x,) in dom]


@settings(max_examples=80, deadline=None)
@given(st.integers(1, 9), st.fractions(0, 1))
def test_every_hidden_layer_holds_the_intermediate_tent(k, x):
    layers = evaluate_layers_point(sawtooth(k).network, [x])
    for s in range(k):
        assert layers[s] == (g_k(s, x), max(g_k(s, x) - F(1, 2), 0))
    assert layers[k] == (g_k(k, x),)


def test_tent_block():
    net = tent().network
    assert net.layer_sizes == [2, 1] and net.max_weight == 4
    assert [evaluate_point(net, [F(j, 4)])[0] for j in range(5)] == [0, F(1, 2), 1, F(1, 2), 0]


def test_certificate_on_dyadic_points_and_its_steps():
    k = 4
    block = sawtooth(k)
    assert [s.label for s in block.steps] == [f"tent {s} of {k}" for s in range(1, k + 1)]
    for s, step in enumerate(block.steps):
        owned = {(s + 1, 0), (s + 1, 1)} | ({(k + 1, 0)} if s == k - 1 else set())
        assert step.neurons == owned
    cert = certificate(block, points(2 ** (k + 2)), [sawtooth_expr(k)], construction="sawtooth", eps=0)
    assert cert.data["claims"]["sup_error"] == {"bound": 0, "attained": 0}
    assert check(cert.data).ok  # the independent kernel agrees


def test_claims_fail_outside_the_unit_interval():
    # on [-1, 0] the network is 0 while 1 - |2x - 1| is not: the tent claim of step 0 is false there
    with pytest.raises(ClaimError):
        certificate(sawtooth(2), Grid(1, 1, 4), None, construction="sawtooth")
