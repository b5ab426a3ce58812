"""The network IR: ReLU layers with exact rational weights, stored sparsely.

Paper form (Vardi & Shamir, section 2): layer l computes relu(W_l h + b_l); the last layer is
linear and has no bias. Depth counts every layer including the output layer.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property

from .kernel.canonical import network_sha256
from .kernel.errors import MalformedError
from .kernel.numbers import format_rational, parse_rational

Row = tuple[tuple[int, Fraction], ...]


@dataclass(frozen=True)
class Layer:
    """One layer: `size` neurons reading `in_size` values; sparse rows of (column, weight)."""

    in_size: int
    rows: tuple[Row, ...]
    bias: tuple[Fraction, ...] | None

    @property
    def size(self) -> int:
        """Return the number of neurons."""
        return len(self.rows)

    def dense(self) -> list[list[Fraction]]:
        """Return W as a dense list of rows."""
        out = []
        for row in self.rows:
            dense = [Fraction(0)] * self.in_size
            for j, w in row:
                dense[j] = w
            out.append(dense)
        return out


def exact_float(value: float) -> Fraction:
    """Return the exact rational value of a finite float (floats only enter through here)."""
    if not math.isfinite(value):
        raise MalformedError(f"cannot convert non-finite float {value!r} to a rational")
    return Fraction(value)


def _sparse_row(row, in_size: int, where: str) -> Row:
    if isinstance(row, (str, bytes)) or not hasattr(row, "__len__"):
        raise MalformedError(f"{where}: a row must be a list of {in_size} entries")
    if len(row) != in_size:
        raise MalformedError(f"{where}: has {len(row)} entries, expected {in_size} (ragged weights)")
    out = []
    for j, value in enumerate(row):
        w = parse_rational(value, f"{where} column {j}")
        if w:
            out.append((j, w))
    return tuple(out)


def _bias(b, size: int, where: str) -> tuple[Fraction, ...]:
    if isinstance(b, (str, bytes)) or not hasattr(b, "__len__"):
        raise MalformedError(f"{where}: bias must be a list of {size} entries")
    if len(b) != size:
        raise MalformedError(f"{where}: bias has {len(b)} entries, expected {size}")
    return tuple(parse_rational(v, f"{where} bias[{i}]") for i, v in enumerate(b))


@dataclass(frozen=True)
class Network:
    """A ReLU network `x -> W_k relu(... relu(W_1 x + b_1) ...)` with exact weights."""

    input_dim: int
    sparse_layers: tuple[Layer, ...]
    form: str = "paper"

    def __post_init__(self):
        if self.form not in ("paper", "output_bias"):
            raise MalformedError(f"network form must be 'paper' or 'output_bias', got {self.form!r}")
        if self.input_dim < 1:
            raise MalformedError("network input_dim must be >= 1")
        if not self.sparse_layers:
            raise MalformedError("network has no layers")
        in_size = self.input_dim
        for l, layer in enumerate(self.sparse_layers, 1):
            if layer.size < 1:
                raise MalformedError(f"layer {l}: empty layer (no neurons)")
            if layer.in_size != in_size:
                raise MalformedError(f"layer {l}: reads {layer.in_size} values, previous layer has {in_size}")
            last = l == len(self.sparse_layers)
            if not last and layer.bias is None:
                raise MalformedError(f"layer {l}: hidden layer without bias")
            if last and self.form == "paper" and layer.bias is not None:
                raise MalformedError(f"layer {l}: output layer has a bias; paper form has none")
            if last and self.form == "output_bias" and layer.bias is None:
                raise MalformedError(f"layer {l}: form 'output_bias' needs an output bias")
            in_size = layer.size

    # ---- construction -------------------------------------------------------------------
    @classmethod
    def from_layers(cls, layers, input_dim: int | None = None, form: str = "paper") -> Network:
        """Return the network with dense layers [(W1, b1), ..., (Wk, None)] (rows = neurons)."""
        layers = list(layers)
        if not layers:
            raise MalformedError("network has no layers")
        built = []
        in_size = input_dim
        for l, pair in enumerate(layers, 1):
            if not isinstance(pair, (tuple, list)) or len(pair) != 2:
                raise MalformedError(f"layer {l}: expected a pair (W, b)")
            W, b = pair
            if isinstance(W, (str, bytes)) or not hasattr(W, "__len__") or len(W) == 0:
                raise MalformedError(f"layer {l}: empty layer (W has no rows)")
            if in_size is None:
                first = W[0]
                if isinstance(first, (str, bytes)) or not hasattr(first, "__len__"):
                    raise MalformedError(f"layer {l} row 0: a row must be a list")
                in_size = len(first)
            rows = tuple(_sparse_row(row, in_size, f"layer {l} row {i}") for i, row in enumerate(W))
            bias = None if b is None else _bias(b, len(rows), f"layer {l}")
            built.append(Layer(in_size, rows, bias))
            in_size = len(rows)
        return cls(built[0].in_size, tuple(built), form)

    @classmethod
    def from_sparse(cls, input_dim: int, layers, form: str = "paper") -> Network:
        """Return the network from [(size, [(i, j, w), ...], bias or None), ...] triplets."""
        built = []
        in_size = input_dim
        for l, (size, triplets, b) in enumerate(layers, 1):
            rows: list[dict[int, Fraction]] = [dict() for _ in range(size)]
            for i, j, value in triplets:
                if not (0 <= i < size and 0 <= j < in_size):
                    raise MalformedError(f"layer {l}: weight ({i}, {j}) outside a {size}x{in_size} matrix")
                w = parse_rational(value, f"layer {l} row {i} column {j}")
                rows[i][j] = rows[i].get(j, Fraction(0)) + w
            srows = tuple(tuple(sorted((j, w) for j, w in r.items() if w)) for r in rows)
            bias = None if b is None else _bias(b, size, f"layer {l}")
            built.append(Layer(in_size, srows, bias))
            in_size = size
        return cls(input_dim, tuple(built), form)

    @classmethod
    def from_json(cls, obj) -> Network:
        """Return the network described by a certificate's `network` object."""
        try:
            layers = [(L["size"], L["weights"], L["bias"]) for L in obj["layers"]]
            return cls.from_sparse(obj["input_dim"], layers, obj.get("form", "paper"))
        except (KeyError, TypeError) as exc:
            raise MalformedError(f"network: malformed network object ({exc})") from None

    def to_json(self) -> dict:
        """Return the certificate-format `network` object (canonical)."""
        layers = []
        for layer in self.sparse_layers:
            triplets = [[i, j, format_rational(w)] for i, row in enumerate(layer.rows) for j, w in row]
            bias = None if layer.bias is None else [format_rational(b) for b in layer.bias]
            layers.append({"size": layer.size, "weights": triplets, "bias": bias})
        return {"form": self.form, "input_dim": self.input_dim, "layers": layers}

    # ---- views and properties ------------------------------------------------------------
    @property
    def layers(self) -> list[tuple[list[list[Fraction]], list[Fraction] | None]]:
        """Return the (W, b) pairs exactly: dense rows of Fractions, b None for the output."""
        return [(L.dense(), None if L.bias is None else list(L.bias)) for L in self.sparse_layers]

    @property
    def depth(self) -> int:
        """Return the number of layers, the linear output layer included."""
        return len(self.sparse_layers)

    @property
    def layer_sizes(self) -> list[int]:
        """Return the number of neurons of each layer (output layer last)."""
        return [L.size for L in self.sparse_layers]

    @property
    def width(self) -> int:
        """Return the largest layer size."""
        return max(self.layer_sizes)

    @property
    def output_dim(self) -> int:
        """Return the number of outputs."""
        return self.sparse_layers[-1].size

    @property
    def num_neurons(self) -> int:
        """Return the total number of neurons (hidden and output)."""
        return sum(self.layer_sizes)

    @property
    def num_weights(self) -> int:
        """Return the number of non-zero weights."""
        return sum(len(r) for L in self.sparse_layers for r in L.rows)

    @cached_property
    def max_abs_weight(self) -> Fraction:
        """Return max |w| over all weights (0 if there are none)."""
        return max((abs(w) for L in self.sparse_layers for r in L.rows for _, w in r), default=Fraction(0))

    @cached_property
    def max_abs_bias(self) -> Fraction:
        """Return max |b| over all biases (0 if there are none)."""
        return max((abs(b) for L in self.sparse_layers if L.bias for b in L.bias), default=Fraction(0))

    @property
    def max_weight(self) -> Fraction:
        """Return max |w| over weights AND biases (the paper's weight bound)."""
        return max(self.max_abs_weight, self.max_abs_bias)

    def content_hash(self) -> str:
        """Return the SHA-256 of the canonical network payload (as in certificates)."""
        return network_sha256(self.to_json())

    # ---- combinators ---------------------------------------------------------------------
    def compose(self, inner: Network) -> Network:
        """Return the network x -> self(inner(x)); inner's linear output fuses into self's layer 1."""
        if inner.output_dim != self.input_dim:
            raise MalformedError(f"compose: inner has {inner.output_dim} outputs, outer reads {self.input_dim}")
        last, first = inner.sparse_layers[-1], self.sparse_layers[0]
        rows = []
        for i, row in enumerate(first.rows):
            acc: dict[int, Fraction] = {}
            bias = first.bias[i] if first.bias is not None else Fraction(0)
            for m, w in row:
                for j, v in last.rows[m]:
                    acc[j] = acc.get(j, Fraction(0)) + w * v
                if last.bias is not None:
                    bias += w * last.bias[m]
            rows.append((tuple(sorted((j, v) for j, v in acc.items() if v)), bias))
        has_bias = first.bias is not None or last.bias is not None
        fused = Layer(last.in_size, tuple(r for r, _ in rows), tuple(b for _, b in rows) if has_bias else None)
        form = self.form
        if self.depth == 1 and fused.bias is not None:  # the fused layer is the output layer
            if any(fused.bias):
                form = "output_bias"
            else:
                fused = Layer(fused.in_size, fused.rows, None)
        layers = inner.sparse_layers[:-1] + (fused,) + self.sparse_layers[1:]
        return Network(inner.input_dim, layers, form)

    def pad_to_depth(self, depth: int) -> Network:
        """Return an equal network of the given depth (identity layers relu(y), relu(-y) appended)."""
        if depth < self.depth:
            raise MalformedError(f"cannot pad a depth-{self.depth} network to depth {depth}")
        if depth == self.depth:
            return self
        last = self.sparse_layers[-1]
        m = last.size
        neg_rows = tuple(tuple((j, -w) for j, w in r) for r in last.rows)
        bias = last.bias if last.bias is not None else (Fraction(0),) * m
        split = Layer(last.in_size, last.rows + neg_rows, bias + tuple(-b for b in bias))
        layers = list(self.sparse_layers[:-1]) + [split]
        one = Fraction(1)
        for _ in range(depth - self.depth - 1):
            layers.append(Layer(2 * m, tuple(((i, one),) for i in range(2 * m)), (Fraction(0),) * (2 * m)))
        layers.append(Layer(2 * m, tuple(((i, one), (m + i, -one)) for i in range(m)), None))
        return Network(self.input_dim, tuple(layers), "paper")

    def prefix(self, l: int) -> Network:
        """Return the depth-(l+1) network whose outputs are the values of hidden layer l (1 <= l < depth)."""
        if not 1 <= l < self.depth:
            raise MalformedError(f"prefix: layer {l} is not a hidden layer of a depth-{self.depth} network")
        size = self.sparse_layers[l - 1].size
        readout = Layer(size, tuple(((i, Fraction(1)),) for i in range(size)), None)
        return Network(self.input_dim, self.sparse_layers[:l] + (readout,), "paper")

    def parallel(self, *others: Network) -> Network:
        """Return the network running self and others side by side on the same input (outputs concatenated)."""
        nets = (self,) + others
        if any(n.input_dim != self.input_dim for n in nets):
            raise MalformedError("parallel: networks read inputs of different dimensions")
        depth = max(n.depth for n in nets)
        nets = tuple(n.pad_to_depth(depth) for n in nets)
        layers = []
        for l in range(depth):
            rows: list[Row] = []
            bias: list[Fraction] | None = [] if l < depth - 1 or any(n.form != "paper" for n in nets) else None
            in_off = 0
            for n in nets:
                L = n.sparse_layers[l]
                shift = 0 if l == 0 else in_off
                rows.extend(tuple((j + shift, w) for j, w in r) for r in L.rows)
                if bias is not None:
                    bias.extend(L.bias if L.bias is not None else (Fraction(0),) * L.size)
                in_off += n.sparse_layers[l - 1].size if l > 0 else 0
            in_size = self.input_dim if l == 0 else sum(n.sparse_layers[l - 1].size for n in nets)
            layers.append(Layer(in_size, tuple(rows), None if bias is None else tuple(bias)))
        form = "paper" if layers[-1].bias is None else "output_bias"
        return Network(self.input_dim, tuple(layers), form)

    def linear_readout(self, matrix) -> Network:
        """Return the network x -> M self(x) for a rational matrix M (fused into the output layer)."""
        rows = [[parse_rational(v, f"read-out row {i} column {j}") for j, v in enumerate(r)]
                for i, r in enumerate(matrix)]
        if any(len(r) != self.output_dim for r in rows):
            raise MalformedError(f"read-out matrix must have {self.output_dim} columns")
        bias = None if self.form == "paper" else tuple(Fraction(0) for _ in rows)
        readout = Network(self.output_dim, (Layer(self.output_dim, tuple(
            tuple((j, w) for j, w in enumerate(r) if w) for r in rows), bias),), self.form)
        return readout.compose(self)

    def scale(self, c) -> Network:
        """Return the network x -> c * self(x)."""
        c = parse_rational(c, "scale")
        return self.linear_readout([[c if i == j else 0 for j in range(self.output_dim)] for i in range(self.output_dim)])

    @staticmethod
    def concat(*nets: Network) -> Network:
        """Return the side-by-side network of nets (shared input, outputs concatenated)."""
        return nets[0].parallel(*nets[1:])

    @staticmethod
    def sum(*nets: Network) -> Network:
        """Return the network x -> sum of the nets' outputs (all with the same output dimension)."""
        m = nets[0].output_dim
        if any(n.output_dim != m for n in nets):
            raise MalformedError("sum: networks have different output dimensions")
        both = Network.concat(*nets)
        return both.linear_readout([[1 if j % m == i else 0 for j in range(m * len(nets))] for i in range(m)])
