"""ReLU networks: parsing, and exact evaluation on a chunk of points.

Values are integer numerators over one denominator per layer: layer l with weights Wn/q and
biases bn/q maps V (over D) to Wn @ V + bn*D (over q*D), then applies ReLU if it is hidden.
"""

from dataclasses import dataclass
from math import lcm

import numpy as np

from .errors import LimitError, MalformedError
from .fields import integer, lst, obj, rational, rationals

EXACT = 2**53  # float64 holds every integer of smaller magnitude exactly


@dataclass(frozen=True, eq=False)
class Layer:
    """One layer: sparse weights (rows, cols, values) sorted by (row, col); bias tuple or None."""
    size: int
    rows: np.ndarray
    cols: np.ndarray
    weights: tuple
    bias: tuple | None


@dataclass(frozen=True, eq=False)
class Network:
    """A parsed network; `form` is "paper" or "output_bias"; sizes = [input_dim, n_1, ..., n_k]."""
    form: str
    sizes: list
    layers: tuple

    @property
    def input_dim(self) -> int:
        """Return the input dimension."""
        return self.sizes[0]


def _layer(value, w, prev, output, form, limits) -> Layer:
    """Return one parsed layer (`w` names it, `prev` is the size of the layer before)."""
    size, rows, cols, vals = integer(value["size"], f"{w}.size", lo=1), [], [], []
    for t, trip in enumerate(lst(value["weights"], f"{w}.weights")):
        wt = f"{w}.weights[{t}]"
        i, j = integer(lst(trip, wt, length=3)[0], f"{wt}[0]", 0, size - 1), integer(trip[1], f"{wt}[1]", 0, prev - 1)
        if rows and (i, j) <= (rows[-1], cols[-1]):
            raise MalformedError(f"{wt}: triplets must be sorted by (i, j) without repeats, got "
                                 f"({i}, {j}) after ({rows[-1]}, {cols[-1]})")
        rows.append(i), cols.append(j), vals.append(rational(trip[2], wt, limits))
        if vals[-1] == 0:
            raise MalformedError(f"{wt}: zero weight (omit the triplet)")
    bias, paper_output = value["bias"], output and form == "paper"
    if (bias is None) != paper_output:
        raise MalformedError(f"{w}.bias: " + ("the output layer of a \"paper\" form network has no bias (null)"
                                               if paper_output else "null, but this layer needs a bias list"))
    bias = None if bias is None else rationals(bias, f"{w}.bias", limits, size)
    return Layer(size, np.array(rows, dtype=np.int64), np.array(cols, dtype=np.int64), tuple(vals), bias)


def parse_network(value, where, limits, max_weights, max_neurons=None) -> Network:
    """Return the Network of a `network` object; refuse more than `max_weights` weights or `max_neurons`
    (default: limits.max_neurons) neurons, before any layer is built."""
    obj(value, where, ("form", "input_dim", "layers"))
    if value["form"] not in ("paper", "output_bias"):
        raise MalformedError(f"{where}.form: expected \"paper\" or \"output_bias\", got {str(value['form'])[:40]!r}")
    sizes, raw = [integer(value["input_dim"], f"{where}.input_dim", lo=1)], lst(value["layers"], f"{where}.layers", 1)
    for n, layer in enumerate(raw):
        obj(layer, f"{where}.layers[{n}]", ("size", "weights", "bias"))
    total = sum(len(layer["weights"]) for layer in raw if isinstance(layer["weights"], list))
    if total > max_weights:
        raise LimitError(f"{where}: {total} weights, over the limit of {max_weights}")
    neurons, max_neurons = sum(abs(L["size"]) for L in raw if type(L["size"]) is int), max_neurons or limits.max_neurons
    if neurons > max_neurons:
        raise LimitError(f"{where}: {neurons} neurons, over the limit of {max_neurons}")
    layers = []
    for n, layer in enumerate(raw):
        layers.append(_layer(layer, f"{where}.layers[{n}]", sizes[-1], n == len(raw) - 1, value["form"], limits))
        sizes.append(layers[-1].size)
    return Network(value["form"], sizes, tuple(layers))


@dataclass(frozen=True, eq=False)
class Plan:
    """A network ready to evaluate: per layer the numerator matrix, bias column, path; dens D_0..D_k."""
    mats: tuple
    biases: tuple
    floats: tuple
    dens: tuple


def prepare(net: Network, box: list, den: int) -> Plan:
    """Return the evaluation plan. A layer runs in float64 only if exact interval bounds prove that
    every input, weight and partial sum is below 2^53 in magnitude (then float64 is exact);
    otherwise it runs on Python ints. `box[j]` bounds |numerator| of input j (denominator `den`)."""
    mats, biases, floats, dens, bound = [], [], [], [den], list(box)
    for layer in net.layers:
        q = lcm(*(v.denominator for v in layer.weights + (layer.bias or ())))
        wn = [v.numerator * (q // v.denominator) for v in layer.weights]
        bn = [b.numerator * (q // b.denominator) * dens[-1] for b in layer.bias or [0] * layer.size]
        new = [abs(b) for b in bn]  # |bn_i + sum_j Wn_ij v_j| and all its partial sums are <= new[i]
        for i, j, w in zip(layer.rows.tolist(), layer.cols.tolist(), wn):
            new[i] += abs(w) * bound[j]
        fast = max(bound + new + [abs(w) for w in wn]) < EXACT
        dtype = np.float64 if fast else object
        mat = np.zeros((layer.size, len(bound)), dtype=dtype)
        mat[layer.rows, layer.cols] = np.array(wn, dtype=dtype)
        mats.append(mat), biases.append(np.array(bn, dtype=dtype).reshape(-1, 1)), floats.append(fast)
        dens.append(dens[-1] * q)
        bound = new
    return Plan(tuple(mats), tuple(biases), tuple(floats), tuple(dens))


def forward(plan: Plan, x: np.ndarray) -> list:
    """Return the numerators of every layer [x, h_1, ..., y] on a (d, m) chunk (denominators plan.dens)."""
    values, last = [x], len(plan.mats) - 1
    for l, (mat, bias, fast) in enumerate(zip(plan.mats, plan.biases, plan.floats)):
        if fast:
            z = (mat @ values[-1].astype(np.float64) + bias).astype(np.int64)
        else:
            z = mat @ values[-1].astype(object) + bias
        values.append(np.maximum(z, 0) if l < last else z)
    return values
