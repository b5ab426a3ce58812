"""ONNX import and export of ReLU networks (optional extra: pip install "certify[onnx]").

Import (`load_onnx`): a graph with one input of shape [d] or [N, d] and a chain of
Gemm, MatMul, Add, Sub, Mul, Div (by constants), Relu, and the no-ops Identity, Flatten, Dropout
(inference), Reshape (to [-1, n] or [1, n]), Cast (to a float type). Constants come from
initializers or Constant nodes. Every float32/float64/float16 weight is converted exactly
(certify.network.exact_float), so the Network is the real-arithmetic meaning of the float model.
Any other operator is refused with its node name.

Export (`to_onnx`, `save_onnx`): Gemm (+ Relu) per layer, weights as float64 (default) or float32.
A rational weight is exported exactly only if the float holds it exactly (a dyadic rational of small
enough size); otherwise it is rounded to nearest, and the model's metadata says so
(`certify.exact` = "false", `certify.inexact_values`, `certify.max_rounding_error`).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from ..kernel.errors import MalformedError
from ..network import Network
from . import exact_matrix, exact_vector, network_from_chain

OPSET = 13
IR_VERSION = 8


def _onnx():
    try:
        import onnx
    except ImportError as e:  # pragma: no cover - exercised only without the extra
        raise ImportError('ONNX import/export needs onnx: pip install "certify[onnx]"') from e
    return onnx


def _attrs(node) -> dict:
    onnx = _onnx()
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def _identity(n: int):
    return [[Fraction(int(i == j)) for j in range(n)] for i in range(n)]


def load_onnx(model) -> Network:
    """Return the exact Network of an ONNX model (a path, bytes, or a ModelProto) of a ReLU chain."""
    onnx = _onnx()
    from onnx import numpy_helper
    if isinstance(model, (str, Path)):
        model = onnx.load(str(model))
    elif isinstance(model, bytes):
        model = onnx.load_from_string(model)
    graph = model.graph
    consts = {t.name: numpy_helper.to_array(t) for t in graph.initializer}
    inputs = [i for i in graph.input if i.name not in consts]
    if len(inputs) != 1:
        raise MalformedError(f"onnx: expected one data input, found {[i.name for i in inputs]}")
    dims = [d.dim_value if d.HasField("dim_value") else None for d in inputs[0].type.tensor_type.shape.dim]
    if not dims or dims[-1] is None or len(dims) > 2:
        raise MalformedError(f"onnx: input {inputs[0].name!r} must have shape [d] or [N, d] with d known, got {dims}")
    input_dim = dims[-1]
    current, dim, ops = inputs[0].name, input_dim, []

    for k, node in enumerate(graph.node):
        where = f"onnx node {k} ({node.op_type} {node.name!r})"
        if node.op_type == "Constant":
            a = _attrs(node)
            if "value" not in a:
                raise MalformedError(f"{where}: only tensor constants are supported")
            consts[node.output[0]] = numpy_helper.to_array(a["value"])
            continue
        data = [i for i in node.input if i == current]
        others = [i for i in node.input if i and i != current]
        if not data:
            raise MalformedError(f"{where}: does not read the running value {current!r} (only chains are supported)")
        missing = [i for i in others if i not in consts]
        if missing:
            raise MalformedError(f"{where}: input {missing[0]!r} is neither a constant nor the running value")
        op, a = node.op_type, _attrs(node)
        if op == "Gemm":
            if node.input[0] != current or a.get("transA", 0):
                raise MalformedError(f"{where}: the running value must be input A, not transposed")
            B = consts[node.input[1]]
            Wt = B if a.get("transB", 0) else B.T  # rows = output neurons
            alpha, beta = a.get("alpha", 1.0), a.get("beta", 1.0)
            W = exact_matrix(Wt, f"{where} B")
            n = len(W)
            alpha_q = exact_vector([alpha], 1, f"{where} alpha")[0]
            beta_q = exact_vector([beta], 1, f"{where} beta")[0]
            W = [[alpha_q * w for w in row] for row in W]
            b = ([beta_q * c for c in exact_vector(consts[node.input[2]], n, f"{where} C")]
                 if len(node.input) > 2 and node.input[2] else [Fraction(0)] * n)
            ops.append(("affine", W, b))
            dim = n
        elif op == "MatMul":
            if node.input[0] != current:
                raise MalformedError(f"{where}: the running value must be the left operand (x @ W)")
            W = exact_matrix(consts[node.input[1]].T, f"{where} weight")
            ops.append(("affine", W, [Fraction(0)] * len(W)))
            dim = len(W)
        elif op in ("Add", "Sub"):
            c = exact_vector(consts[others[0]], dim, f"{where} constant") if others else None
            if c is None:
                raise MalformedError(f"{where}: adding the running value to itself is not supported")
            sign = -1 if op == "Sub" and node.input[0] == current else 1
            scale = -1 if op == "Sub" and node.input[1] == current else 1
            ops.append(("affine", [[w * scale for w in row] for row in _identity(dim)], [sign * v for v in c]))
        elif op in ("Mul", "Div"):
            c = exact_vector(consts[others[0]], dim, f"{where} constant") if others else None
            if c is None or (op == "Div" and node.input[0] != current):
                raise MalformedError(f"{where}: only multiplying or dividing the running value by a constant")
            if op == "Div" and not all(c):
                raise MalformedError(f"{where}: division by zero")
            c = [1 / v for v in c] if op == "Div" else c
            ops.append(("affine", [[c[i] if i == j else Fraction(0) for j in range(dim)] for i in range(dim)],
                        [Fraction(0)] * dim))
        elif op == "Relu":
            ops.append(("relu",))
        elif op in ("Identity", "Dropout", "Flatten"):
            if op == "Flatten" and a.get("axis", 1) != 1:
                raise MalformedError(f"{where}: only Flatten with axis 1 is supported")
        elif op == "Reshape":
            shape = [int(s) for s in consts[node.input[1]].reshape(-1)]
            if shape not in ([-1, dim], [1, dim], [dim], [-1], [0, dim]):
                raise MalformedError(f"{where}: only a reshape to [-1, {dim}] is supported, got {shape}")
        elif op == "Cast":
            if a.get("to") not in (onnx.TensorProto.FLOAT, onnx.TensorProto.DOUBLE, onnx.TensorProto.FLOAT16):
                raise MalformedError(f"{where}: only casts to a float type are supported")
        else:
            raise MalformedError(f"{where}: operator {op} is not supported (Gemm, MatMul, Add, Sub, Mul, Div, Relu, "
                                 f"Identity, Flatten, Dropout, Reshape, Cast)")
        current = node.output[0]
    outputs = [o.name for o in graph.output]
    if outputs != [current]:
        raise MalformedError(f"onnx: the graph's output {outputs} is not the end of the chain {current!r}")
    return network_from_chain(ops, input_dim)


@dataclass(frozen=True)
class ExportInfo:
    """How exact an export is: the number of weights and biases the float type does not hold exactly."""

    exact: bool
    inexact_values: int
    max_rounding_error: Fraction
    dtype: str


def _rounded(values, np_type):
    """Return (float array, inexact count, max |error|) of Fractions rounded to the float type."""
    import numpy as np
    out = np.array([float(v) for v in values], dtype=np.float64).astype(np_type)
    bad, worst = 0, Fraction(0)
    for v, f in zip(values, out.tolist()):
        if not np.isfinite(f):
            raise MalformedError(f"onnx export: {v} does not fit in {np.dtype(np_type).name}")
        err = abs(Fraction(f) - v)
        if err:
            bad, worst = bad + 1, max(worst, err)
    return out, bad, worst


def to_onnx(net: Network, *, dtype: str = "float64", name: str = "certify_network"):
    """Return (ModelProto, ExportInfo): Gemm (+ Relu) per layer, input "x" [N, d], output "y" [N, m]."""
    onnx = _onnx()
    import numpy as np
    from onnx import TensorProto, helper, numpy_helper
    np_type, onnx_type = {"float64": (np.float64, TensorProto.DOUBLE), "float32": (np.float32, TensorProto.FLOAT)}[dtype]
    nodes, inits, h = [], [], "x"
    bad, worst = 0, Fraction(0)
    for l, layer in enumerate(net.sparse_layers, 1):
        W = [w for row in layer.dense() for w in row]
        Wf, b1, w1 = _rounded(W, np_type)
        inits.append(numpy_helper.from_array(Wf.reshape(layer.size, layer.in_size), f"W{l}"))
        inputs = [h, f"W{l}"]
        if layer.bias is not None:
            bf, b2, w2 = _rounded(layer.bias, np_type)
            inits.append(numpy_helper.from_array(bf, f"b{l}"))
            inputs.append(f"b{l}")
            b1, w1 = b1 + b2, max(w1, w2)
        bad, worst = bad + b1, max(worst, w1)
        last = l == net.depth
        z = "y" if last else f"z{l}"
        nodes.append(helper.make_node("Gemm", inputs, [z], name=f"layer{l}", transB=1))
        if not last:
            nodes.append(helper.make_node("Relu", [z], [f"h{l}"], name=f"relu{l}"))
            h = f"h{l}"
    graph = helper.make_graph(nodes, name, [helper.make_tensor_value_info("x", onnx_type, ["N", net.input_dim])],
                              [helper.make_tensor_value_info("y", onnx_type, ["N", net.output_dim])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="certify",
                              doc_string=f"ReLU network exported by certify (form {net.form}); "
                                         f"{'exact' if not bad else f'{bad} values rounded to {dtype}'}")
    model.ir_version = IR_VERSION
    info = ExportInfo(bad == 0, bad, worst, dtype)
    for key, value in {"certify.network_sha256": net.content_hash(), "certify.exact": str(info.exact).lower(),
                       "certify.inexact_values": str(bad), "certify.max_rounding_error": str(worst),
                       "certify.form": net.form}.items():
        entry = model.metadata_props.add()
        entry.key, entry.value = key, value
    onnx.checker.check_model(model)
    return model, info


def save_onnx(net: Network, path, *, dtype: str = "float64") -> ExportInfo:
    """Write the network as an ONNX file; return how exact the export is."""
    onnx = _onnx()
    model, info = to_onnx(net, dtype=dtype)
    onnx.save(model, str(path))
    return info
