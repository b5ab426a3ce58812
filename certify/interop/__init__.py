"""Interop with other tools: ONNX and PyTorch import/export, VNN-LIB properties (docs/interop.md).

The modules import their optional dependency lazily (onnx for `onnx_io`, torch for `torch_io`);
`vnnlib` needs nothing. Every float weight that comes in is converted exactly to a rational
(certify.network.exact_float): the imported network computes exactly what the float model
computes in real arithmetic, without rounding.

Both importers reduce a model to a chain of affine maps and ReLUs; `network_from_chain` turns such
a chain into a Network, fusing consecutive affine maps exactly.
"""

from __future__ import annotations

from fractions import Fraction

from ..kernel.errors import MalformedError
from ..network import Network, exact_float

__all__ = ["exact_matrix", "network_from_chain"]


def exact_scalar(v, where: str) -> Fraction:
    """Return the exact rational value of a float or integer scalar (numpy or Python)."""
    if isinstance(v, bool):
        raise MalformedError(f"{where}: boolean value where a number was expected")
    if isinstance(v, (int, Fraction)):
        return Fraction(v)
    kind = getattr(getattr(v, "dtype", None), "kind", None)
    if kind in ("i", "u"):
        return Fraction(int(v))
    if kind == "f" or isinstance(v, float):
        return exact_float(float(v))  # float16/32/64 -> Python float is exact
    raise MalformedError(f"{where}: unsupported number {v!r} ({type(v).__name__})")


def exact_matrix(array, where: str) -> list[list[Fraction]]:
    """Return a 2-D numpy array of floats or integers as rows of exact Fractions."""
    import numpy as np
    a = np.asarray(array)
    if a.ndim != 2:
        raise MalformedError(f"{where}: expected a matrix, got shape {a.shape}")
    if a.dtype.kind == "f":
        return [[exact_float(v) for v in row] for row in a.astype(np.float64).tolist()]
    if a.dtype.kind in ("i", "u"):
        return [[Fraction(int(v)) for v in row] for row in a.tolist()]
    raise MalformedError(f"{where}: unsupported element type {a.dtype}")


def exact_vector(array, n: int, where: str) -> list[Fraction]:
    """Return a vector (or a scalar, or a 1 x n row, broadcast) of n exact Fractions."""
    import numpy as np
    a = np.asarray(array)
    if a.size == 1:
        a = np.full(n, a.reshape(-1)[0])
    a = a.reshape(-1)
    if a.size != n:
        raise MalformedError(f"{where}: expected {n} values, got shape {np.asarray(array).shape}")
    return exact_matrix(a.reshape(1, n), where)[0]


def _compose(outer, inner):
    """Return outer o inner for affine maps (W rows of Fractions, b list); inner None is the identity."""
    if inner is None:
        return outer
    (A, a), (W, b) = outer, inner
    rows = []
    for row in A:
        nz = [(k, c) for k, c in enumerate(row) if c]
        rows.append([sum((c * W[k][j] for k, c in nz), Fraction(0)) for j in range(len(W[0]))])
    bias = [sum((c * b[k] for k, c in enumerate(row) if c), Fraction(0)) + a[i] for i, row in enumerate(A)]
    return rows, bias


def network_from_chain(ops, input_dim: int) -> Network:
    """Return the Network of a chain of ("affine", W, b) and ("relu",) operations.

    W has one row per output (rows of Fractions), b a list of Fractions. Consecutive affine maps are
    composed exactly; a ReLU closes a hidden layer (a ReLU right after another ReLU, or on the
    input, gets an identity layer). The last affine map is the output layer: paper form if its bias
    is zero, form "output_bias" otherwise; a chain that ends with a ReLU gets an identity output layer.
    """
    layers, pending, dim = [], None, input_dim
    for op in ops:
        if op[0] == "affine":
            _, W, b = op
            if any(len(row) != dim for row in W):
                raise MalformedError(f"affine map reads {len(W[0]) if W else 0} values, the previous layer has {dim}")
            pending = _compose((W, list(b)), pending)
            dim = len(W)
        elif op[0] == "relu":
            if pending is None:
                pending = ([[Fraction(int(i == j)) for j in range(dim)] for i in range(dim)], [Fraction(0)] * dim)
            layers.append(pending)
            pending = None
        else:
            raise MalformedError(f"unknown operation {op[0]!r}")
    if pending is None:  # ends with a ReLU (or is empty): the output is the identity of the last layer
        pending = ([[Fraction(int(i == j)) for j in range(dim)] for i in range(dim)], [Fraction(0)] * dim)
    W, b = pending
    form = "output_bias" if any(b) else "paper"
    layers.append((W, b if any(b) else None))
    return Network.from_layers(layers, input_dim=input_dim, form=form)
