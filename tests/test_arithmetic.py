"""Threshold arithmetic: exhaustive and random checks against Python integers, depths and weight laws."""

import itertools
import random

import pytest

from certify import BooleanCube, Points, certificate
from certify.circuit import ceil_log2
from certify.evaluate import evaluate
from certify.gadgets import (compare, iterated_addition, multiply, naive_compare, naive_iterated_addition,
                             naive_multiply, naive_relu_of_sum, naive_weighted_sum_bits, relu_of_sum,
                             weighted_sum_bits)
from certify.gadgets.arithmetic import (iterated_addition_circuit, multiply_circuit, relu_of_sum_circuit,
                                        weighted_sum_circuit)
from certify.kernel.errors import MalformedError
from certify.reference import evaluate_point

EXHAUSTIVE_LIMIT = 2**16


def numbers(bits, n, m):
    """Return the n numbers of m bits (number-major, least significant bit first)."""
    return [sum(bits[i * m + j] << j for j in range(m)) for i in range(n)]


def to_bits(value, width):
    """Return the width low bits of value, least significant first (two's complement if negative)."""
    return tuple((value >> k) & 1 for k in range(width))


def points(d, rng, samples=400):
    """Return the whole cube {0,1}^d if it is small enough, else distinct random points."""
    if 2**d <= EXHAUSTIVE_LIMIT:
        return BooleanCube(d), list(itertools.product([0, 1], repeat=d))
    seen = set()
    while len(seen) < samples:
        seen.add(tuple(rng.randint(0, 1) for _ in range(d)))
    pts = sorted(seen)
    return Points(pts), pts


def outputs(net, domain):
    ev = evaluate(net, domain)
    assert ev.denominator == 1
    return [tuple(int(v) for v in row) for row in ev.numerators]


def check_reference(net, pts, expected, rng, k=3):
    """The pure-Fraction reference evaluator agrees on a few of the points."""
    for idx in rng.sample(range(len(pts)), min(k, len(pts))):
        assert tuple(int(v) for v in evaluate_point(net, pts[idx])) == expected[idx]


# ---- iterated addition ---------------------------------------------------------------------
ADD_EXHAUSTIVE = [(1, 5), (2, 1), (2, 4), (2, 8), (3, 3), (3, 5), (4, 2), (4, 4), (5, 3), (7, 2), (8, 2), (16, 1)]
ADD_RANDOM = [(3, 16), (5, 12), (9, 6), (16, 8), (2, 40), (33, 3)]


@pytest.mark.parametrize("n, m", ADD_EXHAUSTIVE + ADD_RANDOM)
def test_iterated_addition_matches_integer_sums(n, m):
    rng = random.Random(n * 1000 + m)
    block = iterated_addition(n, m)
    width = m + ceil_log2(n)
    dom, pts = points(n * m, rng)
    expected = [to_bits(sum(numbers(p, n, m)), width) for p in pts]
    assert sum(numbers(pts[-1], n, m)) < 2**width
    assert outputs(block.network, dom) == expected
    check_reference(block.network, pts, expected, rng)
    assert block.depth == 3 and iterated_addition_circuit(n, m).circuit.depth == 2


def test_iterated_addition_all_ones_carries_through_every_block():
    # the worst carry chain: every bit of every number set
    for n, m in [(3, 20), (5, 17), (16, 9), (2, 33)]:
        net = iterated_addition(n, m).network
        p = (1,) * (n * m)
        assert outputs(net, Points([p])) == [to_bits(n * (2**m - 1), m + ceil_log2(n))]


def test_iterated_addition_circuit_agrees_with_its_network():
    rng = random.Random(7)
    A = iterated_addition_circuit(5, 6)
    pts = [tuple(rng.randint(0, 1) for _ in range(30)) for _ in range(60)]
    assert outputs(A.circuit.to_network(), Points(sorted(set(pts)))) == [A.circuit.evaluate(p) for p in sorted(set(pts))]


def weight_bound(params):
    """The stated bound: max(N (4^b - 1), T + 1) with N the column bound, b block bits, T blocks."""
    N, b, T = params["column_bound"], params["block_bits"], params["blocks"]
    return max(N * (4**b - 1), T + 1)


def check_layer_bounds(net, params, first=1):
    """The per-layer statements: layer `first` weights < 4^b, biases <= N (4^b - 1); next layer
    weights <= 4, biases <= T; read-out weights 1."""
    N, b, T = params["column_bound"], params["block_bits"], params["blocks"]
    one, two, out = net.sparse_layers[first - 1], net.sparse_layers[first], net.sparse_layers[-1]
    assert max(abs(w) for r in one.rows for _, w in r) < 4**b
    assert max(abs(v) for v in one.bias) <= N * (4**b - 1)
    assert max(abs(w) for r in two.rows for _, w in r) <= 4
    assert max(abs(v) for v in two.bias) <= T
    assert {abs(w) for r in out.rows for _, w in r} <= {1}


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 32])
def test_iterated_addition_weight_formula_sweep(n):
    for m in (1, 2, 3, 4, 8, 16, 32) if n < 32 else (3, 16):
        A = iterated_addition_circuit(n, m)
        net = A.circuit.to_network()
        L = ceil_log2(n)
        assert A.params["block_bits"] == max(1, L) and A.params["blocks"] == -(-(m + L) // max(1, L))
        assert net.max_weight <= weight_bound(A.params)
        assert net.max_weight <= max(4 * n**3, m + L + 1)  # the polynomial statement
        assert net.depth == 3
        check_layer_bounds(net, A.params)


@pytest.mark.parametrize("n", [1, 2, 3, 4, 6, 8, 12, 16])
def test_weights_polynomial_when_m_doubles_naive_exponential(n):
    ours = [iterated_addition(n, m).network.max_weight for m in (8, 16)]
    naive = [naive_iterated_addition(n, m).network.max_weight for m in (8, 16)]
    assert ours[1] <= 16 * ours[0]
    assert naive[1] >= 256 * naive[0] - 256
    assert naive[1] > 200 * naive[0]


# ---- weighted sums, two's complement -------------------------------------------------------
def coeff_cases():
    rng = random.Random(11)
    cases = [([1, -1], 4, 0), ([3, -5], 3, 2), ([-7], 5, 0), ([2**40 + 3, -(2**33)], 3, 0), ([0, 6, -6], 3, -1),
             ([1, 1, 1, 1], 4, -30), ([-1, -2, -3], 4, 100), ([12345, -999], 6, 7)]
    for _ in range(10):
        n = rng.randint(1, 4)
        cases.append(([rng.choice([rng.randint(-9, 9), rng.randint(-10**4, 10**4)]) for _ in range(n)],
                      rng.randint(1, 12 // n + 2), rng.randint(-50, 50)))
    return cases


def signed_width(coeffs, m, bias):
    top = 2**m - 1
    lo = sum(c for c in coeffs if c < 0) * top + bias
    hi = sum(c for c in coeffs if c > 0) * top + bias
    W = 1
    while not (-(2 ** (W - 1)) <= lo and hi < 2 ** (W - 1)):
        W += 1
    return W


@pytest.mark.parametrize("coeffs, m, bias", coeff_cases())
def test_weighted_sum_bits_twos_complement(coeffs, m, bias):
    rng = random.Random(str((coeffs, m, bias)))
    n = len(coeffs)
    block = weighted_sum_bits(coeffs, m, bias)
    W = signed_width(coeffs, m, bias)
    dom, pts = points(n * m, rng)
    values = [sum(c * v for c, v in zip(coeffs, numbers(p, n, m))) + bias for p in pts]
    expected = [to_bits(v, W) for v in values]
    got = outputs(block.network, dom)
    assert got == expected
    # decoding the bits as two's complement gives the integer back
    assert [sum(b << k for k, b in enumerate(row)) - (row[-1] << W) for row in got] == values
    check_reference(block.network, pts, expected, rng)
    A = weighted_sum_circuit(coeffs, m, bias)
    assert block.depth == 3 and A.circuit.depth == 2
    # a column holds at most one shifted copy of each set bit of each |c_i|, plus a constant bit
    N = 1 + sum(min(bin(c).count("1"), m) for c in coeffs)
    assert A.params["column_bound"] <= N
    assert block.network.max_weight <= weight_bound(A.params)
    assert block.network.max_weight <= max(4 * N**3, W + 1)
    check_layer_bounds(block.network, A.params)


def test_weighted_sum_weights_do_not_grow_with_coefficient_size():
    # bits of |c| enter as shifted copies: a 60-bit coefficient costs columns, not weight
    small = weighted_sum_bits([3, -5], 4).network.max_weight
    huge = weighted_sum_bits([3 + 2**60, -5 - 2**59], 4).network.max_weight
    naive = naive_weighted_sum_bits([3 + 2**60, -5 - 2**59], 4).network.max_weight
    assert huge <= max(4 * 7**3, 70) and small <= huge
    assert naive >= 2**60


# ---- relu of a sum -------------------------------------------------------------------------
@pytest.mark.parametrize("coeffs, m, bias", coeff_cases()[:12])
def test_relu_of_sum_bits(coeffs, m, bias):
    rng = random.Random(str((coeffs, bias, m)))
    n = len(coeffs)
    block = relu_of_sum(coeffs, bias, m)
    top = sum(c for c in coeffs if c > 0) * (2**m - 1) + bias
    out_bits = max(1, max(top, 0).bit_length())
    dom, pts = points(n * m, rng)
    expected = [to_bits(max(0, sum(c * v for c, v in zip(coeffs, numbers(p, n, m))) + bias), out_bits) for p in pts]
    assert outputs(block.network, dom) == expected
    check_reference(block.network, pts, expected, rng)
    A = relu_of_sum_circuit(coeffs, bias, m)
    assert block.depth == 4 and A.circuit.depth == 3
    assert block.network.max_weight <= weight_bound(A.params)


# ---- compare and multiply ------------------------------------------------------------------
@pytest.mark.parametrize("m", [1, 2, 3, 5, 8, 16, 40])
def test_compare(m):
    rng = random.Random(m)
    block = compare(m)
    dom, pts = points(2 * m, rng)
    expected = [(int(x > y),) for x, y in (numbers(p, 2, m) for p in pts)]
    assert outputs(block.network, dom) == expected
    check_reference(block.network, pts, expected, rng)
    net = block.network
    # two threshold layers, every weight +-1, no bias: relu(x_j - y_j), relu(y_j - x_j), then m terms
    assert net.depth == 3 and net.layer_sizes == [2 * m, m, 1]
    assert net.max_weight == 1 and net.max_abs_bias == 0
    naive = naive_compare(m).network
    assert naive.depth == 2 and naive.max_weight == 2 ** (m - 1)


@pytest.mark.parametrize("m", [1, 2, 3, 5, 8, 12])
def test_multiply(m):
    rng = random.Random(m)
    block = multiply(m)
    dom, pts = points(2 * m, rng)
    expected = [to_bits(x * y, 2 * m) for x, y in (numbers(p, 2, m) for p in pts)]
    assert outputs(block.network, dom) == expected
    check_reference(block.network, pts, expected, rng)
    A = multiply_circuit(m)
    assert block.depth == 4 and A.circuit.depth == 3
    assert A.params["column_bound"] == m
    assert block.network.max_weight <= max(4 * m**3, 2 * m + 1)
    check_layer_bounds(block.network, A.params, first=2)


def test_naive_versions_are_exact_with_their_depths():
    rng = random.Random(5)
    for block, n, m, f, width, depth in [
            (naive_iterated_addition(3, 4), 3, 4, lambda v: sum(v), 6, 2),
            (naive_weighted_sum_bits([5, -3], 5, 1), 2, 5, lambda v: 5 * v[0] - 3 * v[1] + 1, signed_width([5, -3], 5, 1), 2),
            (naive_relu_of_sum([5, -3], -4, 5), 2, 5, lambda v: max(0, 5 * v[0] - 3 * v[1] - 4), 8, 3),
            (naive_multiply(5), 2, 5, lambda v: v[0] * v[1], 10, 3)]:
        dom, pts = points(n * m, rng)
        assert outputs(block.network, dom) == [to_bits(f(numbers(p, n, m)), width) for p in pts]
        assert block.depth == depth
    dom, pts = points(12, rng)
    assert outputs(naive_compare(6).network, dom) == [(int(x > y),) for x, y in (numbers(p, 2, 6) for p in pts)]


def test_block_claims_hold_on_the_cube():
    # the writer checks every gate claim, every G_t / P_t lemma and every output claim at every point
    for block, d in [(iterated_addition(3, 3), 9), (weighted_sum_bits([3, -5], 3, 2), 6),
                     (relu_of_sum([2, -3, 1], -4, 2), 6), (compare(4), 8), (multiply(3), 6)]:
        step = block.steps[0]
        assert len(step.values) > block.network.output_dim
        certificate(block, BooleanCube(d), construction=step.op)


@pytest.mark.parametrize("call, message", [
    (lambda: iterated_addition(0, 3), "n"),
    (lambda: iterated_addition(2, 0), "m"),
    (lambda: weighted_sum_bits([], 3), "coeffs"),
    (lambda: weighted_sum_bits([1, 2.5], 3), r"coeffs\[1\]"),
    (lambda: relu_of_sum([1], 0.5, 3), "bias"),
    (lambda: compare(0), "compare m"),
    (lambda: multiply(-1), "multiply m"),
])
def test_bad_arguments_are_malformed(call, message):
    with pytest.raises(MalformedError, match=message):
        call()


def test_input_and_output_names_follow_the_bit_order():
    assert iterated_addition(2, 2).input_names == ("x0[0]", "x0[1]", "x1[0]", "x1[1]")
    assert iterated_addition(3, 2).output_names == ("s0", "s1", "s2", "s3")
    assert multiply(2).input_names == ("x[0]", "x[1]", "y[0]", "y[1]")
    assert relu_of_sum([3], -1, 2).output_names == ("r0", "r1", "r2", "r3")  # max 3*3 - 1 = 8
