"""Interop: ONNX and PyTorch import (exact float -> rational), ONNX export (run by other tools),
VNN-LIB export of the grid claim (read back and cross-checked). Models are built in-process."""

from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from certify import Grid, MalformedError, Network, certificate, check, cli
from certify.evaluate import evaluate
from certify.interop import exact_vector, network_from_chain
from certify.interop import vnnlib
from certify.reference import evaluate_point
from certify.target import abs_, coords

FIX = Path(__file__).parent / "fixtures"


def abs_certificate(tmp_path, p=4):
    """The certificate of |x| = relu(x) + relu(-x) on {j/p : |j| <= p}."""
    x = coords(1)
    net = Network.from_layers([([[1], [-1]], [0, 0]), ([[1, 1]], None)])
    path = tmp_path / f"abs_p{p}.json"
    certificate(net, Grid(d=1, R=1, p=p), abs_(x[0]), construction="abs").save(path)
    return path, net


def exact_outputs(net, points):
    return [evaluate_point(net, [Fraction(v) for v in x]) for x in points]


# ---- the chain -----------------------------------------------------------------------------------

def test_chain_fuses_affine_maps_and_marks_output_bias():
    F = Fraction
    ops = [("affine", [[F(2)], [F(-1)]], [F(1), F(0)]), ("affine", [[F(1), F(1)]], [F(1, 2)]), ("relu",),
           ("affine", [[F(3)]], [F(0)])]
    net = network_from_chain(ops, 1)
    assert net.form == "paper" and net.layer_sizes == [1, 1]
    assert net.layers[0] == ([[F(1)]], [F(3, 2)])  # (2x + 1) + (-x) + 1/2 = x + 3/2
    assert network_from_chain([("affine", [[F(1)]], [F(5)])], 1).form == "output_bias"
    ends_relu = network_from_chain([("affine", [[F(1)]], [F(0)]), ("relu",)], 1)
    assert ends_relu.depth == 2 and evaluate_point(ends_relu, [F(-3)]) == (0,)
    assert exact_vector(np.float32(0.5), 3, "c") == [F(1, 2)] * 3


# ---- ONNX ---------------------------------------------------------------------------------------

onnx = pytest.importorskip("onnx")
from onnx import TensorProto, helper, numpy_helper  # noqa: E402
from onnx.reference import ReferenceEvaluator  # noqa: E402

from certify.interop.onnx_io import load_onnx, save_onnx, to_onnx  # noqa: E402


def _model(nodes, inits, d, m, dtype=TensorProto.FLOAT, outname="y"):
    graph = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("x", dtype, ["N", d])],
                              [helper.make_tensor_value_info(outname, dtype, ["N", m])],
                              [numpy_helper.from_array(v, k) for k, v in inits.items()])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    return model


def test_onnx_import_matmul_add_relu_gemm_is_exact():
    rng = np.random.default_rng(0)
    W1 = rng.normal(size=(2, 5)).astype(np.float32)      # MatMul: x @ W1
    b1 = rng.normal(size=5).astype(np.float32)
    W2 = rng.normal(size=(3, 5)).astype(np.float32)      # Gemm transB: h @ W2^T * alpha + C
    C2 = np.array([0.1, -0.2, 0.3], dtype=np.float32)
    W3 = rng.normal(size=(3, 1)).astype(np.float32)
    nodes = [helper.make_node("MatMul", ["x", "W1"], ["a"]), helper.make_node("Add", ["a", "b1"], ["b"]),
             helper.make_node("Relu", ["b"], ["c"]),
             helper.make_node("Gemm", ["c", "W2", "C2"], ["d"], transB=1, alpha=0.5),
             helper.make_node("Relu", ["d"], ["e"]), helper.make_node("MatMul", ["e", "W3"], ["y"])]
    model = _model(nodes, {"W1": W1, "b1": b1, "W2": W2, "C2": C2, "W3": W3}, 2, 1)
    onnx.checker.check_model(model)
    net = load_onnx(model.SerializeToString())
    assert net.layer_sizes == [5, 3, 1] and net.form == "paper"
    W, b = net.layers[0]
    assert W[3][1] == Fraction(float(W1[1, 3])) and b[4] == Fraction(float(b1[4]))  # exact float32 values
    W, b = net.layers[1]
    assert W[2][0] == Fraction(1, 2) * Fraction(float(W2[2, 0])) and b[1] == Fraction(float(np.float32(-0.2)))
    assert b[1] != Fraction(-1, 5)  # the float32 value, not the decimal the author typed
    # the exact network agrees with the float model (run in float64 on float32 weights, up to rounding)
    points = [[a / 2, c / 2] for a in range(-2, 3) for c in range(-2, 3)]
    ref = ReferenceEvaluator(model).run(None, {"x": np.array(points, dtype=np.float32)})[0]
    exact = np.array([[float(v) for v in o] for o in exact_outputs(net, points)])
    assert np.allclose(ref, exact, rtol=1e-5, atol=1e-5)


def test_onnx_import_ops_and_refusals():
    one = np.ones((1, 1), dtype=np.float64)
    nodes = [helper.make_node("Sub", ["k", "x"], ["a"]), helper.make_node("Mul", ["a", "two"], ["b"]),
             helper.make_node("Div", ["b", "four"], ["c"]), helper.make_node("Flatten", ["c"], ["d"]),
             helper.make_node("Relu", ["d"], ["y"])]
    model = _model(nodes, {"k": np.array([1.0]), "two": np.array([2.0]), "four": np.array([4.0])}, 1, 1,
                   TensorProto.DOUBLE)
    net = load_onnx(model)  # relu((1 - x) * 2 / 4), then an identity output layer
    assert [evaluate_point(net, [Fraction(v)])[0] for v in (-1, 0, 3)] == [1, Fraction(1, 2), 0]
    bad = _model([helper.make_node("Sigmoid", ["x"], ["y"], name="squash")], {}, 1, 1)
    with pytest.raises(MalformedError, match="Sigmoid 'squash'.*not supported"):
        load_onnx(bad)
    biased = _model([helper.make_node("Gemm", ["x", "W", "C"], ["y"])], {"W": one, "C": np.array([3.0])}, 1, 1,
                    TensorProto.DOUBLE)
    assert load_onnx(biased).form == "output_bias"


def dyadic_net():
    F = Fraction
    return Network.from_layers([([[1, F(-1, 2)], [-1, F(3, 4)], [F(1, 8), 1]], [0, F(1, 4), F(-3, 2)]),
                                ([[1, 1, F(-5, 16)]], None)])


def test_onnx_export_round_trip_and_the_reference_evaluator_runs_it(tmp_path):
    net = dyadic_net()
    info = save_onnx(net, tmp_path / "n.onnx")
    assert info.exact and info.inexact_values == 0
    model = onnx.load(str(tmp_path / "n.onnx"))
    onnx.checker.check_model(model)
    meta = {p.key: p.value for p in model.metadata_props}
    assert meta["certify.exact"] == "true" and meta["certify.network_sha256"] == net.content_hash()
    back = load_onnx(tmp_path / "n.onnx")
    assert back.to_json() == net.to_json() and back.content_hash() == net.content_hash()
    grid = Grid(d=2, R=1, p=4)
    points = np.array([[float(v) for v in x] for x in grid])
    exact = np.array([[float(v) for v in o] for o in evaluate(net, grid)])
    out = ReferenceEvaluator(model).run(None, {"x": points})[0]
    assert np.array_equal(out, exact)  # dyadic weights: float64 is exact here


def test_onnxruntime_runs_the_export(tmp_path):
    ort = pytest.importorskip("onnxruntime")
    net = dyadic_net()
    save_onnx(net, tmp_path / "n.onnx", dtype="float32")
    grid = Grid(d=2, R=1, p=4)
    points = np.array([[float(v) for v in x] for x in grid], dtype=np.float32)
    exact = np.array([[float(v) for v in o] for o in evaluate(net, grid)], dtype=np.float32)
    sess = ort.InferenceSession(str(tmp_path / "n.onnx"), providers=["CPUExecutionProvider"])
    assert np.array_equal(sess.run(None, {"x": points})[0], exact)


def test_onnx_export_says_when_it_rounds():
    net = Network.from_layers([([[Fraction(1, 3)]], [0]), ([[1]], None)])
    model, info = to_onnx(net, dtype="float32")
    assert not info.exact and info.inexact_values == 1 and 0 < info.max_rounding_error < Fraction(1, 2**24)
    assert {p.key: p.value for p in model.metadata_props}["certify.exact"] == "false"


# ---- VNN-LIB ------------------------------------------------------------------------------------

def test_decimal_is_exact_or_rounded_outward():
    assert vnnlib.decimal(Fraction(-5, 8)) == ("-0.625", True)
    assert vnnlib.decimal(Fraction(3, 1)) == ("3", True)
    assert vnnlib.decimal(Fraction(1, 1024)) == ("0.0009765625", True)
    lo, ok = vnnlib.decimal(Fraction(1, 3), "down")
    hi, _ = vnnlib.decimal(Fraction(1, 3), "up")
    assert not ok and Fraction(lo) < Fraction(1, 3) < Fraction(hi) and Fraction(hi) - Fraction(lo) < Fraction(1, 10**19)


def test_vnnlib_grid_claim_holds_for_the_network_and_fails_for_a_wrong_one(tmp_path):
    path, net = abs_certificate(tmp_path)
    out = vnnlib.write_vnnlib(path, tmp_path / "abs.vnnlib")
    text = (tmp_path / "abs.vnnlib").read_text()
    assert out == {"points": 9, "exact": True, "path": tmp_path / "abs.vnnlib"}
    assert "(declare-const X_0 Real)" in text and "(declare-const Y_0 Real)" in text and "exact decimals" in text
    assert "(and (>= X_0 -0.75) (<= X_0 -0.75) (>= Y_0 0.750001))" in text
    disjuncts = vnnlib.read_violations(text)
    assert len(disjuncts) == 2 * 9
    assert vnnlib.violated(disjuncts, lambda x: evaluate_point(net, x)) == []   # unsat: the claim holds
    wrong = lambda x: [v + Fraction(1, 10**5) if x[0] == Fraction(1, 2) else v for v in evaluate_point(net, x)]
    assert vnnlib.violated(disjuncts, wrong) == [12]                           # x = 1/2, upper side
    # the exported ONNX network, run by onnx's reference evaluator, satisfies no violation either
    model, _ = to_onnx(net)
    run = ReferenceEvaluator(model)
    onnx_eval = lambda x: [Fraction(float(v)) for v in run.run(None, {"x": np.array([[float(c) for c in x]])})[0][0]]
    assert vnnlib.violated(disjuncts, onnx_eval) == []


def test_vnnlib_non_decimal_grid_per_point_files_and_refusals(tmp_path, capsys):
    path, net = abs_certificate(tmp_path, p=3)  # points j/3: not finite decimals
    out = vnnlib.write_vnnlib_per_point(path, tmp_path / "props", onnx_name="../abs.onnx", timeout=30)
    assert out["points"] == 7 and not out["exact"] and len(out["files"]) == 7
    text = out["files"][2].read_text()  # x = -1/3
    assert "NOT exact" in text and "domain point 2: x = (-1/3)" in text
    (up, down) = vnnlib.read_violations(text)
    lo = next(c for v, op, c in up if v == "X_0" and op == ">=")
    hi = next(c for v, op, c in up if v == "X_0" and op == "<=")
    assert lo < Fraction(-1, 3) < hi
    assert (tmp_path / "props" / "instances.csv").read_text().splitlines()[0] == "../abs.onnx,prop_000000.vnnlib,30"
    no_claim = certificate(Network.from_layers([([[1]], None)]), Grid(d=1, R=1, p=1), construction="id")
    with pytest.raises(MalformedError, match="no sup_error claim"):
        vnnlib.grid_properties(no_claim.data)
    with pytest.raises(MalformedError, match="limited to 5"):
        vnnlib.grid_properties(path, max_points=5)


def test_cli_export(tmp_path, capsys):
    path, net = abs_certificate(tmp_path)
    code = cli.main(["export", str(path), "--onnx", str(tmp_path / "abs.onnx"), "--vnnlib", str(tmp_path / "abs.vnnlib"),
                     "--vnnlib-dir", str(tmp_path / "props"), "--margin", "1/1000"])
    out = capsys.readouterr().out
    assert code == 0 and "ONNX, float64 (exact)" in out and "9 points (exact)" in out and "instances.csv" in out
    assert load_onnx(tmp_path / "abs.onnx").to_json() == net.to_json()
    assert "(>= Y_0 1.001)" in (tmp_path / "abs.vnnlib").read_text()
    assert (tmp_path / "props" / "instances.csv").read_text().startswith("../abs.onnx,prop_000000.vnnlib,60")
    code = cli.main(["export", str(FIX / "bad" / "wrong_step_value.json"), "--onnx", str(tmp_path / "bad.onnx")])
    assert code == 1 and "not exported" in capsys.readouterr().out and not (tmp_path / "bad.onnx").exists()
    assert cli.main(["export", str(path)]) == 2


# ---- PyTorch ------------------------------------------------------------------------------------

def test_torch_import_is_exact_and_certifiable(tmp_path):
    torch = pytest.importorskip("torch")
    from certify.interop.torch_io import from_torch, to_torch
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(2, 6), torch.nn.ReLU(),
                                torch.nn.Sequential(torch.nn.Linear(6, 4), torch.nn.Dropout(0.5), torch.nn.ReLU()),
                                torch.nn.Linear(4, 3), torch.nn.Linear(3, 1, bias=False)).eval()
    net = from_torch(model)
    assert net.layer_sizes == [6, 4, 1] and net.form == "output_bias"  # the two last Linear layers fused
    W, b = net.layers[0]
    assert W[5][1] == Fraction(model[0].weight[5, 1].item()) and b[2] == Fraction(model[0].bias[2].item())
    grid = Grid(d=2, R=1, p=2)
    points = torch.tensor([[float(v) for v in x] for x in grid], dtype=torch.float64)
    with torch.no_grad():
        ref = model.double()(points).numpy()
    exact = np.array([[float(v) for v in o] for o in evaluate(net, grid)])
    assert np.allclose(ref, exact, rtol=1e-12, atol=1e-12)
    # a float model of one's own becomes a certificate the kernel checks
    x = coords(2)
    cert = certificate(net, grid, x[0] * 0, construction="torch model", eps=None)
    assert check(cert.data).ok
    back = to_torch(net)
    with torch.no_grad():
        assert np.allclose(back(points).numpy(), exact, rtol=1e-12, atol=1e-12)


def test_torch_refusals():
    torch = pytest.importorskip("torch")
    from certify.interop.torch_io import from_torch
    with pytest.raises(MalformedError, match="Sigmoid"):
        from_torch(torch.nn.Sequential(torch.nn.Linear(1, 1), torch.nn.Sigmoid()))
    with pytest.raises(MalformedError, match="training mode"):
        from_torch(torch.nn.Sequential(torch.nn.Linear(1, 2), torch.nn.Dropout(0.1), torch.nn.Linear(2, 1)).train())
    net = from_torch(torch.nn.Linear(3, 2).to(torch.float16))
    assert net.input_dim == 3 and net.depth == 1
