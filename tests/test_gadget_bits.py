"""bits(R, p): the binary digits of j = p x + Rp on the grid; expected values from integer arithmetic."""

from fractions import Fraction as F

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from certify import Grid, Product, certificate, evaluate
from certify.gadgets import bit_expr, bits
from certify.kernel import check
from certify.reference import evaluate_layers_point

SWEEP = [(F(1, 2), 2), (F(1, 2), 4), (1, 1), (1, 2), (1, 3), (1, 8), (2, 1), (2, 4), (3, 5), (F(3, 2), 6), (5, 2)]


@pytest.mark.parametrize("R,p", SWEEP)
def test_depth_width_and_weight_formulas(R, p):
    Rp = int(F(R) * p)
    L = (2 * Rp).bit_length()
    net = bits(R, p).network
    assert net.form == "paper"
    assert net.depth == 3
    assert net.layer_sizes == [2 * Rp, L, L]
    assert net.width == 2 * Rp
    assert net.max_abs_weight == max(p, 2)
    assert net.max_abs_bias == Rp
    assert net.max_weight == max(p, 2, Rp)


@pytest.mark.parametrize("R,p", SWEEP)
def test_outputs_are_the_bits_of_j_on_the_whole_grid(R, p):
    Rp = int(F(R) * p)
    grid = Grid(1, R, p)
    out = evaluate(bits(R, p).network, grid)
    L = (2 * Rp).bit_length()
    for j, y in zip(range(-Rp, Rp + 1), out):
        n = j + Rp
        assert y == tuple((n >> k) & 1 for k in range(L))
        assert sum(b * 2**k for k, b in enumerate(y)) == n


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 6), st.integers(1, 9), st.data())
def test_layer_two_neurons_hold_the_bits(R, p, data):
    j = data.draw(st.integers(-R * p, R * p))
    layers = evaluate_layers_point(bits(R, p).network, [F(j, p)])
    n = j + R * p
    expected = tuple((n >> k) & 1 for k in range((2 * R * p).bit_length()))
    assert layers[1] == expected  # the bits are ReLU neurons of hidden layer 2
    assert layers[2] == expected
    assert layers[0] == tuple(max(n - s, 0) for s in range(2 * R * p))  # the ramps relu(j - s)


def test_off_grid_input_is_not_a_bit_vector():
    # x = 1/4 is not in I for p = 2: j = 5/2, and the bits interpolate between those of 2 and 3
    out = evaluate_layers_point(bits(1, 2).network, [F(1, 4)])
    assert out[-1] == (F(1, 2), 1, 0)


def test_bits_of_one_coordinate_of_a_vector():
    block = bits(1, 2, input_dim=3, coord=1)
    assert block.network.input_dim == 3
    dom = Product([[-1, 0, 1], [F(j, 2) for j in range(-2, 3)], [F(-1, 2), 1]])
    for x, y in zip(dom, evaluate(block.network, dom)):
        n = int(2 * x[1] + 2)
        assert y == tuple((n >> k) & 1 for k in range(3))


def test_bad_parameters_are_refused():
    with pytest.raises(ValueError):
        bits(F(1, 3), 2)  # Rp not an integer
    with pytest.raises(ValueError):
        bits(1, 0)
    with pytest.raises(ValueError):
        bits(1, 2, input_dim=2, coord=2)


def test_certificate_records_the_two_steps_and_their_claims():
    block = bits(2, 4)
    assert [s.op for s in block.steps] == ["ramps", "bits"]
    assert block.steps[0].neurons == {(1, s) for s in range(16)}
    assert block.steps[1].neurons == {(l, k) for l in (2, 3) for k in range(5)}
    j = ["add", ["mul", 4, ["x", 0]], 8]
    cert = certificate(block, Grid(1, 2, 4), [bit_expr(k, j) for k in range(5)], construction="bits", eps=0)
    assert check(cert.data).ok  # the independent kernel agrees
    claims = cert.data["claims"]
    assert claims["sup_error"] == {"bound": 0, "attained": 0}
    assert (claims["depth"], claims["width"], claims["max_weight"]) == (3, 16, 8)
    # the bits step states, for layers 2 and 3, "neuron k = bit k of 4x + 8" (10 global claims)
    stated = [v["terms"] for v in cert.data["steps"][1]["claims"]["values"] if v["equals"] in
              [bit_expr(k, j) for k in range(5)]]
    assert sorted(t[0][:2] for t in stated) == [[l, k] for l in (2, 3) for k in range(5)]
