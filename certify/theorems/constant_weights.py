"""Constant weights (Vardi & Shamir, Remark 3.1): every weight and bias bounded by a constant, same depth.

One forward pass over the layers (docs/constant-weights.md). Each neuron v of N is replaced by
n_v copies, each holding h_v / s_v:

* scaling: relu(z) = s relu(z / s) for s >= 1, so dividing a neuron's incoming weights and bias
  by s_v = max(1, max(|w|, |b|) / bound) (layer 1) or s_v = max(1, |b_v| / bound) (deeper layers,
  whose incoming weights are already small) bounds them, and the factor s_v moves to the
  outgoing weights;
* duplication: an outgoing weight w s_u from u is spread over the n_u copies of u as n_u
  weights w s_u / n_u, with n_u = max over successors of ceil(|w| s_u / bound), so each is <= bound.

The output layer has no bias and is never scaled, so the new network computes exactly N, at
the same depth. Width grows by the factor max n_u, which is polynomial in the weights of N.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

from ..build import Block, Step
from ..certificate import Certificate, certificate
from ..kernel.errors import MalformedError
from ..kernel.numbers import parse_rational
from ..network import Layer, Network
from ..target import network_target


@dataclass(frozen=True)
class ConstantWeightsResult:
    """The bounded-weight network, how many copies each neuron got, and (if a domain was given) its certificate."""

    network: Network
    copies: tuple[tuple[int, ...], ...]  # per hidden layer, copies of each original neuron
    scales: tuple[tuple[Fraction, ...], ...]  # per hidden layer, the factor s_v (copy value = h_v / s_v)
    block: Block
    certificate: Certificate | None


def _ceil(q: Fraction) -> int:
    return max(1, math.ceil(q))


def constant_weights(net: Network, bound=1, domain=None) -> ConstantWeightsResult:
    """Return an equal network of the same depth whose weights and biases are all <= bound in absolute value.

    With a domain, also return a certificate that the new network equals `net` exactly there.
    """
    bound = parse_rational(bound, "constant_weights bound")
    if bound <= 0:
        raise MalformedError(f"constant_weights: bound must be > 0, got {bound}")
    layers = net.sparse_layers
    k = len(layers)
    # scales and copies of every hidden neuron, layer by layer
    scales: list[list[Fraction]] = []
    copies: list[list[int]] = []
    for l in range(k - 1):
        L = layers[l]
        if l == 0:
            s = [max(Fraction(1), max([abs(w) for _, w in row] + [abs(b)]) / bound) for row, b in zip(L.rows, L.bias)]
        else:
            s = [max(Fraction(1), abs(b) / bound) for b in L.bias]
        scales.append(s)
        nxt = layers[l + 1]
        out_max = [Fraction(0)] * L.size
        for row in nxt.rows:
            for u, w in row:
                out_max[u] = max(out_max[u], abs(w))
        copies.append([_ceil(out_max[u] * s[u] / bound) for u in range(L.size)])
    # offsets of the copies in each new layer
    offsets = [[0] * (L.size + 1) for L in layers[:-1]]
    for l in range(k - 1):
        for u in range(layers[l].size):
            offsets[l][u + 1] = offsets[l][u] + copies[l][u]
    new_layers = []
    for l, L in enumerate(layers):
        rows, bias = [], []
        for v, row in enumerate(L.rows):
            s_v = scales[l][v] if l < k - 1 else Fraction(1)
            if l == 0:
                new_row = tuple((j, w / s_v) for j, w in row)
            else:
                prev_s, prev_n, prev_off = scales[l - 1], copies[l - 1], offsets[l - 1]
                new_row = tuple((prev_off[u] + c, w * prev_s[u] / prev_n[u] / s_v)
                                for u, w in row for c in range(prev_n[u]))
            n_v = copies[l][v] if l < k - 1 else 1
            rows.extend([new_row] * n_v)
            if L.bias is not None:
                bias.extend([L.bias[v] / s_v] * n_v)
        in_size = net.input_dim if l == 0 else offsets[l - 1][-1]
        new_layers.append(Layer(in_size, tuple(rows), tuple(bias) if L.bias is not None else None))
    new = Network(net.input_dim, tuple(new_layers), net.form)
    if new.max_weight > bound:
        raise AssertionError(f"constant_weights produced weight {new.max_weight} > {bound}")
    block = _block(net, new, scales, offsets, bound)
    cert = None
    if domain is not None:
        cert = certificate(block, domain, net, eps=0, construction="constant_weights",
                           parameters={"bound": bound, "original_depth": net.depth,
                                       "original_width": net.width, "original_max_weight": net.max_weight},
                           paper="Vardi, Shamir: Neural Networks with Small Weights and Depth-Separation Barriers (2020)",
                           theorem="Remark 3.1: constant weights at the same depth (poly width blow-up)")
    return ConstantWeightsResult(new, tuple(map(tuple, copies)), tuple(map(tuple, scales)), block, cert)


def _block(net: Network, new: Network, scales, offsets, bound) -> Block:
    """Return the new network as a block: one step per layer, claiming copy values h_v / s_v."""
    steps = []
    for l in range(1, net.depth + 1):
        size = new.layer_sizes[l - 1]
        neurons = frozenset((l, i) for i in range(size))
        values = []
        if l < net.depth:
            prefix = net.prefix(l).to_json()
            for v in range(net.sparse_layers[l - 1].size):
                first = offsets[l - 1][v]
                values.append((((l, first, scales[l - 1][v]),), ["network", prefix, v]))
        else:
            values = [(((l, o, Fraction(1)),), network_target(net, o).ast) for o in range(net.output_dim)]
        label = (f"layer {l}: each neuron scaled by s_v and copied n_v times, weights <= {bound}"
                 if l < net.depth else "output layer: weights spread over the copies")
        steps.append(Step("scale_and_copy" if l < net.depth else "spread_output", label, {"layer": l},
                          neurons, ("x",) if l == 1 else (l - 2,), tuple(values)))
    return Block(new, tuple(steps), tuple(f"x{i}" for i in range(net.input_dim)),
                 tuple(f"y{o}" for o in range(net.output_dim)))
