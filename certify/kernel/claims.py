"""The claims that the network's structure alone decides: depth, width, sizes, weight bounds, steps."""

import time

import numpy as np

from .errors import LimitError
from .numbers import format_rational as fmt
from .report import claim
from .steps import check_cover, check_sources


def largest(net, ranges, weights=True, biases=True) -> tuple:
    """Return (|v|, where) of the first weight/bias of largest magnitude into the neurons of
    `ranges` ((l, start, stop), layers 1-based); (0, None) if there is none."""
    best = (0, None)
    for l, a, b in ranges:
        layer, path = net.layers[l - 1], f"network.layers[{l - 1}]"
        lo, hi = np.searchsorted(layer.rows, [a, b]).tolist()
        if weights and hi > lo:
            k = max(range(lo, hi), key=lambda k: abs(layer.weights[k]))
            if abs(layer.weights[k]) > best[0]:
                best = (abs(layer.weights[k]), f"weight {path}.weights[{k}] = {fmt(layer.weights[k])} "
                        f"(into neuron ({l}, {layer.rows[k]}))")
        if biases and layer.bias:
            i = max(range(a, b), key=lambda i: abs(layer.bias[i]))
            if abs(layer.bias[i]) > best[0]:
                best = (abs(layer.bias[i]), f"bias {path}.bias[{i}] = {fmt(layer.bias[i])} (of neuron ({l}, {i}))")
    return best


def _bound(name, net, ranges, bound, weights=True, biases=True):
    """Return the result of: every selected weight/bias has absolute value <= bound."""
    value, where = largest(net, ranges, weights, biases)
    return claim(name, value <= bound, f"{name}: every {'weight' * weights}{' and ' * (weights and biases)}"
                 f"{'bias' * biases} has |v| <= {fmt(bound)} (largest {fmt(value)})" if value <= bound else
                 f"{name}: claimed {fmt(bound)}, but {where} has |v| = {fmt(value)} > {fmt(bound)}")


def _equal(name, claimed, actual):
    """Return the result of: claimed == actual."""
    return claim(name, claimed == actual, f"{name}: {actual}" if claimed == actual
                 else f"{name}: claimed {claimed}, but the network has {actual}")


def static_claims(cert) -> list:
    """Return the results of every claim that needs no evaluation."""
    net, c = cert.network, cert.claims
    sizes, every = net.sizes[1:], [(l, 0, n) for l, n in enumerate(net.sizes[1:], 1)]
    results = [_equal("depth", c.depth, len(sizes)), _equal("width", c.width, max(sizes)),
               _equal("layer_sizes", list(c.layer_sizes), sizes),
               _bound("max_weight", net, every, c.max_weight),
               _bound("max_abs_weight", net, every, c.max_abs_weight, biases=False),
               _bound("max_abs_bias", net, every, c.max_abs_bias, weights=False)]
    deadline = time.monotonic() + cert.limits.max_seconds
    for st in cert.steps:
        if time.monotonic() > deadline:
            raise LimitError(f"steps[{st.id}]: the time budget of {cert.limits.max_seconds} s is spent (limit)")
        results.append(check_sources(net, cert.steps, st))
        if st.max_weight is not None:
            results.append(_bound(f"steps[{st.id}].claims.max_weight", net, st.neurons, st.max_weight))
    return results + ([check_cover(net, cert.steps)] if c.steps_cover else [])
