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
LIMB = 13  # fewest bits per limb worth cutting values into (see prepare); below, Python ints


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
    """A network ready to evaluate: per layer (dense float64 matrix or None, row groups, bias column, limb
    bits s, limbs K) and path; the denominators D_0..D_k; points per chunk."""
    layers: tuple
    paths: tuple
    floats: tuple
    dens: tuple
    chunk: int


def prepare(net: Network, box: list, den: int, gather: int = 1 << 22, max_bits: int = 0) -> Plan:
    """Return the evaluation plan. Exact interval bounds prove a bound M on every input, weight and partial
    sum of a layer. M < 2^53: float64, exact in any summation order ("float64"). Else, if every row's sum of
    |w| is S < 2^(53 - LIMB), limbs of s = 52 - bits(S) bits ("K x float64"): with u_t = floor(v / 2^(s t)),
    W u_t = 2^s W u_(t+1) + W (u_t mod 2^s) from the top limb u_(K-1) down (|u_(K-1)| <= 2^(s-1) as
    |v| < 2^(s K - 1)); each product is exact in float64 (partial sums <= S 2^s < 2^53), each step in int64
    when M < 2^62 (|W u_t| <= M + S, |2^s W u_(t+1)| <= M + 2^52), else in Python ints (", bigint"). Else
    Python ints ("bigint"). A float64 layer with >= 1/16 non-zeros is a dense matrix; other layers group
    their rows by number of non-zeros, holding <= `gather` gathered products per chunk of points. `box[j]`
    bounds |numerator| of input j (over `den`). max_bits refuses a layer whose values may need more bits."""
    layers, paths, dens, bound, chunk = [], [], [den], list(box), 1 << 16
    for layer in net.layers:
        q = lcm(*(v.denominator for v in layer.weights + (layer.bias or ())))
        wn = [v.numerator * (q // v.denominator) for v in layer.weights]
        bn = [b.numerator * (q // b.denominator) * dens[-1] for b in layer.bias or [0] * layer.size]
        new, rows = [abs(b) for b in bn], [0] * layer.size  # new[i]: |bn_i + sum_j Wn_ij v_j|, partial sums
        for i, j, w in zip(layer.rows.tolist(), layer.cols.tolist(), wn):
            new[i], rows[i] = new[i] + abs(w) * bound[j], rows[i] + abs(w)
        top, s = max(bound + new + [abs(w) for w in wn]), 52 - max(rows).bit_length()
        if max_bits and top.bit_length() + (dens[-1] * q).bit_length() > max_bits:
            raise LimitError(f"network.layers[{len(paths)}]: its values may need more than {max_bits} bits (limit)")
        k, wide = 0 if top < EXACT or s < LIMB else -(-(max(bound).bit_length() + 1) // s), top >= EXACT << 9
        paths.append("float64" if top < EXACT else "bigint" if not k else f"{k} x float64" + ", bigint" * wide)
        w, mat, groups = np.array(wn, dtype=np.float64 if top < EXACT or k else object), None, []
        if w.dtype == np.float64 and layer.size * len(bound) <= 16 * len(wn):
            mat = np.zeros((layer.size, len(bound)))
            mat[layer.rows, layer.cols] = w
        else:  # the triplets of row i are first[i] .. first[i] + count[i] - 1
            count = np.bincount(layer.rows, minlength=layer.size)
            first, chunk = np.cumsum(count) - count, min(chunk, max(1, gather // max(1, len(wn))))
            for c in np.unique(count[count > 0]).tolist():
                at = first[count == c][:, None] + np.arange(c)  # rows with c non-zeros: their triplets
                groups.append((np.flatnonzero(count == c), layer.cols[at].ravel(), w[at]))
        dtype = np.float64 if top < EXACT else np.int64 if k and not wide else object
        layers.append((mat, groups, np.array(bn, dtype=dtype)[:, None], s, k))
        dens.append(dens[-1] * q)
        bound = new
    return Plan(tuple(layers), tuple(paths), tuple(p == "float64" for p in paths), tuple(dens), chunk)


def _product(mat, groups, v, size: int) -> np.ndarray:
    """Return W @ v: W a dense matrix, or row groups (rows sel, r-th with w[r, c] * v[cols[r C + c]])."""
    z = mat @ v if mat is not None else np.zeros((size, v.shape[1]), dtype=v.dtype)
    for sel, cols, w in groups:
        z[sel] = np.einsum("rcm,rc->rm", np.take(v, cols, axis=0).reshape(len(sel), w.shape[1], -1), w)
    return z


def forward(plan: Plan, x: np.ndarray) -> list:
    """Return the numerators of every layer [x, h_1, ..., y] on a (d, m) chunk (denominators plan.dens);
    float64 layers hold them in float64 arrays, the others in int64 or object arrays."""
    values = [x]
    for l, (mat, groups, bias, s, k) in enumerate(plan.layers):
        v, z = values[-1], 0
        v = v.astype(np.int64) if v.dtype == np.float64 and bias.dtype != np.float64 else v
        if not k:
            z = _product(mat, groups, v.astype(bias.dtype, copy=False), len(bias))
        for t in reversed(range(k)):  # limbs, from the top one down (see prepare)
            u = v >> (s * t)
            u = (u if t == k - 1 else u % (1 << s)).astype(np.float64)
            z = z * (1 << s) + _product(mat, groups, u, len(bias)).astype(np.int64).astype(bias.dtype)
        z += bias
        values.append(np.maximum(z, 0, out=z) if l < len(plan.layers) - 1 else z)
    return values
