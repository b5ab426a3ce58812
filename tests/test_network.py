"""Network IR: construction, validation, properties and combinators (expected values by hand)."""

from fractions import Fraction

import pytest

from certify import MalformedError, Network
from certify.reference import evaluate_point

ABS = [([[1], [-1]], [0, 0]), ([[1, 1]], None)]


def test_layers_round_trip_exactly():
    net = Network.from_layers([([[1, "1/3"], [0, "-2/4"]], ["5/7", 0]), ([[2, Fraction(1, 9)]], None)])
    (W1, b1), (W2, b2) = net.layers
    assert W1 == [[1, Fraction(1, 3)], [0, Fraction(-1, 2)]] and b1 == [Fraction(5, 7), 0]
    assert W2 == [[2, Fraction(1, 9)]] and b2 is None
    assert all(isinstance(v, Fraction) for row in W1 for v in row)


def test_properties_follow_paper_conventions():
    net = Network.from_layers([([[3, -1], [0, 2], [1, 1]], [0, "-7/2", 1]), ([[1, 0, 0], [0, 1, 0]], [0, 0]),
                               ([[1, -5]], None)])
    assert net.depth == 3  # two hidden layers plus the linear output layer
    assert net.layer_sizes == [3, 2, 1] and net.width == 3 and net.num_neurons == 6
    assert net.max_abs_weight == 5 and net.max_abs_bias == Fraction(7, 2)
    assert net.max_weight == 5  # covers weights and biases
    assert Network.from_layers([([[1]], [-9]), ([[1]], None)]).max_weight == 9  # a bias dominates


@pytest.mark.parametrize("bad, fragment", [
    ([([[0.5]], [0]), ([[1]], None)], "layer 1 row 0 column 0"),
    ([([[float("nan")]], [0]), ([[1]], None)], "float"),
    ([([["1/0"]], [0]), ([[1]], None)], "zero denominator"),
    ([([["abc"]], [0]), ([[1]], None)], "not an exact rational"),
    ([([[1], [1, 2]], [0, 0]), ([[1, 1]], None)], "layer 1 row 1"),
    ([([[1]], [0]), ([[1]], [3])], "output layer has a bias"),
    ([([], [0]), ([[1]], None)], "empty layer"),
    ([([[1]], [0, 0]), ([[1]], None)], "bias has 2 entries"),
    ([([[1]], [0]), ([[1, 1]], None)], "layer 2 row 0"),
    ([([[True]], [0]), ([[1]], None)], "boolean"),
])
def test_bad_input_is_rejected_naming_the_place(bad, fragment):
    with pytest.raises(MalformedError, match=fragment.replace("(", r"\(")):
        Network.from_layers(bad)
    assert issubclass(MalformedError, ValueError)


def test_output_bias_form_is_explicit():
    net = Network.from_layers([([[1]], [0]), ([[1]], [3])], form="output_bias")
    assert evaluate_point(net, [2]) == (5,)


def test_equality_and_hash_are_content_based():
    a, b = Network.from_layers(ABS), Network.from_layers([([[1], ["-2/2"]], [0, "0/5"]), ([[1, 1]], None)])
    assert a == b and a.content_hash() == b.content_hash()
    c = Network.from_layers([([[1], [-1]], [0, 0]), ([[1, "1000000001/1000000000"]], None)])
    assert a != c and a.content_hash() != c.content_hash()
    assert Network.from_json(a.to_json()) == a


def test_compose_fuses_affine_maps():
    inner = Network.from_layers([([[1], [-1]], [0, 0]), ([[1, 1]], None)])  # |x|
    outer = Network.from_layers([([[1]], [-1]), ([[2]], None)])              # 2 relu(y - 1)
    net = outer.compose(inner)
    assert net.depth == inner.depth + outer.depth - 1 == 3
    for x in [Fraction(j, 4) for j in range(-12, 13)]:
        assert evaluate_point(net, [x]) == (2 * max(abs(x) - 1, 0),)


def test_parallel_pads_and_concatenates():
    deep = Network.from_layers([([[1]], [0]), ([[1]], [0]), ([[3]], None)])  # 3 relu(x) in depth 3
    shallow = Network.from_layers([([[1], [-1]], [0, 0]), ([[1, 1]], None)])
    net = deep.parallel(shallow)
    assert net.depth == 3 and net.output_dim == 2
    for x in [Fraction(j, 3) for j in range(-6, 7)]:
        assert evaluate_point(net, [x]) == (3 * max(x, 0), abs(x))
    s = Network.sum(deep, shallow)
    assert all(evaluate_point(s, [x]) == (3 * max(x, 0) + abs(x),) for x in [Fraction(-1), Fraction(1, 2)])


def test_scale_and_linear_readout():
    net = Network.from_layers(ABS).scale("1/3")
    assert evaluate_point(net, [Fraction(-3, 2)]) == (Fraction(1, 2),)
    assert net.depth == 2 and net.layers[1][0] == [[Fraction(1, 3), Fraction(1, 3)]] and net.max_weight == 1


def test_prefix_exposes_hidden_layer_values():
    net = Network.from_layers([([[2], [-1]], [1, 0]), ([[1, 1]], ["-1/2"]), ([[3]], None)])
    pre = net.prefix(1)
    assert pre.depth == 2 and pre.output_dim == 2
    for x in [Fraction(-2), Fraction(0), Fraction(3, 4)]:
        assert evaluate_point(pre, [x]) == (max(2 * x + 1, 0), max(-x, 0))
        assert evaluate_point(net.prefix(2), [x]) == (max(max(2 * x + 1, 0) + max(-x, 0) - Fraction(1, 2), 0),)
    with pytest.raises(MalformedError):
        net.prefix(3)


def test_public_functions_survive_their_modules_being_imported():
    import subprocess
    import sys
    code = ("import certify.certificate, certify.evaluate; from certify import evaluate, certificate; "
            "import types; assert not isinstance(evaluate, types.ModuleType); "
            "assert not isinstance(certificate, types.ModuleType)")
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0
