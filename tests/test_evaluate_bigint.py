"""The multimodular path (values beyond int64) agrees exactly with the Fraction reference on every point."""

from fractions import Fraction as F

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from certify import Grid, Network, Points, evaluate, multimodular
from certify.evaluate import chunk_plan, forward
from certify.reference import evaluate_layers_point

BIG = [2**60, -(2**60), F(1, 3**40), F(-(3**40), 7), F(2**61 + 1, 3**20), F(3**40, 2**61 - 1), F(1, 2**70)]
weights = st.one_of(
    st.integers(-8, 8),
    st.builds(F, st.integers(-9, 9), st.integers(1, 6)),  # tiny denominators
    st.builds(F, st.integers(-50, 50), st.integers(1, 50)),
    st.sampled_from(BIG),
)


def layer_values(net, nums, den, all_layers=True):
    """Return the multimodular values of every layer as tuples of Fractions, per point."""
    layers = multimodular.forward(net, nums, den, all_layers=all_layers)
    return [[tuple(F(int(v), D) for v in Z[i]) for Z, D in layers] for i in range(nums.shape[0])]


def assert_exact(net, domain, all_layers=True):
    nums, den = domain.chunk(0, domain.size)
    got = layer_values(net, nums, den, all_layers)
    for i, x in enumerate(domain):
        ref = evaluate_layers_point(net, x)
        assert got[i] == (ref if all_layers else ref[-1:]), (x, got[i], ref)


@st.composite
def networks(draw, d=None, form=None):
    d = d or draw(st.integers(1, 3))
    widths = [d] + draw(st.lists(st.integers(1, 5), min_size=1, max_size=3)) + [draw(st.integers(1, 3))]
    form = form or draw(st.sampled_from(["paper", "output_bias"]))
    layers = []
    for l in range(1, len(widths)):
        W = [[draw(weights) for _ in range(widths[l - 1])] for _ in range(widths[l])]
        last = l == len(widths) - 1
        b = None if last and form == "paper" else [draw(weights) for _ in range(widths[l])]
        layers.append((W, b))
    return Network.from_layers(layers, form=form)


@st.composite
def tied_networks(draw):
    """Networks with pre-activations exactly 0 (or within 3^-40 of 0) on grid points, at huge scale.

    Layer 1 neurons vanish at a chosen grid point g (bias -w.g + eps); layer 1 repeats a neuron,
    and layer 2 has a row s * (h_a - h_a') that is exactly 0 at every point.
    """
    d, p = draw(st.integers(1, 2)), draw(st.integers(1, 3))
    g = [F(draw(st.integers(-p, p)), p) for _ in range(d)]
    big = draw(st.sampled_from([2**60, F(2**61 + 1, 3**20), 3**40]))
    W1, b1 = [], []
    for _ in range(draw(st.integers(1, 3))):
        row = [draw(weights) * big for _ in range(d)]
        eps = draw(st.sampled_from([0, 0, F(1, 3**40), F(-1, 3**40), F(1, 2**80)]))
        W1.append(row)
        b1.append(-sum(w * x for w, x in zip(row, g)) + eps)
    W1.append(W1[0])
    b1.append(b1[0])  # neuron n-1 repeats neuron 0
    n1 = len(W1)
    s = draw(st.sampled_from([1, 2**60, F(1, 3**40)]))
    W2 = [[s if j == 0 else -s if j == n1 - 1 else 0 for j in range(n1)]]  # exactly 0 everywhere
    W2 += [[draw(weights) for _ in range(n1)] for _ in range(draw(st.integers(0, 2)))]
    b2 = [0] + [draw(weights) for _ in W2[1:]]
    W3 = [[draw(weights) for _ in W2] for _ in range(draw(st.integers(1, 2)))]
    return Network.from_layers([(W1, b1), (W2, b2), (W3, None)]), Grid(d, 1, p)


@settings(max_examples=60, deadline=None)
@given(networks(), st.integers(1, 3), st.integers(1, 4))
def test_every_layer_matches_reference_on_every_point(net, R, p):
    grid = Grid(net.input_dim, R, p)
    if grid.size > 300:
        grid = Grid(net.input_dim, 1, 2)
    assert_exact(net, grid)


@settings(max_examples=40, deadline=None)
@given(tied_networks())
def test_exact_zeros_and_near_ties_are_decided_exactly(case):
    net, grid = case
    assert_exact(net, grid)


def test_undecided_signs_go_through_crt(monkeypatch):
    calls = []
    signs = multimodular._CRT.signs
    monkeypatch.setattr(multimodular._CRT, "signs", lambda self, R: calls.append(R.shape[1]) or signs(self, R))
    x = 2**60
    # layer 2 neuron 0 is x*(relu(x t) - relu(x t)) = 0 at every point; neuron 1 is relu(x t - x/2)
    net = Network.from_layers([([[x], [x], [x]], [0, 0, -x // 2]), ([[x, -x, 0], [0, 0, 1]], [0, 0]),
                               ([[1, 1]], None)])
    grid = Grid(1, 1, 4)
    assert_exact(net, grid)
    assert sum(calls) >= grid.size  # every point had an undecided zero
    ev = evaluate(net, grid)
    assert ev.paths == ("multimodular",) * 3 and ev.path == "multimodular"


@settings(max_examples=25, deadline=None)
@given(networks(form="output_bias"))
def test_evaluate_dispatches_and_matches_on_points_with_huge_coordinates(net):
    pts = Points([[F(2**70 + i, 3**45 + j) if (i + j) % 2 else F(-i, 7) for j in range(net.input_dim)]
                  for i in range(6)])
    ev = evaluate(net, pts)
    ref = [evaluate_layers_point(net, x)[-1] for x in pts]
    assert list(ev) == ref
    assert_exact(net, pts)


def test_float_pass_disabled_still_exact():
    # a weight below the normal float range: every sign is decided by CRT
    net = Network.from_layers([([[F(1, 2**1100), 2**70], [-(2**70), 1]], [F(1, 3), 0]),
                               ([[1, -1], [2**64, 3]], [0, 1]), ([[1, 1], [F(1, 5), -2]], None)])
    assert multimodular._network_data(net)["floatable"] is False
    assert_exact(net, Grid(2, 1, 3))


def test_many_primes_deep_network():
    x = 2**60
    layers = [([[x, -x]], [1])] + [([[x]], [F(1, 3**40)])] * 14 + [([[F(1, 7)]], None)]
    net = Network.from_layers(layers, input_dim=2)
    nums, den = Grid(2, 1, 2).chunk(0, 25)
    assert len(multimodular.choose_primes(2, max(chunk_plan(net, nums, den).bounds))) > 30
    assert_exact(net, Grid(2, 1, 2))


def test_forward_all_layers_through_evaluate_module():
    net = Network.from_layers([([[2**62, -3], [1, 2**63]], [F(1, 3**40), -1]), ([[F(2, 3), -(2**65)]], [7]),
                               ([[1], [-1]], None)])
    grid = Grid(2, 2, 3)
    nums, den = grid.chunk(0, grid.size)
    plan = chunk_plan(net, nums, den)
    assert plan.paths == ("multimodular",) * 3
    layers = forward(net, nums, den, plan, all_layers=True)
    for i, x in enumerate(grid):
        assert [tuple(F(int(v), D) for v in Z[i]) for Z, D in layers] == evaluate_layers_point(net, x)


def test_chunks_and_blocks_agree(monkeypatch):
    monkeypatch.setattr(multimodular, "BLOCK_VALUES", 1)  # blocks of 8 points
    net = Network.from_layers([([[2**60, 1], [-1, F(1, 3**40)]], [0, 1]), ([[1, -1]], None)])
    grid = Grid(2, 1, 5)
    nums, den = grid.chunk(0, grid.size)
    whole = multimodular.forward(net, nums, den)[0][0]
    parts = np.concatenate([multimodular.forward(net, nums[s:s + 10], den)[0][0] for s in range(0, grid.size, 10)])
    assert list(whole.ravel()) == list(parts.ravel())
    assert_exact(net, grid)


@pytest.mark.parametrize("n", [1, 3, 64, 256, 4096])
def test_prime_size_keeps_products_exact(n):
    p = multimodular._max_prime(n + 1)
    assert (n + 1) * (p + 5) * (p - 1) <= 4 * (2**53 - p) < (n + 1) * (p + 6) * p


def test_weight_beyond_int64_on_an_always_zero_input():
    # neuron 1 of layer 1 is relu(<= 1/15 + 1/19 + 1/29 - 1) = 0: the bounds are small, the weight is not
    net = Network.from_layers([([[0, 0, 6], [F(1, 15), F(1, 19), F(1, 29)]], [F(1, 7), -1]),
                               ([[F(22, 13), 0], [0, F(768614336404564651, 1162261467)]], None)])
    grid = Grid(3, 1, 1)
    assert list(evaluate(net, grid)) == [evaluate_layers_point(net, x)[-1] for x in grid]
