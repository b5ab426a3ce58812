"""Builder: blocks, composition with fusion, padding, parallel, read-outs; every step claim is re-verified."""

import json
from fractions import Fraction as F

import pytest

from certify import ClaimError, Grid, Network, certificate
from certify.build import Block, compose, constant, identity, linear, parallel, readout, scale, sum_blocks
from certify.kernel import check
from certify.reference import evaluate_point
from certify.target import abs_, coords, max_

x = coords(2)


def abs_block():
    net = Network.from_layers([([[1], [-1]], [0, 0]), ([[1, 1]], None)])
    return Block.single(net, op="abs", label="|x|", values=[(((1, 0, 1), (1, 1, -1)), ["x", 0]),
                                                            (((2, 0, 1),), ["abs", ["x", 0]])])


def test_compose_wastes_no_depth_and_rewrites_claims():
    inner = linear([[1, -1]])  # x0 - x1, depth 1
    blk = compose(abs_block(), inner)
    assert blk.network.depth == 2  # the linear map fused into the first layer
    cert = certificate(blk, Grid(2, 1, 3), abs_(x[0] - x[1]), construction="abs-diff")
    assert cert.data["claims"]["sup_error"] == {"bound": 0, "attained": 0}
    assert check(cert.data).ok
    deeper = compose(abs_block(), compose(abs_block(), inner))  # ||x0 - x1|| in depth 3
    assert deeper.network.depth == 3
    assert [s.op for s in deeper.steps] == ["linear", "abs", "abs"]
    assert check(certificate(deeper, Grid(2, 1, 2), abs_(x[0] - x[1]), construction="t").data).ok


def test_parallel_pads_with_cheaper_identity_when_sign_known():
    one = Block.single(Network.from_layers([([[1, 0]], [0]), ([[1]], None)]), op="relu", label="relu(x0)",
                       values=[(((2, 0, 1),), ["max", ["x", 0], 0])])
    deep = compose(abs_block(), compose(abs_block(), linear([[1, 1]])))
    both = parallel(one, deep, nonneg=[[True], None])
    assert both.network.depth == 3
    # relu(x0) >= 0 passes with one neuron, not two
    assert both.network.layer_sizes == [1 + 2, 1 + 2, 2]
    cert = certificate(both, Grid(2, 1, 2), [max_(x[0], 0), abs_(x[0] + x[1])], construction="par")
    report = check(cert.data)
    assert report.ok, report.first_failure
    plain = parallel(one, deep)
    assert plain.network.layer_sizes == [1 + 2, 2 + 2, 2]


def test_false_nonneg_padding_is_caught():
    neg = Block.single(Network.from_layers([([[1, 0], [-1, 0]], [0, 0]), ([[1, -1]], None)]), op="id",
                       label="x0", values=[(((2, 0, 1),), ["x", 0])])
    deep = compose(abs_block(), compose(abs_block(), linear([[1, 1]])))
    wrong = parallel(neg, deep, nonneg=[[True], None])  # x0 is not >= 0 on the grid
    with pytest.raises(ClaimError, match=r"step 0 \(x0\), point x=\(-1, "):
        certificate(wrong, Grid(2, 1, 2), None, construction="wrong")


def test_sum_scale_constant_identity():
    s = sum_blocks(compose(abs_block(), linear([[1, 0]])), compose(abs_block(), linear([[0, 1]])))
    c = certificate(scale(s, F(1, 2)), Grid(2, 1, 2), (abs_(x[0]) + abs_(x[1])) / 2, construction="l1")
    assert check(c.data).ok and c.data["claims"]["max_weight"] == 1
    k = constant([F(-3, 2)], 2)
    ck = certificate(k, Grid(2, 1, 1), F(-3, 2), construction="const")
    assert ck.data["claims"]["depth"] == 2 and ck.data["network"]["layers"][-1]["bias"] is None
    assert check(ck.data).ok
    ident = identity(2)
    assert check(certificate(ident, Grid(2, 1, 2), [x[0], x[1]], construction="id").data).ok
    pos = identity(1, nonneg=True)
    assert pos.network.width == 1
    for v in (F(0), F(3, 4)):
        assert evaluate_point(pos.network, [v]) == (v,)


def test_false_claims_are_refused_by_the_writer():
    lying = Block.single(Network.from_layers([([[1], [-1]], [0, 0]), ([[1, 1]], None)]), op="abs", label="lie",
                         values=[(((2, 0, 1),), ["x", 0])])
    with pytest.raises(ClaimError, match=r"step 0 \(lie\), point x=\(-1\)"):
        certificate(lying, Grid(1, 1, 1), None, construction="lie")
    with pytest.raises(ClaimError, match="sup_error"):
        certificate(abs_block(), Grid(1, 1, 2), x[0], construction="t", eps=F(1, 2))


def test_readout_claims_are_relative_to_the_block_input():
    blk = readout(abs_block(), [[3]])
    assert blk.network.depth == 2 and blk.steps[-1].op == "linear"
    cert = certificate(blk, Grid(1, 1, 2), abs_(coords(1)[0]) * 3, construction="3abs")
    step = cert.data["steps"][-1]
    assert step["inputs"] == [0] and step["claims"]["values"]
    assert check(cert.data).ok


def test_implicit_coordinate_claims_survive_composition():
    from certify import BooleanCube
    from certify.gadgets import parity
    from certify.target import parity as parity_expr
    blk = compose(parity(3), identity(3, nonneg=True))  # parity claims ["parity"] about its own input
    cert = certificate(blk, BooleanCube(3), parity_expr(), construction="parity after identity")
    assert check(cert.data).ok
    claims = [c["equals"] for s in cert.data["steps"] for c in s["claims"]["values"]]
    assert not any("parity" in json.dumps(c) for c in claims[2:])  # rewritten over neuron values
