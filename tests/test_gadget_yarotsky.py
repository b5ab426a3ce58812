"""yarotsky_square(m), yarotsky_multiply(m, M): expected values from the interpolation error of u^2."""

from fractions import Fraction as F

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from certify import Grid, Product, certificate, evaluate, sup_error
from certify.gadgets import square_interp_expr, yarotsky_multiply, yarotsky_square
from certify.kernel import check
from certify.reference import evaluate_layers_point, evaluate_point


def tent(y: F) -> F:
    return 2 * y if y <= F(1, 2) else 2 - 2 * y


def f_sum(m: int, u: F) -> F:
    """u - sum_{s=1..m} g_s(u) / 4^s, from the definition."""
    total, g = u, u
    for s in range(1, m + 1):
        g = tent(g)
        total -= g / 4**s
    return total


def interp_error(m: int, u: F) -> F:
    """(u - ih)((i+1)h - u) on [ih, (i+1)h], h = 2^-m: the error of linear interpolation of u^2."""
    h = F(1, 2**m)
    i = min(int(u / h), 2**m - 1)
    return (u - i * h) * ((i + 1) * h - u)


def unit_points(den: int):
    return Product([[F(j, den) for j in range(den + 1)]])


@pytest.mark.parametrize("m", range(1, 11))
def test_square_formulas(m):
    net = yarotsky_square(m).network
    assert net.form == "paper"
    assert net.depth == m + 1
    assert net.layer_sizes == [2] + [3] * (m - 1) + [1]
    assert net.width == (2 if m == 1 else 3)
    assert net.max_abs_bias == F(1, 2)
    assert net.max_weight == net.max_abs_weight == (1 if m == 1 else 4)


@pytest.mark.parametrize("m", range(1, 9))
def test_square_error_is_exactly_4_to_the_minus_m_minus_1_at_odd_points(m):
    den = 2 ** (m + 1)
    out = evaluate(yarotsky_square(m).network, unit_points(den))
    errors = [y - F(j, den) ** 2 for j, (y,) in enumerate(out)]
    assert errors == [F(1, 4 ** (m + 1)) if j % 2 else 0 for j in range(den + 1)]


@pytest.mark.parametrize("m", [1, 2, 3, 4, 6])
def test_square_is_the_interpolant_and_the_telescoping_sum(m):
    dom = unit_points(5 * 2 ** (m + 1))
    for (u,), (y,) in zip(dom, evaluate(yarotsky_square(m).network, dom)):
        assert y == u * u + interp_error(m, u) == f_sum(m, u)


@pytest.mark.parametrize("m", [1, 3, 5])
def test_square_sup_error_on_the_grid(m):
    err = sup_error(yarotsky_square(m).network, unit_points(2 ** (m + 3)), [["pow", ["x", 0], 2]])
    assert err.value == F(1, 2 ** (2 * m + 2))
    assert err.point == (F(1, 2 ** (m + 1)),)  # the first odd multiple of 2^-(m+1)


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 7), st.fractions(0, 1, max_denominator=10**6))
def test_square_hidden_layers_hold_g_and_f(m, u):
    layers = evaluate_layers_point(yarotsky_square(m).network, [u])
    g = u
    for s in range(1, m):
        g = tent(g)
        assert layers[s] == (g, max(g - F(1, 2), 0), f_sum(s, u))
    assert 0 <= layers[m][0] - u * u <= F(1, 4 ** (m + 1))


MULT = [(1, 1), (1, F(1, 2)), (2, 1), (2, 2), (3, F(5, 2)), (4, 3), (5, F(1, 8))]


def mult_weight(m, M):
    M = F(M)
    return max(M * M, 1 / (2 * M), *([4] if m >= 2 else []))


@pytest.mark.parametrize("m,M", MULT)
def test_multiply_formulas(m, M):
    net = yarotsky_multiply(m, M).network
    assert net.form == "paper"
    assert net.depth == m + 1
    assert net.layer_sizes == [8] + [6] * (m - 1) + [1]
    assert net.width == 8
    assert net.max_abs_bias == F(1, 2)
    assert net.max_weight == net.max_abs_weight == mult_weight(m, M)


@pytest.mark.parametrize("m,M", [(1, 1), (2, 2), (3, F(5, 2)), (2, F(1, 2))])
def test_multiply_error_identity_and_bound_on_the_grid(m, M):
    M = F(M)
    p = 2 ** (m + 1) * M.denominator
    grid = Grid(2, M, p)
    bound = M * M / 4 ** (m + 1)
    worst = 0
    for (x, y), (out,) in zip(grid, evaluate(yarotsky_multiply(m, M).network, grid)):
        s, t = abs(x + y) / (2 * M), abs(x - y) / (2 * M)
        assert out - x * y == M * M * (interp_error(m, s) - interp_error(m, t))
        worst = max(worst, abs(out - x * y))
    assert worst == bound  # attained, e.g. at x = y = M / 2^(m+1)
    corner = M / 2 ** (m + 1)
    assert evaluate_point(yarotsky_multiply(m, M).network, [corner, corner])[0] - corner**2 == bound


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 5), st.sampled_from([F(1, 3), 1, 2, F(7, 2)]), st.fractions(-1, 1), st.fractions(-1, 1))
def test_multiply_bound_holds_off_the_grid(m, M, a, b):
    M = F(M)
    x, y = a * M, b * M
    out = evaluate_point(yarotsky_multiply(m, M).network, [x, y])[0]
    assert abs(out - x * y) <= M * M / 4 ** (m + 1)


def test_bad_parameters_are_refused():
    for bad in (0, -1, F(1, 2)):
        with pytest.raises(ValueError):
            yarotsky_square(bad)
    with pytest.raises(ValueError):
        yarotsky_multiply(2, 0)


def test_certificates_carry_the_exact_error():
    m = 4
    block = yarotsky_square(m)
    assert [s.op for s in block.steps] == ["yarotsky_stage"] * m + ["linear"]
    cert = certificate(block, unit_points(2 ** (m + 1)), [["pow", ["x", 0], 2]], construction="yarotsky_square",
                       eps=F(1, 2**10))
    assert cert.data["claims"]["sup_error"] == {"bound": "1/1024", "attained": "1/1024"}
    assert check(cert.data).ok  # the independent kernel agrees
    interp = [v for v in cert.data["steps"][m]["claims"]["values"] if v["equals"] == square_interp_expr(m, ["x", 0])]
    assert interp and interp[0]["terms"] == [[m + 1, 0, 1]]
    mult = yarotsky_multiply(2, 2)
    cert = certificate(mult, Grid(2, 2, 8), [["mul", ["x", 0], ["x", 1]]], construction="yarotsky_multiply",
                       eps=F(1, 16))
    assert cert.data["claims"]["sup_error"] == {"bound": "1/16", "attained": "1/16"}
    assert check(cert.data).ok  # the independent kernel agrees
