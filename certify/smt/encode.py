"""Shared helpers for the Z3 encodings: exact dense layers, interior points, activation patterns."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import z3

from ..kernel.smt import decide, lin, make_solver, num, point, polytope
from ..network import Network
from ..reference import evaluate_layers_point


def dense_layers(net: Network, output: int | None = None) -> list:
    """Return the network as [(W, b), ...] object arrays of Fractions (b = 0 for a bias-free output layer)."""
    layers = []
    for layer in net.sparse_layers:
        W = np.empty((layer.size, layer.in_size), dtype=object)
        W[:] = layer.dense()
        b = np.empty(layer.size, dtype=object)
        b[:] = list(layer.bias) if layer.bias is not None else [Fraction(0)] * layer.size
        layers.append((W, b))
    if output is not None:
        W, b = layers[-1]
        layers[-1] = (W[output:output + 1], b[output:output + 1])
    return layers


def variables(d: int) -> list:
    """Return the Z3 real variables x_0 .. x_{d-1}."""
    return [z3.Real(f"x_{j}") for j in range(d)]


def interior_point(A, b, xs) -> tuple | None:
    """Return a point with A x < b if there is one, else a point of A x <= b, else None (P is empty)."""
    solver = make_solver()
    for cons in ([lin(row, xs) < num(bi) for row, bi in zip(A, b)], polytope(A, b, xs)):
        model = decide(solver, *cons)
        if model is not None:
            return point(model, xs)
    return None


def pattern_at(net: Network, x) -> tuple[tuple[int, ...], ...]:
    """Return the activation pattern at x: 1 for every hidden neuron with a positive value."""
    return tuple(tuple(int(v > 0) for v in values) for values in evaluate_layers_point(net, x)[:-1])


def as_fractions(values) -> tuple[Fraction, ...]:
    """Return values as a tuple of Fractions."""
    return tuple(Fraction(v) for v in values)
