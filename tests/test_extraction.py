"""Extraction of the threshold circuit T from a small-weights network N^, and splicing (docs/extraction.md).

Expected values come from the mathematics: depth(T) = depth(N^) - 2 = 3k + 1, T's gates summed per
neuron equal N^'s integer layer values (certify.evaluate) at every grid point, depth(N^') = depth(T') + 2.
"""

import copy
from fractions import Fraction

import pytest

from certify.circuit import CircuitBuilder, Form, Gate, ThresholdCircuit
from certify.domain import Grid
from certify.evaluate import chunk_plan, evaluate, forward
from certify.kernel import check
from certify.kernel.errors import ClaimError, MalformedError
from certify.network import Layer, Network
from certify.theorems import extract_circuit, lookup_circuit, small_weights, splice
from certify.theorems.extraction import _gates_of, _unary_network, reproduces

ABS = Network.from_layers([([[1], [-1]], [0, 0]), ([[1, 1]], None)])  # |x|, k = 2
LIN = Network.from_layers([([[3]], None)])  # 3x, k = 1


@pytest.fixture(scope="module")
def abs_case():
    result = small_weights(ABS, 1, 2, Fraction(1, 4))
    return result, extract_circuit(result)


@pytest.fixture(scope="module")
def lin_case():
    result = small_weights(LIN, 1, 2, Fraction(1, 4))
    return result, extract_circuit(result)


def test_depths(abs_case, lin_case):
    for case, k in ((abs_case, 2), (lin_case, 1)):
        result, ex = case
        assert result.network.depth == 3 * k + 3
        assert ex.circuit.depth == 3 * k + 1
        assert ex.certificate.data["claims"]["depth"] == 3 * k + 3
        assert ex.certificate.data["provenance"]["parameters"]["depth_circuit"] == 3 * k + 1


def test_gates_equal_network_values(abs_case):
    """On every grid point, sum of T's gates of neuron u = N^'s value (integer evaluation)."""
    result, ex = abs_case
    net, grid = result.network, Grid(1, 1, 2)
    nums, den = grid.chunk(0, grid.size)
    layers = forward(net, nums, den, chunk_plan(net, nums, den), all_layers=True)
    # inputs: layer 1 is j - s for the ramps (j = 2x + 2), so 1[v >= t] = 1[j >= s + t]
    assert ex.circuit.num_inputs == 4 + 3 + 2 + 1
    for k in range(grid.size):
        values = [[Fraction(int(Z[k, i]), D) for i in range(Z.shape[1])] for Z, D in layers]
        bits = tuple(1 if values[0][v] >= t else 0 for v, t in ex.inputs)
        vals = ex.circuit.values(bits)
        for (l, u), form in ex.neuron_gates.items():
            assert form.value(vals) == values[l - 1][u]
        assert ex.circuit.evaluate(bits) == tuple(values[net.depth - 2])
    assert len(ex.occurring) == grid.size  # j determines the unary code and vice versa


def test_certificate_verifies_and_reproduces(abs_case):
    _, ex = abs_case
    assert check(ex.certificate.data).ok
    assert reproduces(ex.certificate.data)
    bad = copy.deepcopy(ex.certificate.data)
    bad["provenance"]["parameters"]["circuit"]["layers"][0][0]["bias"] += 5
    assert not reproduces(bad)
    assert ThresholdCircuit.from_json(ex.certificate.data["provenance"]["parameters"]["circuit"]) == ex.circuit


def _corrupt(circuit: ThresholdCircuit) -> ThresholdCircuit:
    """Return the circuit with the first gate of layer 1 negated (1[z > 0] -> 1[-z + 1 > 0])."""
    layers = [list(g) for g in circuit.layers]
    g = layers[0][0]
    layers[0][0] = Gate(tuple((l, i, -w) for l, i, w in g.terms), -g.bias + 1)
    return ThresholdCircuit(circuit.num_inputs, tuple(map(tuple, layers)), circuit.outputs)


def test_corrupted_circuit_rejected_by_kernel(abs_case):
    """Claims built from a corrupted T (nested networks M_l) are rejected with exit code 1."""
    result, ex = abs_case
    bad_T = _corrupt(ex.circuit)
    unary = _unary_network(result.network, ex.inputs)
    data = copy.deepcopy(ex.certificate.data)
    step = next(s for s in data["steps"] if s["params"].get("layer") == 2)
    live = [c for c in step["claims"]["values"] if isinstance(c["equals"], list)]
    outputs = [ex.neuron_gates[(2, c["terms"][0][1])].terms for c in live]
    m = _gates_of(bad_T, 1, outputs).to_network().compose(unary).to_json()
    for o, c in enumerate(live):
        c["equals"] = ["network", m, o]
    report = check(data)
    assert not report.ok and report.exit_code == 1


def test_splice_T_and_lookup(abs_case):
    result, ex = abs_case
    same = splice(result, ex.circuit, ex)
    assert same.depth == ex.circuit.depth + 2 == result.network.depth
    lookup = lookup_circuit(ex)
    assert lookup.depth == 1 and lookup.size == len(ex.occurring)
    spliced = splice(result, lookup, ex)
    assert spliced.depth == 3
    assert check(spliced.certificate.data).ok and check(same.certificate.data).ok
    # N^' equals N^ on the grid (it computes the same read-out of the same bits)
    grid = Grid(1, 1, 2)
    assert list(evaluate(spliced.network, grid)) == list(evaluate(result.network, grid))
    assert spliced.certificate.data["claims"]["sup_error"]["bound"] == "1/4"


def test_splice_refuses_inequivalent(abs_case):
    result, ex = abs_case
    with pytest.raises(ClaimError, match="occurring input"):
        splice(result, _corrupt(ex.circuit), ex)
    # a circuit outside the occurring inputs may do anything: only occurring vectors are compared
    lookup = lookup_circuit(ex)
    assert splice(result, lookup.to_json(), ex).depth == 3
    bld = CircuitBuilder(ex.circuit.num_inputs)
    with pytest.raises(MalformedError, match="outputs"):
        splice(result, bld.build([bld.gate(1, Form.var(0, 0))]), ex)


def test_splice_hand_circuit_depth0_interpolation(lin_case):
    """3x on I = {j/2}: T's outputs are the read-out bits; a hand-made depth-1 circuit over the
    thermometer code reproduces them, giving a depth-3 network."""
    result, ex = lin_case
    T = ex.circuit
    bld = CircuitBuilder(T.num_inputs)
    first = {t: i for i, (v, t) in enumerate(ex.inputs) if v == 0}  # 1[j >= t], ramp 0 is j itself
    outs = []
    for o in range(len(T.outputs)):
        f = Form()
        prev = T.evaluate(min(ex.occurring, key=sum))[o]
        one = bld.gate(1, Form((), 1))
        f = f + one * prev
        for t in sorted(first):
            code = next(c for c in ex.occurring if sum(c[i] for i in first.values()) == t)
            cur = T.evaluate(code)[o]
            if cur != prev:
                f = f + bld.gate(1, Form.var(0, first[t])) * (cur - prev)
            prev = cur
        outs.append(f)
    spliced = splice(result, bld.build(outs), ex)
    assert spliced.depth == 3 and check(spliced.certificate.data).ok


def test_refuses_non_integer_layers():
    """A hidden layer with a fractional weight cannot be read as threshold gates."""

    class Fake:
        pass

    result = small_weights(LIN, 1, 2, Fraction(1, 4))
    net = result.network
    L = net.sparse_layers[2]
    rows = (tuple((j, w / 2) for j, w in L.rows[0]),) + L.rows[1:]
    fake = Fake()
    fake.network = Network(net.input_dim, net.sparse_layers[:2] + (Layer(L.in_size, rows, L.bias),) +
                           net.sparse_layers[3:], "paper")
    fake.certificate = result.certificate
    with pytest.raises(MalformedError, match="non-integer weight"):
        extract_circuit(fake)
