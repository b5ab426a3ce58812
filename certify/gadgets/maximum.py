"""The maximum of n inputs of any sign, as a tournament of pairwise maxima.

max(a, b) = relu(a - b) + relu(b) - relu(-b): three neurons per pair, weights +-1, no biases.
A round pairs its values (0,1), (2,3), ...; with an odd count the last value passes through as
relu(a) - relu(-a). After round r, value e is the maximum of x_i for i in
[e 2^r, min((e+1) 2^r, n)); ceil(log2 n) rounds leave one value, read out linearly.
"""

from __future__ import annotations

from ..build import Block, compose, linear, parallel
from ..network import Network
from .claims import add_claims


def _pair(n: int, i: int, j: int, label: str) -> Block:
    """Return max(x_i, x_j) of an n-dimensional input: hidden relu(x_i - x_j), relu(x_j), relu(-x_j)."""
    W1 = [[0] * n for _ in range(3)]
    W1[0][i], W1[0][j], W1[1][j], W1[2][j] = 1, -1, 1, -1
    net = Network.from_layers([(W1, [0, 0, 0]), ([[1, 1, -1]], None)])
    a, b = ["x", i], ["x", j]
    values = [([(1, 0, 1)], ["max", ["sub", a, b], 0]), ([(1, 1, 1)], ["max", b, 0]),
              ([(1, 2, 1)], ["max", ["neg", b], 0]), ([(2, 0, 1)], ["max", a, b])]
    return Block.single(net, op="max2", label=label, params={"reads": [i, j]}, values=values)


def _carry(n: int, i: int, label: str) -> Block:
    """Return x_i of an n-dimensional input through relu(x_i) - relu(-x_i)."""
    W1 = [[0] * n for _ in range(2)]
    W1[0][i], W1[1][i] = 1, -1
    net = Network.from_layers([(W1, [0, 0]), ([[1, -1]], None)])
    a = ["x", i]
    values = [([(1, 0, 1)], ["max", a, 0]), ([(1, 1, 1)], ["max", ["neg", a], 0]), ([(2, 0, 1)], a)]
    return Block.single(net, op="carry", label=label, params={"reads": [i]}, values=values)


def _group(r: int, e: int, n: int) -> range:
    """Return the inputs covered by value e after round r: [e 2^r, min((e+1) 2^r, n))."""
    return range(e * 2**r, min((e + 1) * 2**r, n))


def _round(r: int, count: int, n: int) -> Block:
    """Return round r on `count` >= 2 values: ceil(count/2) outputs, 3 floor(count/2) + 2 (count mod 2) neurons."""
    parts = []
    for e in range((count + 1) // 2):
        g = _group(r, e, n)
        label = f"round {r}: max(x_{g[0]}..x_{g[-1]})" if len(g) > 1 else f"round {r}: carry x_{g[0]}"
        if 2 * e + 1 < count:
            parts.append(_pair(count, 2 * e, 2 * e + 1, label + " = relu(a - b) + relu(b) - relu(-b)"))
        else:
            parts.append(_carry(count, 2 * e, label + " = relu(a) - relu(-a)"))
    return parallel(*parts)


def maximum(n: int) -> Block:
    """Return max(x_0, ..., x_{n-1}) for inputs of any sign (n >= 1); one output.

    Depth ceil(log2 n) + 1. Round r (1-based) is hidden layer r, of size
    3 floor(n_{r-1}/2) + 2 (n_{r-1} mod 2) with n_0 = n, n_r = ceil(n_{r-1}/2); so the width is
    3 floor(n/2) + 2 (n mod 2) for n >= 2 (1 for n = 1). Every weight is +-1, every bias 0:
    max weight 1. Steps: one per pair or carried value, each stating the maximum of the inputs
    it covers.
    """
    if not isinstance(n, int) or n < 1:
        raise ValueError(f"maximum needs an integer n >= 1, got {n!r}")
    if n == 1:
        return linear([[1]], op="max1", label="max of one input", input_names=["x0"], output_names=["max"])
    block, counts = None, [n]
    while counts[-1] > 1:
        step = _round(len(counts), counts[-1], n)
        block = step if block is None else compose(step, block)
        counts.append((counts[-1] + 1) // 2)
    extra, sid = {}, 0
    for r in range(1, len(counts)):
        for e in range(counts[r]):
            group = ["max", *[["x", i] for i in _group(r, e, n)]]
            pair = 2 * e + 1 < counts[r - 1]
            terms = [(r, 3 * e, 1), (r, 3 * e + 1, 1), (r, 3 * e + 2, -1)] if pair else [(r, 3 * e, 1), (r, 3 * e + 1, -1)]
            extra[sid] = [(terms, group)]
            sid += 1
    block = add_claims(block, extra)
    return Block(block.network, block.steps, tuple(f"x{i}" for i in range(n)), ("max",))
