"""Exact linear regions in 1-D and 2-D: the builder's sweep, the kernel's sweep and cells, against the
pure-Fraction reference evaluator and against each other."""

import random
from fractions import Fraction

import pytest

from certify import Network, regions_1d
from certify.extra_claims import gradients, product_bound
from certify.gadgets import sawtooth, yarotsky_square
from certify.kernel.errors import LimitError, MalformedError
from certify.kernel.regions import cells_2d, difference, sup_abs_1d, sweep_1d
from certify.reference import evaluate_point
from certify.regions import sup_error_1d
from certify.smt.encode import dense_layers

F = Fraction


def random_net(rng, d, widths, den=3):
    layers, prev = [], d
    for w in widths:
        layers.append(([[F(rng.randint(-4, 4), rng.randint(1, den)) for _ in range(prev)] for _ in range(w)],
                       [F(rng.randint(-3, 3), rng.randint(1, den)) for _ in range(w)]))
        prev = w
    return Network.from_layers(layers + [([[F(rng.randint(-3, 3), rng.randint(1, den)) for _ in range(prev)]], None)])


NETS = [random_net(random.Random(s), 1, [3, 4, 3][: 1 + s % 3]) for s in range(12)]


@pytest.mark.parametrize("k", [1, 2, 3, 7, 12])
def test_sawtooth_has_2_to_the_k_pieces_at_the_dyadic_points(k):
    r = regions_1d(sawtooth(k).network, 0, 1)
    assert len(r) == 2**k
    assert r.breakpoints() == [F(j, 2**k) for j in range(1, 2**k)]
    assert r.slopes() == [-2**k, 2**k] and r.lipschitz() == 2**k
    p = sweep_1d(dense_layers(sawtooth(k).network), F(0), F(1))
    assert len(p) == 2**k and {p.slope(i) for i in range(len(p))} == {-2**k, 2**k}


@pytest.mark.parametrize("seed", range(12))
def test_pieces_match_the_reference_evaluator_and_are_maximal(seed):
    net, rng = NETS[seed], random.Random(100 + seed)
    lo = F(rng.randint(-9, 0), rng.randint(1, 4))
    hi = lo + F(rng.randint(1, 12), rng.randint(1, 3))
    r = regions_1d(net, lo, hi)
    assert r[0].lo == lo and r[-1].hi == hi
    for p in r:
        for x in (p.lo, p.hi, (p.lo + p.hi) / 2, (2 * p.lo + p.hi) / 3):
            assert evaluate_point(net, [x])[0] == p.slope * x + p.intercept
    for a, b in zip(r, r[1:]):
        assert a.hi == b.lo and (a.slope, a.intercept) != (b.slope, b.intercept)


@pytest.mark.parametrize("seed", range(12))
def test_kernel_sweep_agrees_with_the_builder_sweep(seed):
    net = NETS[seed]
    lo, hi = F(-7, 2), F(5, 3)
    r, p = regions_1d(net, lo, hi), sweep_1d(dense_layers(net), lo, hi)
    assert len(r) == len(p)
    assert [r.x(k) for k in range(len(r) + 1)] == [p.x(k) for k in range(len(p) + 1)]
    assert [piece.slope for piece in r] == [p.slope(k) for k in range(len(p))]


@pytest.mark.parametrize("m", [1, 2, 3, 6, 9])
def test_yarotsky_continuous_sup_error_is_2_to_the_minus_2m_minus_2(m):
    net = yarotsky_square(m).network
    s = sup_error_1d(net, 0, 1, [0, 0, 1])
    assert s.value == F(1, 4 ** (m + 1)) and s.pieces == 2**m
    assert s.point.denominator == 2 ** (m + 1)  # an odd multiple of 2^-(m+1): a midpoint
    assert s.network_value - s.point**2 == s.value
    value, x = sup_abs_1d(sweep_1d(dense_layers(net), F(0), F(1)), (0, 0, 1))
    assert value == s.value and evaluate_point(net, [x])[0] - x * x == value


@pytest.mark.parametrize("seed", range(8))
def test_sup_against_quadratics_agrees_between_builder_kernel_and_a_dense_grid(seed):
    rng = random.Random(seed)
    net, poly = NETS[seed], [F(rng.randint(-5, 5), rng.randint(1, 4)) for _ in range(3)]
    s = sup_error_1d(net, -2, 3, poly)
    value, x = sup_abs_1d(sweep_1d(dense_layers(net), F(-2), F(3)), poly)
    assert value == s.value
    err = lambda x: abs(evaluate_point(net, [x])[0] - (poly[0] + poly[1] * x + poly[2] * x * x))
    assert err(x) == value and err(s.point) == value
    assert all(err(F(j, 40)) <= value for j in range(-80, 121))  # a grid never beats the supremum


def test_sup_against_a_network_target_is_the_sup_of_the_difference():
    f, g = NETS[3], NETS[7]
    s = sup_error_1d(f, -1, 2, g)
    assert s.value == abs(s.network_value - s.target_value) == abs(evaluate_point(f, [s.point])[0] - evaluate_point(g, [s.point])[0])
    value, _ = sup_abs_1d(sweep_1d(difference(dense_layers(f), dense_layers(g)), F(-1), F(2)))
    assert value == s.value
    assert sup_error_1d(f, -1, 2, f).value == 0


def test_sympy_targets_and_bad_inputs():
    import sympy
    x = sympy.Symbol("x")
    net = yarotsky_square(3).network
    assert sup_error_1d(net, 0, 1, x**2).value == F(1, 256)
    with pytest.raises(MalformedError):
        sup_error_1d(net, 0, 1, x**3)
    with pytest.raises(MalformedError):
        regions_1d(net, 1, 1)
    with pytest.raises(MalformedError):
        regions_1d(random_net(random.Random(0), 2, [3]), 0, 1)
    with pytest.raises(LimitError):
        sweep_1d(dense_layers(sawtooth(12).network), F(0), F(1), limit=1000)


@pytest.mark.parametrize("seed", range(6))
def test_2d_cells_tile_the_box_and_carry_the_right_maps(seed):
    rng = random.Random(seed)
    net = random_net(rng, 2, [5, 4])
    lo, hi = (F(-1), F(-1, 2)), (F(3, 2), F(1))
    cells, den = cells_2d(dense_layers(net), lo, hi)
    area = F(0)
    for verts, (a1, a2, c) in cells:
        pts = [(F(n1, D), F(n2, D)) for n1, n2, D in verts]
        cell_area = sum(p[0] * q[1] - q[0] * p[1] for p, q in zip(pts, pts[1:] + pts[:1])) / 2
        assert cell_area > 0  # counter-clockwise, non-degenerate
        area += cell_area
        centre = (sum(p[0] for p in pts) / len(pts), sum(p[1] for p in pts) / len(pts))
        for p in pts + [centre]:
            assert evaluate_point(net, p)[0] == F(a1 * p[0] + a2 * p[1] + c * 1, 1) / den
    assert area == (hi[0] - lo[0]) * (hi[1] - lo[1])


def test_lipschitz_from_regions_is_below_the_product_bound():
    for seed in range(4):
        net = random_net(random.Random(seed), 2, [4, 4])
        exact = max(sum(abs(v) for v in g) for g in gradients(net, (-1, -1), (1, 1)))
        assert 0 < exact <= product_bound(net, "linf")
    assert max(abs(g[0]) for g in gradients(sawtooth(5).network, [0], [1])) == 32
