"""Telgarsky's tent map and its k-fold composition, the sawtooth (Telgarsky 2015, 2016).

The tent map on [0, 1] is g(x) = 2 relu(x) - 4 relu(x - 1/2) = 1 - |2x - 1|. Its k-fold
composition g_k has 2^(k-1) teeth, 2^k affine pieces, and g_k(j / 2^k) = j mod 2. In closed
form, g_k(x) = 1 - |2 frac(2^(k-1) x) - 1| on [0, 1].
"""

from __future__ import annotations

from fractions import Fraction

from ..build import Block, compose
from ..network import Network
from .claims import add_claims

HALF = Fraction(1, 2)


def sawtooth_expr(k: int, x=("x", 0)) -> list:
    """Return the expression of g_k(x) on [0, 1]: x for k = 0, else 1 - |2 mod(2^(k-1) x, 1) - 1|."""
    x = list(x)
    if k == 0:
        return x
    scaled = x if k == 1 else ["mul", 2 ** (k - 1), x]
    return ["sub", 1, ["abs", ["sub", ["mul", 2, ["mod", scaled, 1]], 1]]]


def tent(label: str = "tent map g(x) = 2 relu(x) - 4 relu(x - 1/2)") -> Block:
    """Return the tent map g on [0, 1]: depth 2, layer sizes [2, 1], max weight 4.

    Hidden neurons (relu(x), relu(x - 1/2)); output 2 relu(x) - 4 relu(x - 1/2) = 1 - |2x - 1|.
    Biases 0 and -1/2. The output claim holds for inputs in [0, 1].
    """
    net = Network.from_layers([([[1], [1]], [0, -HALF]), ([[2, -4]], None)])
    x = ["x", 0]
    values = [([(1, 0, 1)], ["max", x, 0]),
              ([(1, 1, 1)], ["max", ["sub", x, "1/2"], 0]),
              ([(2, 0, 1)], sawtooth_expr(1, x))]
    return Block.single(net, op="tent", label=label, params={}, values=values,
                        input_names=["x"], output_names=["g(x)"])


def sawtooth(k: int) -> Block:
    """Return g_k, the k-fold tent map on [0, 1] (k >= 1), as k composed tent steps.

    Input x in [0, 1]; one output g_k(x). Depth k + 1, layer sizes [2]*k + [1] (width 2),
    max |weight| 4, max |bias| 1/2, so max weight 4; 2^k affine pieces on [0, 1].
    Step s (0-based) owns hidden layer s + 1 = (g_s(x), relu(g_s(x) - 1/2)); the last step
    also owns the output g_k(x).
    """
    if not isinstance(k, int) or k < 1:
        raise ValueError(f"sawtooth needs an integer k >= 1, got {k!r}")
    block = tent(f"tent 1 of {k}")
    for s in range(2, k + 1):
        block = compose(tent(f"tent {s} of {k}"), block)
    # tent 1 reads x itself, so its own claims are already about x
    extra = {s: [([(s + 1, 0, 1)], sawtooth_expr(s)), ([(s + 1, 1, 1)], ["max", ["sub", sawtooth_expr(s), "1/2"], 0])]
             for s in range(1, k)}
    extra.setdefault(k - 1, []).append(([(k + 1, 0, 1)], sawtooth_expr(k)))
    block = add_claims(block, extra)
    return Block(block.network, block.steps, ("x",), (f"g_{k}(x)",))
