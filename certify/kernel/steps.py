"""Construction steps: parsing, and the checks that need no evaluation (sources, cover)."""

from dataclasses import dataclass

import numpy as np

from .errors import LimitError, MalformedError
from .fields import integer, lst, obj, rational, typed
from .numbers import format_rational
from .report import claim


@dataclass(frozen=True, eq=False)
class ValueClaim:
    """sum c * value(l, i) over `terms` equals `expr` at every point; `raw` is the JSON object."""
    terms: tuple
    expr: tuple
    raw: dict


@dataclass(frozen=True)
class Step:
    """One construction step; `neurons` are (l, start, stop) ranges, `inputs` "x" or earlier ids."""
    id: int
    op: str
    label: str
    neurons: tuple
    inputs: tuple
    max_weight: object
    values: tuple


def _triple(t, w, sizes, first_layer, third):
    """Return (l, i, third(t[2])) of a triple naming neuron i of layer l >= first_layer."""
    l = integer(lst(t, w, length=3)[0], f"{w}[0]", first_layer, len(sizes) - 1)
    return l, integer(t[1], f"{w}[1]", 0, sizes[l] - 1), third(t[2], f"{w}[2]")


def _step(st, s, sizes, parser, limits) -> Step:
    """Return steps[s], parsed."""
    w, neurons = f"steps[{s}]", []
    obj(st, w, ("id", "op", "label", "params", "neurons", "inputs", "claims"))
    if integer(st["id"], f"{w}.id") != s:
        raise MalformedError(f"{w}.id: {st['id']}, but a step's id must equal its position {s}")
    for k, r in enumerate(lst(st["neurons"], f"{w}.neurons")):
        neurons.append(_triple(r, f"{w}.neurons[{k}]", sizes, 1, lambda b, wb: integer(b, wb, r[1] + 1, sizes[r[0]])))
        if k and neurons[-1][:2] < (neurons[-2][0], neurons[-2][2]):
            raise MalformedError(f"{w}.neurons[{k}]: ranges must be sorted and disjoint, "
                                 f"got {r} after {list(neurons[-2])}")
    for k, v in enumerate(lst(st["inputs"], f"{w}.inputs")):
        if v != "x" and not (type(v) is int and 0 <= v < s):
            raise MalformedError(f"{w}.inputs[{k}]: {str(v)[:40]} is neither \"x\" nor the id of an earlier step")
    claims, values = obj(st["claims"], f"{w}.claims", ("max_weight", "values")), []
    for j, vc in enumerate(lst(claims["values"], f"{w}.claims.values")):
        wv = f"{w}.claims.values[{j}]"
        terms = [_triple(t, f"{wv}.terms[{k}]", sizes, 0, lambda c, wc: rational(c, wc, limits))
                 for k, t in enumerate(lst(obj(vc, wv, ("terms", "equals"))["terms"], f"{wv}.terms"))]
        if sum(c.numerator.bit_length() + c.denominator.bit_length() for *_, c in terms) > limits.max_value_bits:
            raise LimitError(f"{wv}.terms: the sum of the terms may need more than {limits.max_value_bits} bits (limit)")
        values.append(ValueClaim(tuple(terms), parser.expr(vc["equals"], f"{wv}.equals"), vc))
    typed(st["params"], f"{w}.params", dict)
    bound = claims["max_weight"]
    return Step(s, typed(st["op"], f"{w}.op", str), typed(st["label"], f"{w}.label", str), tuple(neurons),
                tuple(st["inputs"]), None if bound is None else rational(bound, f"{w}.claims.max_weight", limits),
                tuple(values))


def parse_steps(value, net, parser, limits) -> tuple:
    """Return the parsed `steps` list; its value claims may name neuron values ["v", l, i]."""
    parser.sizes = net.sizes
    steps = tuple(_step(st, s, net.sizes, parser, limits) for s, st in enumerate(lst(value, "steps")))
    named = sum(b - a for st in steps for _, a, b in st.neurons)  # the work of the per-step structural checks
    if named > limits.max_neurons:
        raise LimitError(f"steps: their ranges name {named} neurons in all, over the limit of {limits.max_neurons}")
    return steps


def _inside(cols: np.ndarray, intervals) -> np.ndarray:
    """Return, for each column, whether it lies in the union of the half-open intervals."""
    merged = []
    for a, b in sorted(intervals):
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    starts, stops = np.array([m[0] for m in merged] or [0]), np.array([m[1] for m in merged] or [0])
    k = np.searchsorted(starts, cols, side="right") - 1
    return (k >= 0) & (cols < stops[np.maximum(k, 0)])


def check_sources(net, steps, st):
    """Return the result of: every weight into the step's neurons comes from it or its inputs."""
    name, head = f"steps[{st.id}].inputs", f"step {st.id} ({st.label})"
    allowed = {0: [(0, net.input_dim)]} if "x" in st.inputs else {}
    for sid in {st.id, *(i for i in st.inputs if i != "x")}:
        for l, a, b in steps[sid].neurons:
            allowed.setdefault(l, []).append((a, b))
    for l, a, b in st.neurons:
        layer = net.layers[l - 1]
        lo, hi = np.searchsorted(layer.rows, [a, b]).tolist()
        bad = np.flatnonzero(~_inside(layer.cols[lo:hi], allowed.get(l - 1, [])))
        if len(bad):
            k = lo + int(bad[0])
            j = int(layer.cols[k])
            return claim(name, False, f"{head}: neuron ({l}, {layer.rows[k]}) reads from "
                         f"{f'input x_{j}' if l == 1 else f'neuron ({l - 1}, {j})'} (weight "
                         f"{format_rational(layer.weights[k])}), which is neither in this step nor in its inputs")
    return claim(name, True, f"{head} reads only from itself and its inputs")


def check_cover(net, steps):
    """Return the result of the steps_cover claim: every neuron is in exactly one step."""
    pos, owner = {l: 0 for l in range(1, len(net.layers) + 1)}, {}
    for l, a, b, sid in sorted((l, a, b, st.id) for st in steps for l, a, b in st.neurons):
        if a != pos[l]:
            why = f"is in steps {owner[l]} and {sid}" if a < pos[l] else "is in no step"
            return claim("steps_cover", False, f"steps_cover: neuron ({l}, {min(a, pos[l])}) {why}")
        pos[l], owner[l] = b, sid
    gaps = [f"({l}, {pos[l]})" for l, layer in enumerate(net.layers, 1) if pos[l] < layer.size]
    return claim("steps_cover", not gaps, f"steps_cover: neuron {gaps[0]} is in no step" if gaps
                 else f"the {len(steps)} steps partition the network's neurons")
