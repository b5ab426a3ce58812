"""small_weights (Vardi & Shamir, Theorem 3.2 on the grid) and rationalise.

Expected values come from mathematics: N' evaluated point by point by the reference evaluator,
the integer recursion H_l = S_l h_l, the read-out 2^b0 floor(S_k y / 2^b0) / S_k, the paper's
depth 3k + 3 and the stated weight polynomial.
"""

import copy
import math
from fractions import Fraction as F

import pytest

from certify import Grid, Network, evaluate, exact_float
from certify.kernel import check
from certify.kernel.canonical import network_sha256
from certify.kernel.check import Limits
from certify.kernel.errors import MalformedError
from certify.kernel.numbers import format_rational
from certify.reference import evaluate_layers_point, evaluate_point
from certify.theorems import small_weights
from certify.theorems.rationalise import (
    RationaliseError,
    pow2_below,
    rationalise,
    round_to,
    unfold,
    vertex,
)
from certify.theorems.small_weights import integer_layers, truncated

STEP = Network.from_layers([([[2**40], [2**40]], [0, -1]), ([[1, -1]], None)])  # 1[x > 0] on the grid
DEPTH3 = Network.from_layers([
    ([[F(3, 2), -2], [F(-1, 3), F(5, 4)], [2**20, -(2**20)]], [F(1, 2), 0, -3]),
    ([[1, F(-2, 3), F(1, 2**20)], [F(1, 2), 1, 0]], [F(-1, 4), 1]),
    ([[F(7, 5), F(-3, 2)]], None)])
FLOATS = Network.from_layers([
    ([[exact_float(0.7312), exact_float(-0.4129)], [exact_float(-0.2718), exact_float(0.9031)]],
     [exact_float(0.0123), exact_float(-0.3301)]),
    ([[exact_float(1.2087), exact_float(-0.6655)]], None)])


@pytest.fixture(scope="module")
def step():
    return small_weights(STEP, 1, 4, F(1, 8))


@pytest.fixture(scope="module")
def depth3():
    return small_weights(DEPTH3, 1, 2, F(1, 16))


def grid_errors(result, net, grid):
    """Return |N^(x) - N'(x)| per grid point: N^ by the fast exact evaluator, N' by the reference one."""
    return [abs(y[0] - evaluate_point(net, x)[0]) for x, y in zip(grid, evaluate(result.network, grid))]


# ---- the theorem's claims ------------------------------------------------------------------
@pytest.mark.parametrize("name", ["step", "depth3"])
def test_depth_is_3k_plus_3_and_the_error_is_at_most_eps(name, request):
    result = request.getfixturevalue(name)
    net, R, p, eps = (STEP, 1, 4, F(1, 8)) if name == "step" else (DEPTH3, 1, 2, F(1, 16))
    assert result.network.depth == 3 * net.depth + 3
    assert result.network.form == "paper"
    errors = grid_errors(result, net, Grid(net.input_dim, R, p))
    assert max(errors) <= eps
    report = result.certificate.check()
    assert report.ok, report.first_failure
    claims = result.certificate.data["claims"]
    assert claims["depth"] == 3 * net.depth + 3
    assert F(claims["sup_error"]["attained"]) == max(errors)


def test_steep_step_is_simulated_exactly_with_small_weights(step):
    grid = Grid(1, 1, 4)
    for x, y in zip(grid, evaluate(step.network, grid)):
        assert y == ((1,) if x[0] > 0 else (0,))
    assert STEP.max_weight == 2**40
    assert step.network.max_weight <= 64  # every weight and bias of N^


def test_read_out_drops_exactly_the_bits_below_eps(depth3):
    grid = Grid(2, 1, 2)
    S, (b0,) = depth3.layers[-1].scale, depth3.readout_shift
    assert 2**b0 - 1 <= F(1, 16) * S < 2 ** (b0 + 1) - 1  # the most bits whose sum stays <= eps
    assert b0 > 0
    for x, y in zip(grid, evaluate(depth3.network, grid)):
        Y = S * evaluate_point(DEPTH3, x)[0]
        assert Y.denominator == 1
        assert y[0] == F(2**b0 * math.floor(Y / 2**b0), S)


def test_pad_false_gives_depth_3k_plus_2_with_the_same_function(depth3):
    short = small_weights(DEPTH3, 1, 2, F(1, 16), pad=False)
    assert short.network.depth == 3 * 3 + 2
    grid = Grid(2, 1, 2)
    assert list(evaluate(short.network, grid)) == list(evaluate(depth3.network, grid))


def test_integer_recursion_is_the_scaled_network():
    grid = Grid(2, 1, 2)
    layers = integer_layers(DEPTH3, grid)
    assert [lay.scale for lay in layers] == [2 * 12, 2 * 12 * 2**20 * 3, 2 * 12 * 2**20 * 3 * 10]
    for lay in layers:
        assert all(isinstance(c, int) for r in lay.coeffs for c in r)
    for l, lay in enumerate(layers, 1):
        values = [evaluate_layers_point(DEPTH3, x)[l - 1] for x in grid]
        H = [[lay.scale * v for v in row] for row in values]
        assert all(h.denominator == 1 for row in H for h in row)
        assert lay.top == tuple(max(row[j] for row in H) for j in range(len(lay.top)))
        assert lay.low == tuple(min(row[j] for row in H) for j in range(len(lay.low)))


def test_per_layer_claims_state_the_bits_of_each_layer(depth3):
    steps = depth3.certificate.data["steps"]
    layer_steps = [s for s in steps if "nn_layer" in s["params"]]
    assert sorted({s["params"]["nn_layer"] for s in layer_steps}) == [1, 2, 3]
    for s in layer_steps:
        l, scale = s["params"]["nn_layer"], s["params"]["scale"]
        bits = [c for c in s["claims"]["values"] if c["equals"][0] == "mod"]
        assert bits, s["label"]
        for b, c in enumerate(bits):  # bit b of S_l * (layer l of N'') at x, with N''_{<=l} embedded
            assert c["equals"][1][1][2] == 2**b
            assert c["equals"][1][1][1][1] == scale
            net = Network.from_json(c["equals"][1][1][1][2][1])
            assert net.depth == (l + 1 if l < 3 else 3)


def test_weight_polynomial_bounds_the_measured_weights_over_a_sweep():
    for d in (1, 2, 3):
        net = Network.from_layers([([[F(3, 2) if i == j else F(-1, 2) for i in range(d)] for j in range(2)], [F(1, 4), 0]),
                                   ([[1, -2]], None)])
        result = small_weights(net, 1, 2, F(1, 8))
        wb = result.certificate.data["provenance"]["parameters"]["weight_bound"]
        assert result.network.max_weight <= result.weight_bound == wb["bound"]
        N = 1 + wb["w"] * min(wb["beta"], wb["mu"])
        assert wb["bound"] == max(2, 2, 2, 4 * N**3, wb["beta"] + wb["mu"] + (wb["w"] + 1).bit_length() + 2,
                                  wb["terms"]["read_out"])


# ---- mutations: a corrupted certificate is rejected ------------------------------------------
def test_corrupted_certificates_are_rejected(step):
    data = step.certificate.data
    bad = copy.deepcopy(data)  # a read-out weight changes N^ and its error
    last = bad["network"]["layers"][-1]["weights"]
    last[-1][2] = format_rational(F(last[-1][2]) * 2)
    bad["network_sha256"] = network_sha256(bad["network"])
    assert not check(bad).ok
    bad = copy.deepcopy(data)  # a per-layer bit claim negated
    sid = next(i for i, s in enumerate(bad["steps"]) if s["params"].get("nn_layer") == 1)
    claim = next(c for c in bad["steps"][sid]["claims"]["values"] if c["equals"][0] == "mod")
    claim["equals"] = ["sub", 1, claim["equals"]]  # claims NOT bit b
    report = check(bad)
    assert not report.ok and f"step {sid}" in report.first_failure
    bad = copy.deepcopy(data)  # the rationalise claim with a negative tolerance can never hold
    bad["steps"][0]["claims"]["values"][0]["equals"][1][2] = -1
    assert not check(bad).ok
    bad = copy.deepcopy(data)
    bad["claims"]["depth"] = 3 * 2 + 2
    assert "depth" in check(bad).first_failure


def test_gadget_claims_can_be_kept_and_verify():
    net = Network.from_layers([([[1], [-2]], [0, 1]), ([[1, 1]], None)])
    result = small_weights(net, 1, 2, F(1, 4), gadget_claims=True)
    lean = small_weights(net, 1, 2, F(1, 4))
    def count(r):
        return sum(len(s["claims"]["values"]) for s in r.certificate.data["steps"])

    assert count(result) > count(lean)
    report = check(result.certificate.data, limits=Limits(max_expr_nodes=10**7))
    assert report.ok, report.first_failure


# ---- input validation --------------------------------------------------------------------------
def test_bad_inputs_name_the_field():
    with pytest.raises(MalformedError, match="eps"):
        small_weights(STEP, 1, 4, 0)
    with pytest.raises(MalformedError, match="net"):
        small_weights(Network.from_layers([([[1]], [0]), ([[1]], [1])], form="output_bias"), 1, 4, F(1, 8))
    with pytest.raises(MalformedError, match="method"):
        small_weights(STEP, 1, 4, F(1, 8), rationalise_method="simplex")
    with pytest.raises(MalformedError, match="grid R"):
        small_weights(STEP, F(1, 3), 4, F(1, 8))
    dead = Network.from_layers([([[1]], [-5]), ([[1]], None)])  # relu(x - 5) = 0 on [-1, 1]
    with pytest.raises(MalformedError, match="constant on the grid"):
        small_weights(dead, 1, 4, F(1, 8))


# ---- rationalise -------------------------------------------------------------------------------
def test_float_network_is_rounded_into_few_bits_and_certified():
    grid = Grid(2, 1, 2)
    assert math.lcm(*(w.denominator for L in FLOATS.sparse_layers for r in L.rows for _, w in r)).bit_length() > 32
    result = small_weights(FLOATS, 1, 2, F(1, 8))  # auto: too many bits for "exact", so "round"
    assert result.rationalised.method == "round"
    t = result.rationalised.t
    assert t & (t - 1) == 0 and t < 2**10
    assert max(grid_errors(result, FLOATS, grid)) <= F(1, 8)
    assert result.certificate.check().ok


def test_round_to_is_the_nearest_multiple():
    net = round_to(FLOATS, 4)
    assert net.sparse_layers[0].rows[0] == ((0, F(12, 16)), (1, F(-7, 16)))  # 0.7312 -> 12/16, -0.4129 -> -7/16
    assert net.sparse_layers[0].bias == (F(0), F(-5, 16))


def test_unfolded_network_has_unit_weights_after_layer_one_and_the_same_function():
    un = unfold(DEPTH3)
    net = un.network()
    assert net.layer_sizes == [5, 2, 1]  # copies: paths (j1, j2, output) with non-zero weights
    for L in net.sparse_layers[1:]:
        assert {abs(w) for r in L.rows for _, w in r} == {1}
    for x in Grid(2, 1, 2):
        assert evaluate_point(net, x) == evaluate_point(DEPTH3, x)


def test_lp_route_meets_the_tolerance_at_a_vertex():
    grid = Grid(2, 1, 2)
    rat = rationalise(FLOATS, grid, F(1, 16), "lp")
    worst = max(abs(evaluate_point(rat.network, x)[0] - evaluate_point(FLOATS, x)[0]) for x in grid)
    assert rat.error == worst <= F(1, 16)
    assert rat.t < 2**16  # while N' has 50+-bit denominators
    result = small_weights(FLOATS, 1, 2, F(1, 8), rationalise_method="lp")
    assert result.network.depth == 9 and result.certificate.check().ok


def test_vertex_walks_to_a_corner_of_the_polytope():
    # 0 <= x, y <= 1 and x + y <= 3/2, from (1/3, 1/2): every coordinate ends on a facet pair
    rows = [[1, 0], [-1, 0], [0, 1], [0, -1], [1, 1]]
    rhs = [F(1), F(0), F(1), F(0), F(3, 2)]
    v = vertex(rows, rhs, [F(1, 3), F(1, 2)])
    tight = [r for r, b in zip(rows, rhs) if r[0] * v[0] + r[1] * v[1] == b]
    assert len(tight) >= 2 and tight[0][0] * tight[1][1] - tight[0][1] * tight[1][0] != 0
    assert all(r[0] * v[0] + r[1] * v[1] <= b for r, b in zip(rows, rhs))


def test_pow2_below_and_errors():
    for q in (F(1), F(3, 4), F(1, 3), F(5), F(7, 1024)):
        h = pow2_below(q)
        assert h <= q < 2 * h and (h.numerator == 1 or h.denominator == 1)
    with pytest.raises(MalformedError, match="depth >= 2"):
        rationalise(Network.from_layers([([[F(1, 3)]], None)]), Grid(1, 1, 2), F(1, 4), "lp")
    with pytest.raises(RationaliseError, match="tol"):
        rationalise(FLOATS, Grid(2, 1, 2), 0, "round", max_bits=8)
    assert truncated(DEPTH3, 1).layer_sizes == [3, 3]
