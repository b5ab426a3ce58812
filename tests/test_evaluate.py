"""Fast exact evaluation vs the pure-Fraction reference, and the exact sup-error."""

import random
from fractions import Fraction as F

from hypothesis import given, settings, strategies as st

from certify import BooleanCube, Grid, Network, Points, Product, evaluate, sup_error
from certify.evaluate import plan_for_box
from certify.reference import evaluate_point
from certify.target import abs_, coords, max_

weights = st.one_of(
    st.integers(-8, 8),
    st.builds(F, st.integers(-50, 50), st.integers(1, 50)),
    st.sampled_from([2**60, -(2**60), F(1, 3**40), F(-(3**40), 7), F(2**61 + 1, 3**20)]),
)


@st.composite
def networks(draw, d=None):
    d = d or draw(st.integers(1, 3))
    widths = [d] + draw(st.lists(st.integers(1, 5), min_size=1, max_size=3)) + [draw(st.integers(1, 2))]
    layers = []
    for l in range(1, len(widths)):
        W = [[draw(weights) for _ in range(widths[l - 1])] for _ in range(widths[l])]
        b = None if l == len(widths) - 1 else [draw(weights) for _ in range(widths[l])]
        layers.append((W, b))
    return Network.from_layers(layers)


@settings(max_examples=60, deadline=None)
@given(networks(), st.integers(1, 3), st.integers(1, 4))
def test_fast_matches_reference_on_every_point(net, R, p):
    grid = Grid(net.input_dim, R, p)
    if grid.size > 400:
        grid = Grid(net.input_dim, 1, 1)
    fast = evaluate(net, grid)
    assert len(fast) == grid.size
    assert list(fast) == [evaluate_point(net, x) for x in grid]


def test_path_selection_is_proven():
    small = Network.from_layers([([[8, -8]], [3]), ([[5]], None)])
    big = Network.from_layers([([[2**60]], [0]), ([[2**60]], None)])
    assert evaluate(small, Grid(2, 1, 4)).paths == ("float64", "float64")
    ev = evaluate(big, Grid(1, 2, 3))
    assert ev.paths[-1] != "float64"
    assert ev[0] == (F(2**120) * 0,) and ev[len(ev) - 1] == (F(2**121),)  # x = 2: 2^60 * relu(2^60 * 2)
    plan = plan_for_box(small, [-1, -1], [1, 1], 4)
    assert plan.bounds[0] == 8 * 4 + 8 * 4 + 3 * 4  # |8 x0| + |8 x1| + |3| in units of 1/4


def test_known_function_values():
    # max(x0, x1) = relu(x0 - x1) + relu(x1) - relu(-x1)
    net = Network.from_layers([([[1, -1], [0, 1], [0, -1]], [0, 0, 0]), ([[1, 1, -1]], None)])
    pts = Product([[F(-1), F(1, 3), F(2)], [F(-5, 2), F(0), F(7, 4)]])
    assert list(evaluate(net, pts)) == [(max(a, b),) for a, b in pts]
    assert evaluate(net, [[1, 2], ["-1/2", "-3/4"]])[1] == (F(-1, 2),)


def test_sup_error_is_exact_and_finds_the_maximiser():
    x = coords(2)
    net = Network.from_layers([([[1, -1], [0, 1], [0, -1]], [0, 0, 0]), ([[1, 1, -1]], None)])
    assert sup_error(net, Grid(2, 2, 3), max_(x[0], x[1])).value == 0
    # against |x0| the error of max(x0, x1) on [-1,1]^2 grid is max |max(a,b) - |a||, by brute force
    g = Grid(2, 1, 5)
    expected = max(abs(max(a, b) - abs(a)) for a, b in g)
    err = sup_error(net, g, abs_(x[0]))
    assert err.value == expected
    assert abs(max(*err.point) - abs(err.point[0])) == expected
    assert g.point(err.index) == err.point


def test_sup_error_streams_chunks_and_keeps_first_maximiser():
    net = Network.from_layers([([[1]], [0]), ([[1]], None)])  # relu(x)
    x = coords(1)
    err = sup_error(net, Grid(1, 5, 7), x[0] * 0, chunk_size=3)
    assert err.value == 5 and err.point == (5,)
    err = sup_error(net, BooleanCube(1), x[0] - 1, chunk_size=1)
    assert err.value == 1 and err.index == 0


def test_random_rational_network_many_points_against_reference():
    rng = random.Random(7)
    layers = []
    widths = [2, 6, 6, 1]
    for l in range(1, 4):
        W = [[F(rng.randint(-40, 40), rng.randint(1, 30)) for _ in range(widths[l - 1])] for _ in range(widths[l])]
        layers.append((W, None if l == 3 else [F(rng.randint(-9, 9), rng.randint(1, 9)) for _ in range(widths[l])]))
    net = Network.from_layers(layers)
    pts = Points([[F(rng.randint(-99, 99), rng.randint(1, 99)) for _ in range(2)] for _ in range(300)])
    assert list(evaluate(net, pts)) == [evaluate_point(net, x) for x in pts]
    assert evaluate(net, pts, method="reference") == [evaluate_point(net, x) for x in pts]
