"""Threshold gates, circuits as blocks, parity and inner product mod 2: exhaustive and exact."""

import itertools
import random

import pytest

from certify import BooleanCube, Product, certificate
from certify.circuit import CircuitBuilder
from certify.evaluate import evaluate
from certify.gadgets import inner_product_mod2, parity, threshold_circuit, threshold_gate
from certify.kernel.errors import MalformedError
from certify.reference import evaluate_point


def outputs(net, domain):
    ev = evaluate(net, domain)
    assert ev.denominator == 1
    return [tuple(int(v) for v in row) for row in ev.numerators]


@pytest.mark.parametrize("weights, bias", [([1], 0), ([2, -3], 1), ([5, -1, 7], -9), ([-4, -4], 8), ([0, 3], 0)])
def test_threshold_gate_on_integer_points(weights, bias):
    block = threshold_gate(weights, bias)
    dom = Product([range(-4, 5)] * len(weights))
    expected = [(int(sum(w * v for w, v in zip(weights, p)) + bias > 0),) for p in itertools.product(range(-4, 5), repeat=len(weights))]
    assert outputs(block.network, dom) == expected
    assert block.depth == 2 and block.network.width == 2
    assert block.network.max_weight == max([1, abs(bias), abs(bias - 1), *map(abs, weights)])


def test_threshold_gate_claims_hold_and_inputs_are_checked():
    block = threshold_gate([3, -2], 1)
    certificate(block, Product([range(-3, 4)] * 2), [["if", ["gt", ["add", ["mul", 3, ["x", 0]], ["mul", -2, ["x", 1]], 1], 0], 1, 0]],
                construction="threshold_gate", eps=0)
    with pytest.raises(MalformedError, match="weight 1"):
        threshold_gate([1, 0.5], 0)
    with pytest.raises(MalformedError, match="bias"):
        threshold_gate([1], True)
    with pytest.raises(MalformedError, match="at least one input"):
        threshold_gate([], 0)


@pytest.mark.parametrize("n", range(1, 13))
def test_parity_exhaustive_depth_width_weights(n):
    block = parity(n)
    expected = [(sum(p) % 2,) for p in itertools.product([0, 1], repeat=n)]
    assert outputs(block.network, BooleanCube(n)) == expected
    net = block.network
    # one threshold layer + linear read-out; gates share ReLUs: hidden layer relu(s - j), j < n
    assert net.depth == 2 and net.layer_sizes == [n, 1]
    assert net.max_weight == max(1 if n == 1 else 2, n - 1)


@pytest.mark.parametrize("n", range(1, 8))
def test_inner_product_mod2_exhaustive(n):
    block = inner_product_mod2(n)
    expected = [(sum(p[i] * p[n + i] for i in range(n)) % 2,) for p in itertools.product([0, 1], repeat=2 * n)]
    assert outputs(block.network, BooleanCube(2 * n)) == expected
    net = block.network
    assert net.depth == 3 and net.layer_sizes == [n, n, 1]
    assert net.max_weight == max(1 if n == 1 else 2, n - 1)


def test_parity_and_ip_claims_verify_against_builtin_targets():
    certificate(parity(6), BooleanCube(6), [["parity"]], construction="parity", eps=0)
    certificate(inner_product_mod2(4), BooleanCube(8), [["ip_mod2"]], construction="ip", eps=0)


def test_threshold_circuit_block_from_json_matches_circuit():
    rng = random.Random(3)
    bld = CircuitBuilder(5)
    x = [bld.input(i) for i in range(5)]
    g = [bld.gate(1, rng.choice([1, 2, -1]) * x[i] + rng.choice([1, -3]) * x[(i + 1) % 5] + rng.randint(-2, 2))
         for i in range(5)]
    h = bld.gate(2, g[0] - 2 * g[1] + g[2] + x[4])
    k = bld.gate(3, h + g[3] - x[0])
    c = bld.build([k, h + g[4], x[2]])
    block = threshold_circuit(c.to_json())
    pts = list(itertools.product([0, 1], repeat=5))
    assert outputs(block.network, BooleanCube(5)) == [c.evaluate(p) for p in pts]
    assert block.depth == c.depth + 1 == 4
    for p in pts[::7]:
        assert tuple(int(v) for v in evaluate_point(block.network, p)) == c.evaluate(p)
    # every gate claim "neurons = 1[z > 0]" holds on the cube (the writer checks each one)
    assert len(block.steps[0].values) == c.size
    certificate(block, BooleanCube(5), construction="circuit")
    with pytest.raises(MalformedError, match="unknown key"):
        threshold_circuit({**c.to_json(), "depth": 3})
    assert threshold_circuit(c).network == block.network


@pytest.mark.parametrize("bad", [0, -1, 2.0, True])
def test_parity_and_ip_reject_bad_n(bad):
    with pytest.raises(MalformedError, match="n"):
        parity(bad)
    with pytest.raises(MalformedError, match="n"):
        inner_product_mod2(bad)
