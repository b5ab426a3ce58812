"""The reference evaluator: pure Python Fractions, short and obviously correct (the test oracle)."""

from fractions import Fraction

from .network import Network


def evaluate_point(net: Network, x) -> tuple[Fraction, ...]:
    """Return the network's outputs at the point x, computed with Fractions only."""
    return evaluate_layers_point(net, x)[-1]


def evaluate_layers_point(net: Network, x) -> list[tuple[Fraction, ...]]:
    """Return the values of every layer (post-ReLU for hidden layers) at the point x."""
    h = [Fraction(v) for v in x]
    out = []
    for l, layer in enumerate(net.sparse_layers, 1):
        bias = layer.bias or [Fraction(0)] * layer.size
        z = [sum((w * h[j] for j, w in row), Fraction(0)) + b for row, b in zip(layer.rows, bias)]
        h = z if l == net.depth else [max(v, Fraction(0)) for v in z]
        out.append(tuple(h))
    return out
