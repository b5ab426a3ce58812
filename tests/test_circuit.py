"""The threshold-circuit IR: evaluation, JSON, and the ReLU network it compiles to."""

import copy
import itertools
import random

import pytest

from certify.circuit import CircuitBuilder, Form, Gate, ThresholdCircuit, ceil_log2
from certify.domain import Points
from certify.evaluate import evaluate
from certify.kernel.errors import MalformedError
from certify.reference import evaluate_point


def cube(d):
    return list(itertools.product([0, 1], repeat=d))


def net_outputs(net, points):
    """Return the network's outputs on the points as tuples of ints (fast exact evaluator)."""
    ev = evaluate(net, Points(points))
    assert ev.denominator == 1
    return [tuple(int(v) for v in row) for row in ev.numerators]


def random_circuit(rng, n_inputs, depth, width):
    """Return a random circuit whose gates read any earlier layer (skip connections included)."""
    bld = CircuitBuilder(n_inputs)
    sizes = [n_inputs]
    for l in range(1, depth + 1):
        k = rng.randint(1, width)
        for _ in range(k):
            pool = [(a, i) for a in range(l) for i in range(sizes[a])]
            refs = rng.sample(pool, min(len(pool), rng.randint(1, 4)))
            z = Form.of({r: rng.choice([-3, -2, -1, 1, 2, 3]) for r in refs}, rng.randint(-3, 3))
            bld.gate(l, z)
        sizes.append(len(bld.layers[l - 1]))
    outs = []
    for _ in range(rng.randint(1, 3)):
        pool = [(a, i) for a in range(depth + 1) for i in range(sizes[a])]
        refs = rng.sample(pool, min(len(pool), rng.randint(1, 4)))
        outs.append(Form.of({r: rng.choice([-2, -1, 1, 3]) for r in refs}))
    return bld.build(outs)


def direct_eval(c, bits):
    """Return the outputs by a direct recursive reading of the definition (independent of evaluate)."""
    vals = {(0, i): b for i, b in enumerate(bits)}
    for l, gates in enumerate(c.layers, 1):
        for i, g in enumerate(gates):
            z = g.bias + sum(w * vals[(a, j)] for a, j, w in g.terms)
            vals[(l, i)] = 1 if z > 0 else 0
    return tuple(sum(w * vals[(a, j)] for a, j, w in t) for t in c.outputs)


def test_form_arithmetic():
    a, b = Form.var(0, 1), Form.var(1, 0)
    f = 2 * a - b + 3
    assert f.terms == ((0, 1, 2), (1, 0, -1)) and f.const == 3
    assert (f - 2 * a).terms == ((1, 0, -1),)
    assert (f * 0) == Form()
    assert f.value([[0, 1], [1]]) == 2 - 1 + 3


def test_majority_and_xor_by_hand():
    bld = CircuitBuilder(3)
    x = [bld.input(i) for i in range(3)]
    maj = bld.gate(1, x[0] + x[1] + x[2] - 1)
    either = bld.gate(1, x[0] + x[1])
    both = bld.gate(1, x[0] + x[1] - 1)
    xor = bld.gate(2, either - both)
    c = bld.build([maj, xor, x[2] + 2 * maj])
    for bits in cube(3):
        m = int(sum(bits) >= 2)
        assert c.evaluate(bits) == (m, bits[0] ^ bits[1], bits[2] + 2 * m)
    assert (c.depth, c.size, c.layer_sizes, c.max_weight) == (2, 4, [3, 1], 2)


def test_builder_shares_identical_gates_and_rejects_forward_reads():
    bld = CircuitBuilder(2)
    g1 = bld.gate(1, bld.input(0) + bld.input(1))
    g2 = bld.gate(1, bld.input(0) + bld.input(1))
    assert g1 == g2 and len(bld.layers[0]) == 1
    with pytest.raises(MalformedError, match="layer >= 1"):
        bld.gate(1, g1)
    with pytest.raises(MalformedError, match="constant"):
        bld.build([g1 + 1])
    with pytest.raises(MalformedError, match="input 2"):
        bld.input(2)


@pytest.mark.parametrize("seed", range(12))
def test_random_circuits_network_agrees_exactly(seed):
    rng = random.Random(seed)
    n = rng.randint(1, 7)
    c = random_circuit(rng, n, rng.randint(1, 4), 5)
    net = c.to_network()
    assert net.depth == c.depth + 1
    points = cube(n)
    expected = [direct_eval(c, p) for p in points]
    assert [c.evaluate(p) for p in points] == expected
    assert net_outputs(net, points) == expected
    for p in rng.sample(points, min(6, len(points))):
        assert tuple(int(v) for v in evaluate_point(net, p)) == direct_eval(c, p)


def test_depth_zero_circuit_is_a_linear_network():
    c = ThresholdCircuit(2, (), (((0, 0, 2), (0, 1, -1)),))
    net = c.to_network()
    assert (c.depth, net.depth) == (0, 1)
    assert net_outputs(net, cube(2)) == [(2 * a - b,) for a, b in cube(2)]


def test_pass_through_neurons_are_counted():
    # a layer-3 gate reads input 0 and a layer-1 gate: both are carried by identity neurons
    bld = CircuitBuilder(2)
    g1 = bld.gate(1, bld.input(0) + bld.input(1) - 1)  # AND: z <= 1, one neuron
    g2 = bld.gate(2, 2 * g1 + bld.input(1))  # z in 0..3: two neurons
    g3 = bld.gate(3, g2 - bld.input(0) + g1)  # reads layers 2, 0, 1
    c = bld.build([g3 + g1])
    net = c.to_network()
    # layer 1: AND + carries of x0, x1; layer 2: g2 pair + carries of g1 and x0 (read by g3);
    # layer 3: g3 pair (z up to 2) + carry of g1 (read by the output)
    assert net.layer_sizes == [3, 4, 3, 1]
    assert net.depth == c.depth + 1
    assert net_outputs(net, cube(2)) == [direct_eval(c, p) for p in cube(2)]


def test_gates_with_z_at_most_one_use_a_single_relu():
    bld = CircuitBuilder(4)
    x = [bld.input(i) for i in range(4)]
    ands = [bld.gate(1, x[i] + x[i + 2] - 1) for i in range(2)]
    wide = bld.gate(1, x[0] + x[1])  # z up to 2: needs relu(z) and relu(z - 1)
    c = bld.build([ands[0] + ands[1] + wide])
    assert c.to_network().layer_sizes == [4, 1]


def test_monotone_chain_bound_prunes_an_alternating_sum_read():
    # 1[s>=1] - 1[s>=2] + 1[s>=3] lies in {0, 1}: a gate reading it has z <= 1 (one ReLU)
    bld = CircuitBuilder(3)
    s = bld.input(0) + bld.input(1) + bld.input(2)
    alt = bld.gate(1, s) - bld.gate(1, s - 1) + bld.gate(1, s - 2)
    out = bld.gate(2, alt)
    c = bld.build([out])
    assert c.to_network().layer_sizes[1] == 1
    assert net_outputs(c.to_network(), cube(3)) == [(sum(p) % 2,) for p in cube(3)]


def test_json_round_trip():
    c = random_circuit(random.Random(5), 4, 3, 4)
    obj = c.to_json()
    assert obj["format"] == "certify-circuit/v1"
    assert ThresholdCircuit.from_json(copy.deepcopy(obj)) == c


def _valid():
    return {"format": "certify-circuit/v1", "inputs": 2,
            "layers": [[{"terms": [[0, 0, 1], [0, 1, 1]], "bias": -1}]],
            "outputs": [[[1, 0, 1]]]}


@pytest.mark.parametrize("mutate, message", [
    (lambda o: o.update(format="certify-circuit/v2"), "format"),
    (lambda o: o.update(extra=1), "unknown key 'extra'"),
    (lambda o: o.pop("outputs"), "missing key 'outputs'"),
    (lambda o: o["layers"][0][0].update(note="x"), "layer 1 gate 0: unknown key 'note'"),
    (lambda o: o["layers"][0][0].update(bias=0.5), "layer 1 gate 0 bias"),
    (lambda o: o["layers"][0][0].update(bias=True), "layer 1 gate 0 bias"),
    (lambda o: o["layers"][0][0]["terms"][0].__setitem__(2, 1.0), "layer 1 gate 0 term 0"),
    (lambda o: o["layers"][0][0]["terms"].reverse(), "sorted"),
    (lambda o: o["layers"][0][0]["terms"][0].__setitem__(2, 0), "weight is 0"),
    (lambda o: o["layers"][0][0]["terms"][1].__setitem__(0, 1), "reads layer 1"),
    (lambda o: o["layers"][0][0]["terms"][1].__setitem__(1, 2), "index 2 outside layer 0"),
    (lambda o: o["outputs"][0][0].__setitem__(1, 1), "circuit output 0 term 0: index 1"),
    (lambda o: o.update(outputs=[]), "at least one output"),
    (lambda o: o["layers"].append([]), "layer 2: has no gates"),
    (lambda o: o.update(inputs="2"), "circuit inputs"),
    (lambda o: o["layers"][0][0].update(terms=[[0, 0]]), "expected \\[layer, index, weight\\]"),
])
def test_from_json_rejects_malformed_circuits(mutate, message):
    obj = _valid()
    ThresholdCircuit.from_json(copy.deepcopy(obj))
    mutate(obj)
    with pytest.raises(MalformedError, match=message):
        ThresholdCircuit.from_json(obj)


def test_evaluate_rejects_non_bits():
    c = ThresholdCircuit.from_json(_valid())
    with pytest.raises(MalformedError, match="bits"):
        c.evaluate([0, 2])
    with pytest.raises(MalformedError, match="bits"):
        c.evaluate([0])


def test_properties():
    c = ThresholdCircuit(3, ((Gate(((0, 0, 5),), -7), Gate(((0, 1, 1),), 0)), (Gate(((0, 2, -2), (1, 0, 1)), 1),)),
                         (((1, 1, 1), (2, 0, 4)),))
    assert (c.depth, c.size, c.layer_sizes, c.max_weight) == (2, 3, [2, 1], 7)


def test_ceil_log2():
    assert [ceil_log2(n) for n in range(1, 10)] == [0, 1, 2, 2, 3, 3, 3, 3, 4]


def test_direct_construction_is_validated_like_json():
    with pytest.raises(MalformedError, match="sorted"):
        ThresholdCircuit(2, ((Gate(((0, 1, 1), (0, 0, 1)), 0),),), (((1, 0, 1),),))
    with pytest.raises(MalformedError, match="weight is 0"):
        ThresholdCircuit(2, ((Gate(((0, 0, 0),), 0),),), (((1, 0, 1),),))
    with pytest.raises(MalformedError, match="circuit layer 1 gate 0 bias"):
        ThresholdCircuit(2, ((Gate(((0, 0, 1),), 0.5),),), (((1, 0, 1),),))
