"""Z3 claims: affine-on-polytope (true and false, counterexamples checked exactly), maxima over boxes,
Farkas certificates, parametric bounds, and the monolithic encoding as a cross-check."""

import itertools
import random
from fractions import Fraction

import pytest
import sympy
import z3

from certify import Network
from certify.gadgets import maximum, yarotsky_square
from certify.kernel.errors import ClaimError, MalformedError
from certify.kernel.smt import farkas, leaves, num
from certify.reference import evaluate_point
from certify.smt import check_affine, farkas_multipliers, max_over_box
from certify.smt.encode import dense_layers, variables
from certify.smt.monolithic import exceeds
from certify.smt.parametric import Parameter, parametric_claim, to_expr

F = Fraction
H = F(1, 2)
# |x| + |y| + 2 relu(x + y - 1): on the triangle x, y >= 0, x + y <= 1 it is x + y.
NET = Network.from_layers([([[1, 0], [-1, 0], [0, 1], [0, -1], [1, 1]], [0, 0, 0, 0, -1]), ([[1, 1, 1, 1, 2]], None)])
TRIANGLE = ([[-1, 0], [0, -1], [1, 1]], [0, 0, 1])


def in_polytope(A, b, x):
    return all(sum(F(a) * v for a, v in zip(row, x)) <= bi for row, bi in zip(A, b))


def assert_refuted(res, net, A, b, c, e):
    """A false claim comes back with an exact point of P where the network differs from c.x + e."""
    assert not res.holds and in_polytope(A, b, res.counterexample)
    got = evaluate_point(net, res.counterexample)[0]
    want = sum((F(ci) * v for ci, v in zip(c, res.counterexample)), F(e))
    assert got == res.network_value != want == res.claimed_value


def test_true_affine_claim_gets_a_pattern_and_farkas_certificates():
    res = check_affine(NET, *TRIANGLE, [1, 1], 0)
    assert res.holds and res.method == "farkas" and res.pattern == ((1, 0, 1, 0, 0),)
    A, b = [[F(v) for v in r] for r in TRIANGLE[0]], [F(v) for v in TRIANGLE[1]]
    assert len(res.farkas) == 5 + 2
    assert all(lam is not None and all(v >= 0 for v in lam) for lam in res.farkas)
    assert farkas(A, b, (F(-1), F(0)), F(0), res.farkas[0]) is None  # relu(x) is active: -x <= 0 on P
    assert farkas(A, b, (F(-1), F(0)), F(0), (F(0), F(0), F(0))) is not None


@pytest.mark.parametrize("c, e", [([1, H], 0), ([1, 1], F(1, 3)), ([0, 0], 0), ([1, 1], F(-1, 10**9))])
def test_false_affine_claims_are_refuted_with_an_exact_point(c, e):
    assert_refuted(check_affine(NET, *TRIANGLE, c, e), NET, *TRIANGLE, c, e)


def test_a_polytope_crossing_a_kink_is_refuted_and_a_true_claim_across_kinks_holds():
    A, b = [[-1, 0], [0, -1], [1, 1]], [0, 0, 2]
    assert_refuted(check_affine(NET, A, b, [1, 1], 0), NET, A, b, [1, 1], 0)
    ident = Network.from_layers([([[1], [-1]], [0, 0]), ([[1, -1]], None)])  # relu(x) - relu(-x) = x
    res = check_affine(ident, [[1], [-1]], [1, 1], [1], 0)
    assert res.holds and res.method == "regions"
    assert_refuted(check_affine(ident, [[1], [-1]], [1, 1], [1], F(1, 3)), ident, [[1], [-1]], [1, 1], [1], F(1, 3))


def test_empty_and_lower_dimensional_polytopes():
    assert check_affine(NET, [[1, 0], [-1, 0]], [0, -1], [5, 5], 5).method == "empty"
    segment = ([[1, 0], [-1, 0], [0, 1], [0, -1]], [H, -H, 1, 0])  # x = 1/2, 0 <= y <= 1
    res = check_affine(NET, *segment, [0, 3], H - 2 * (1 - H))
    assert not res.holds  # N(1/2, y) = 1/2 + y + 2 relu(y - 1/2) is not 3y - 1/2 everywhere
    assert_refuted(res, NET, *segment, [0, 3], H - 1)


def test_maximum_gadget_is_x_on_the_half_plane_x_ge_y():
    net = maximum(2).network
    A, b = [[-1, 1], [1, 0], [-1, 0], [0, 1], [0, -1]], [0, 1, 1, 1, 1]
    assert check_affine(net, A, b, [1, 0], 0).holds
    assert_refuted(check_affine(net, A, b, [0, 1], 0), net, A, b, [0, 1], 0)


def test_farkas_multipliers_exist_exactly_when_the_inequality_holds():
    A, b = [[-1, 0], [0, -1], [1, 1]], [0, 0, 1]
    lam = farkas_multipliers(A, b, (1, 2), 2)  # x + 2y <= 2 on the triangle
    assert lam is not None and farkas([[F(v) for v in r] for r in A], [F(v) for v in b], (F(1), F(2)), F(2), lam) is None
    assert farkas_multipliers(A, b, (1, 2), F(19, 10)) is None


def random_net(rng, d, widths):
    layers, prev = [], d
    for w in widths:
        layers.append(([[F(rng.randint(-4, 4), rng.randint(1, 3)) for _ in range(prev)] for _ in range(w)],
                       [F(rng.randint(-3, 3), 2) for _ in range(w)]))
        prev = w
    return Network.from_layers(layers + [([[rng.randint(-3, 3) for _ in range(prev)]], None)])


@pytest.mark.parametrize("d, widths, seed", [(1, [4, 4], 0), (2, [6, 5], 1), (2, [8, 8, 8, 8], 2), (3, [4, 3], 3)])
def test_max_over_box_is_attained_and_never_beaten_by_a_grid(d, widths, seed):
    net = random_net(random.Random(seed), d, widths)
    lo, hi = [F(-1)] * d, [F(1)] * d
    for absolute in (False, True):
        res = max_over_box(net, lo, hi, absolute=absolute)
        value = evaluate_point(net, res.point)[0]
        assert (abs(value) if absolute else value) == res.value
        assert all(-1 <= v <= 1 for v in res.point)
        grid = [F(j, 4) for j in range(-4, 5)]
        values = [evaluate_point(net, p)[0] for p in itertools.product(grid, repeat=d)]
        assert max(abs(v) if absolute else v for v in values) <= res.value


def test_max_over_box_2d_cells_agree_with_the_z3_region_split():
    net = random_net(random.Random(7), 2, [5, 5])
    lo, hi = [F(-1), F(-2)], [F(1), F(H)]
    xs, opt = variables(2), z3.Optimize()
    opt.add(*[x >= num(a) for x, a in zip(xs, lo)], *[x <= num(a) for x, a in zip(xs, hi)])
    best = None
    for G, H_ in leaves(dense_layers(net, 0), opt, xs, (lo, hi)):
        opt.push()
        opt.maximize(sum(num(g) * x for g, x in zip(G[0], xs)) + num(H_[0]))
        assert opt.check() == z3.sat
        m = opt.model()
        v = sum(G[0][j] * F(m.eval(xs[j]).as_fraction()) for j in range(2)) + H_[0]
        best = v if best is None else max(best, v)
        opt.pop()
    assert max_over_box(net, lo, hi).value == best


def test_max_over_box_against_a_network_target():
    f, g = random_net(random.Random(1), 2, [4]), random_net(random.Random(2), 2, [3, 3])
    res = max_over_box(f, [-1, -1], [1, 1], g)
    x = res.point
    assert res.absolute and res.value == abs(evaluate_point(f, x)[0] - evaluate_point(g, x)[0])
    assert max_over_box(f, [-1, -1], [1, 1], f).value == 0
    with pytest.raises(MalformedError):
        max_over_box(f, [1, -1], [1, 1])


@pytest.mark.parametrize("m", [2, 4])
def test_monolithic_z3_agrees_with_the_sweep_on_yarotsky(m):
    net = yarotsky_square(m).network
    eps = F(1, 4 ** (m + 1))
    assert exceeds(net, [0], [1], eps, (0, 0, 1)).answer == "unsat"
    res = exceeds(net, [0], [1], eps - F(1, 10**6), (0, 0, 1))
    assert res.answer == "sat" and evaluate_point(net, res.point)[0] - res.point[0] ** 2 > eps - F(1, 10**6)


def test_parametric_bounds_true_and_false():
    d, p = sympy.symbols("d p", integer=True)
    params = [Parameter("d"), Parameter("p")]
    claim = parametric_claim(params, {"d": 3, "p": 2}, {"width": d * (p + 1), "depth": 3 * d + 3},
                             [("width", "le", 2 * d * p), ("depth", "eq", 3 * (d + 1))])
    assert claim["formulas"]["width"] == ["mul", ["p", "d"], ["add", 1, ["p", "p"]]]
    with pytest.raises(ClaimError, match=r"fails at \{'d': '1', 'p': '1'\}|fails at"):
        parametric_claim(params, {"d": 3, "p": 2}, {"width": d * (p + 1)}, [("width", "le", d * p)])
    n = sympy.Symbol("n", integer=True)
    parametric_claim([Parameter("n", min=2)], {"n": 7}, {"width": 2 * n - sympy.floor(n / 2)},
                     [("width", "le", (3 * n + 1) / 2)])
    with pytest.raises(ClaimError) as err:
        parametric_claim([Parameter("n", min=1)], {"n": 1}, {"width": sympy.ceiling(n / 3)},
                         [("width", "le", n / 3 + H)])
    assert "'n': '1'" in str(err.value)  # ceil(1/3) = 1 > 1/3 + 1/2


def test_parametric_instance_must_agree_with_the_network_and_lie_in_range():
    k = sympy.Symbol("k", integer=True)
    net = yarotsky_square(3).network  # depth 4, width 3, max weight 4
    parametric_claim([Parameter("k", min=2)], {"k": 3}, {"depth": k + 1}, [], net)
    with pytest.raises(ClaimError, match="depth"):
        parametric_claim([Parameter("k", min=2)], {"k": 3}, {"depth": k + 2}, [], net)
    with pytest.raises(MalformedError, match="outside"):
        parametric_claim([Parameter("k", min=5)], {"k": 3}, {"depth": k + 1}, [], net)
    with pytest.raises(MalformedError):
        to_expr(sympy.sqrt(k))
