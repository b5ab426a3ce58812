"""Construction steps: parsing, and the checks that need no evaluation (sources, weights, cover)."""

from dataclasses import dataclass

import numpy as np

from .errors import MalformedError
from .fields import integer, lst, obj, rational, typed
from .numbers import format_rational
from .report import claim

_STEP = ("id", "op", "label", "params", "neurons", "inputs", "claims")


@dataclass(frozen=True)
class ValueClaim:
    """sum c * value(l, i) over `terms` equals `expr` at every point; raw_* are the JSON forms."""
    terms: tuple
    expr: tuple
    raw_terms: list
    raw_equals: object


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
    """Return [l, i, third(v)] of a triple naming neuron i of layer l >= first_layer."""
    l = integer(lst(t, w, length=3)[0], f"{w}[0]", first_layer, len(sizes) - 1)
    return l, integer(t[1], f"{w}[1]", 0, sizes[l] - 1), third(t[2], f"{w}[2]")


def _ranges(value, where, sizes) -> tuple:
    """Return the sorted, disjoint (l, start, stop) ranges of a step's `neurons`."""
    out = []
    for k, r in enumerate(lst(value, where)):
        w = f"{where}[{k}]"
        out.append(_triple(r, w, sizes, 1, lambda b, wb: integer(b, wb, r[1] + 1, sizes[r[0]])))
        if len(out) > 1 and out[-1][:2] < (out[-2][0], out[-2][2]):
            raise MalformedError(f"{w}: ranges must be sorted and disjoint, got {r} after {list(out[-2])}")
    return tuple(out)


def _value_claim(value, where, sizes, parser, limits) -> ValueClaim:
    """Return one parsed `claims.values` entry."""
    obj(value, where, ("terms", "equals"))
    terms = tuple(_triple(t, f"{where}.terms[{k}]", sizes, 0, lambda c, wc: rational(c, wc, limits))
                  for k, t in enumerate(lst(value["terms"], f"{where}.terms")))
    return ValueClaim(terms, parser.expr(value["equals"], f"{where}.equals"), value["terms"], value["equals"])


def parse_steps(value, net, parser, limits) -> tuple:
    """Return the parsed `steps` list."""
    steps, sizes = [], net.sizes
    parser.sizes = sizes  # step claims may name neuron values: ["v", l, i]
    for s, st in enumerate(lst(value, "steps")):
        w = f"steps[{s}]"
        obj(st, w, _STEP)
        if integer(st["id"], f"{w}.id") != s:
            raise MalformedError(f"{w}.id: {st['id']}, but a step's id must equal its position {s}")
        typed(st["params"], f"{w}.params", dict)
        inputs = tuple(lst(st["inputs"], f"{w}.inputs"))
        for k, v in enumerate(inputs):
            if v != "x" and not (type(v) is int and 0 <= v < s):
                raise MalformedError(f"{w}.inputs[{k}]: {str(v)[:40]} is neither \"x\" nor the id of an earlier step")
        claims = obj(st["claims"], f"{w}.claims", ("max_weight", "values"))
        bound = None if claims["max_weight"] is None else rational(claims["max_weight"], f"{w}.claims.max_weight", limits)
        values = tuple(_value_claim(v, f"{w}.claims.values[{k}]", sizes, parser, limits)
                       for k, v in enumerate(lst(claims["values"], f"{w}.claims.values")))
        steps.append(Step(s, typed(st["op"], f"{w}.op", str), typed(st["label"], f"{w}.label", str),
                          _ranges(st["neurons"], f"{w}.neurons", sizes), inputs, bound, values))
    return tuple(steps)


def _inside(cols: np.ndarray, intervals) -> np.ndarray:
    """Return, for each column, whether it lies in the union of the half-open intervals."""
    merged = []
    for a, b in sorted(intervals):
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    if not merged:
        return np.zeros(len(cols), dtype=bool)
    starts, stops = np.array([m[0] for m in merged]), np.array([m[1] for m in merged])
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
            source = f"input x_{j}" if l == 1 else f"neuron ({l - 1}, {j})"
            return claim(name, False, f"{head}: neuron ({l}, {layer.rows[k]}) reads from {source} "
                         f"(weight {format_rational(layer.weights[k])}), which is neither in this step nor in its inputs {list(st.inputs)}")
    return claim(name, True, f"{head} reads only from itself and {list(st.inputs)}")


def check_cover(net, steps):
    """Return the result of the steps_cover claim: every neuron is in exactly one step."""
    pos, owner = {l: 0 for l in range(1, len(net.layers) + 1)}, {}
    for l, a, b, sid in sorted((l, a, b, st.id) for st in steps for l, a, b in st.neurons):
        if a != pos[l]:
            why = f"is in steps {owner[l]} and {sid}" if a < pos[l] else "is in no step"
            return claim("steps_cover", False, f"steps_cover: neuron ({l}, {min(a, pos[l])}) {why}")
        pos[l], owner[l] = b, sid
    for l, layer in enumerate(net.layers, 1):
        if pos[l] < layer.size:
            return claim("steps_cover", False, f"steps_cover: neuron ({l}, {pos[l]}) is in no step")
    return claim("steps_cover", True, f"the {len(steps)} steps partition the network's neurons")
