"""Threshold circuits over {0,1} inputs, exact integer evaluation, and their ReLU networks.

A circuit has `num_inputs` input bits (layer 0) and layers 1..D of threshold gates. A gate of
layer l computes 1[sum_r w_r v_r + b > 0] with integer weights w_r and bias b, where each
reference r = (layer, index) names an input (layer 0) or a gate of ANY earlier layer 0..l-1.
Each output is an integer linear form (no constant) over inputs and gates of any layer.
The JSON format is specified in docs/circuits.md.

`to_network` realises gate g as the ReLU pair relu(z), relu(z-1) (g = relu(z) - relu(z-1) for
integer z) and reads g linearly in the next layer; a value read more than one layer later is
carried by identity neurons relu(v) (v in {0,1}). The network has depth D + 1.
"""

from __future__ import annotations

import functools
import operator
from dataclasses import dataclass
from fractions import Fraction

from .kernel.errors import MalformedError
from .network import Layer, Network

FORMAT = "certify-circuit/v1"
Ref = tuple[int, int]
Term = tuple[int, int, int]  # (layer, index, weight)


def _int(value, where: str) -> int:
    """Return value if it is a JSON integer (not a bool), else raise MalformedError."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise MalformedError(f"{where}: expected an integer, got {type(value).__name__} {str(value)[:40]}")
    return value


def _terms(raw, where: str) -> tuple[Term, ...]:
    """Return validated terms: a list of [layer, index, weight], sorted, no repeats, no zeros."""
    if not isinstance(raw, (list, tuple)):
        raise MalformedError(f"{where}: terms must be a list of [layer, index, weight]")
    out = []
    for k, t in enumerate(raw):
        if not isinstance(t, (list, tuple)) or len(t) != 3:
            raise MalformedError(f"{where} term {k}: expected [layer, index, weight]")
        l, i, w = (_int(v, f"{where} term {k}") for v in t)
        if w == 0:
            raise MalformedError(f"{where} term {k}: weight is 0 (omit zero terms)")
        if out and (l, i) <= out[-1][:2]:
            raise MalformedError(f"{where} term {k}: terms must be sorted by (layer, index) without repeats")
        out.append((l, i, w))
    return tuple(out)


@dataclass(frozen=True)
class Form:
    """An integer affine form sum w * value(layer, index) + const, kept sorted and without zeros."""

    terms: tuple[Term, ...] = ()
    const: int = 0

    @classmethod
    def of(cls, coefs: dict[Ref, int], const: int = 0) -> Form:
        """Return the form with the given {(layer, index): weight} coefficients."""
        return cls(tuple((l, i, w) for (l, i), w in sorted(coefs.items()) if w), const)

    @classmethod
    def var(cls, layer: int, index: int) -> Form:
        """Return the form reading one value."""
        return cls(((layer, index, 1),), 0)

    def coefs(self) -> dict[Ref, int]:
        """Return the coefficients as a dict."""
        return {(l, i): w for l, i, w in self.terms}

    def __add__(self, other: Form | int) -> Form:
        if isinstance(other, int):
            return Form(self.terms, self.const + other)
        acc = self.coefs()
        for l, i, w in other.terms:
            acc[(l, i)] = acc.get((l, i), 0) + w
        return Form.of(acc, self.const + other.const)

    __radd__ = __add__

    def __mul__(self, c: int) -> Form:
        return Form(tuple((l, i, w * c) for l, i, w in self.terms if w * c), self.const * c)

    __rmul__ = __mul__

    def __neg__(self) -> Form:
        return self * -1

    def __sub__(self, other: Form | int) -> Form:
        return self + (-other)

    @property
    def is_constant(self) -> bool:
        """Return True when the form reads no value."""
        return not self.terms

    def value(self, values: list[list[int]]) -> int:
        """Return the form's value given per-layer values (layer 0 = inputs)."""
        return sum(w * values[l][i] for l, i, w in self.terms) + self.const


@dataclass(frozen=True)
class Gate:
    """A threshold gate 1[sum w * value(layer, index) + bias > 0]."""

    terms: tuple[Term, ...]
    bias: int

    @property
    def form(self) -> Form:
        """Return the pre-activation z as a Form."""
        return Form(self.terms, self.bias)


@dataclass(frozen=True)
class ThresholdCircuit:
    """Layers of threshold gates on `num_inputs` bits and integer linear outputs (see module doc)."""

    num_inputs: int
    layers: tuple[tuple[Gate, ...], ...]
    outputs: tuple[tuple[Term, ...], ...]

    def __post_init__(self):
        _int(self.num_inputs, "circuit inputs")
        if self.num_inputs < 1:
            raise MalformedError("circuit inputs: must be >= 1")
        sizes = [self.num_inputs] + [len(g) for g in self.layers]
        for l, gates in enumerate(self.layers, 1):
            if not gates:
                raise MalformedError(f"circuit layer {l}: has no gates")
            checked: set[int] = set()  # gates of one family share their terms object
            for i, g in enumerate(gates):
                _int(g.bias, f"circuit layer {l} gate {i} bias")
                if id(g.terms) not in checked:
                    self._check_refs(g.terms, l, sizes, f"circuit layer {l} gate {i}")
                    checked.add(id(g.terms))
        if not self.outputs:
            raise MalformedError("circuit outputs: at least one output is required")
        for o, terms in enumerate(self.outputs):
            self._check_refs(terms, len(self.layers) + 1, sizes, f"circuit output {o}")

    @staticmethod
    def _check_refs(terms, below: int, sizes: list[int], where: str) -> None:
        _terms(terms, where)  # integers, sorted, no repeats, no zero weights
        for k, (l, i, w) in enumerate(terms):
            if not 0 <= l < below:
                raise MalformedError(f"{where} term {k}: reads layer {l}; allowed layers are 0..{below - 1}")
            if not 0 <= i < sizes[l]:
                raise MalformedError(f"{where} term {k}: index {i} outside layer {l} of size {sizes[l]}")

    # ---- properties --------------------------------------------------------------------
    @property
    def depth(self) -> int:
        """Return the number of gate layers (the linear outputs are not a layer)."""
        return len(self.layers)

    @property
    def size(self) -> int:
        """Return the number of gates."""
        return sum(len(g) for g in self.layers)

    @property
    def layer_sizes(self) -> list[int]:
        """Return the number of gates of each layer."""
        return [len(g) for g in self.layers]

    @property
    def max_weight(self) -> int:
        """Return max |w| over gate weights, gate biases and output coefficients."""
        gate = (abs(v) for gs in self.layers for g in gs for v in [g.bias, *(w for _, _, w in g.terms)])
        out = (abs(w) for terms in self.outputs for _, _, w in terms)
        return max([0, *gate, *out])

    # ---- evaluation --------------------------------------------------------------------
    def values(self, bits) -> list[list[int]]:
        """Return the values of every layer (layer 0 = the input bits) at a 0/1 input."""
        bits = [operator.index(b) for b in bits]
        if len(bits) != self.num_inputs or any(b not in (0, 1) for b in bits):
            raise MalformedError(f"circuit input: expected {self.num_inputs} bits in {{0,1}}, got {bits}")
        vals = [bits]
        for gates in self.layers:
            vals.append([1 if g.form.value(vals) > 0 else 0 for g in gates])
        return vals

    def evaluate(self, bits) -> tuple[int, ...]:
        """Return the integer outputs at a 0/1 input."""
        vals = self.values(bits)
        return tuple(Form(t).value(vals) for t in self.outputs)

    # ---- JSON --------------------------------------------------------------------------
    def to_json(self) -> dict:
        """Return the circuit as a JSON object (docs/circuits.md)."""
        return {"format": FORMAT, "inputs": self.num_inputs,
                "layers": [[{"terms": [list(t) for t in g.terms], "bias": g.bias} for g in gates]
                           for gates in self.layers],
                "outputs": [[list(t) for t in terms] for terms in self.outputs]}

    @classmethod
    def from_json(cls, obj) -> ThresholdCircuit:
        """Return the circuit described by a JSON object; MalformedError names the bad field."""
        _keys(obj, {"format", "inputs", "layers", "outputs"}, "circuit")
        if obj["format"] != FORMAT:
            raise MalformedError(f"circuit format: expected {FORMAT!r}, got {str(obj['format'])[:40]!r}")
        inputs = _int(obj["inputs"], "circuit inputs")
        if not isinstance(obj["layers"], list):
            raise MalformedError("circuit layers: must be a list of layers")
        layers = []
        for l, gates in enumerate(obj["layers"], 1):
            if not isinstance(gates, list):
                raise MalformedError(f"circuit layer {l}: must be a list of gates")
            built = []
            for i, g in enumerate(gates):
                where = f"circuit layer {l} gate {i}"
                _keys(g, {"terms", "bias"}, where)
                built.append(Gate(_terms(g["terms"], where), _int(g["bias"], f"{where} bias")))
            layers.append(tuple(built))
        if not isinstance(obj["outputs"], list):
            raise MalformedError("circuit outputs: must be a list of term lists")
        outputs = tuple(_terms(t, f"circuit output {o}") for o, t in enumerate(obj["outputs"]))
        return cls(inputs, tuple(layers), outputs)

    # ---- ReLU network ------------------------------------------------------------------
    def compile(self) -> CompiledCircuit:
        """Return the ReLU network of the circuit together with where each gate lives in it."""
        return _compile(self)

    def to_network(self) -> Network:
        """Return the ReLU network (depth = self.depth + 1) computing the circuit on {0,1}^n."""
        return self.compile().network


def _keys(obj, allowed: set[str], where: str) -> None:
    if not isinstance(obj, dict):
        raise MalformedError(f"{where}: expected an object")
    unknown = sorted(set(obj) - allowed)
    if unknown:
        raise MalformedError(f"{where}: unknown key {unknown[0]!r}")
    missing = sorted(allowed - set(obj))
    if missing:
        raise MalformedError(f"{where}: missing key {missing[0]!r}")


# ---- compilation to a ReLU network -----------------------------------------------------
NetTerms = tuple[tuple[int, int, int], ...]  # (network layer, neuron, coefficient)


@dataclass(frozen=True)
class CompiledCircuit:
    """A circuit's ReLU network and, for each gate (l, i), the neurons of network layer l whose
    signed sum is the gate's value (`gate_neurons`), and its pre-activation row (`gate_rows`:
    ((neuron of layer l-1 or input, weight), ...), bias))."""

    circuit: ThresholdCircuit
    network: Network
    gate_neurons: dict[Ref, NetTerms]
    gate_rows: dict[Ref, tuple[tuple[tuple[int, int], ...], int]]

    def form_terms(self, form: Form) -> NetTerms:
        """Return network terms whose weighted sum equals the gate terms of `form` (constant excluded).

        Every term must name a gate (layer >= 1)."""
        acc: dict[tuple[int, int], int] = {}
        for l, i, w in form.terms:
            if l == 0:
                raise MalformedError("form_terms: a form over inputs has no neurons")
            for nl, n, c in self.gate_neurons[(l, i)]:
                acc[(nl, n)] = acc.get((nl, n), 0) + w * c
        return tuple((nl, n, c) for (nl, n), c in sorted(acc.items()) if c)


def _chain_range(form_terms, family: dict[Ref, int], bias: dict[Ref, int]) -> tuple[int, int]:
    """Return a sound [lo, hi] range of sum w * v over the 0/1 values v the terms name.

    Gates reading the same terms (one `family`) with different biases are monotone in the bias,
    so on every input the gates that are 1 form a prefix of the family sorted by decreasing
    bias; the range of a family's part of the sum is that of its prefix sums."""
    groups: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for l, i, w in form_terms:
        key = (l, i) if l == 0 else (l, -1 - family[(l, i)])
        groups.setdefault(key, []).append((bias.get((l, i), 0), w))
    lo = hi = 0
    for members in groups.values():
        members.sort(key=lambda bw: -bw[0])
        prefix, pmin, pmax = 0, 0, 0
        for _, w in members:
            prefix += w
            pmin, pmax = min(pmin, prefix), max(pmax, prefix)
        lo, hi = lo + pmin, hi + pmax
    return lo, hi


@functools.lru_cache(maxsize=4096)
def _fraction(w: int) -> Fraction:
    return Fraction(w)


def _compile(c: ThresholdCircuit) -> CompiledCircuit:
    D = c.depth
    # last network layer at which each value must be readable (a reader in layer l reads layer l-1)
    need: dict[Ref, int] = {}
    for l, gates in enumerate(c.layers, 1):
        for terms in {id(g.terms): g.terms for g in gates}.values():  # once per family
            for rl, ri, _ in terms:
                need[(rl, ri)] = max(need.get((rl, ri), 0), l - 1)
    for terms in c.outputs:
        for rl, ri, _ in terms:
            need[(rl, ri)] = max(need.get((rl, ri), 0), D)
    family: dict[Ref, int] = {}
    bias: dict[Ref, int] = {}
    for l, gates in enumerate(c.layers, 1):
        ids: dict[tuple, int] = {}
        for i, g in enumerate(gates):
            family[(l, i)] = ids.setdefault(g.terms, len(ids))
            bias[(l, i)] = g.bias

    # rep[ref] = ((neuron, coef), ...) over the current network layer (layer 0 = the inputs)
    rep: dict[Ref, tuple[tuple[int, int], ...]] = {(0, i): ((i, 1),) for i in range(c.num_inputs)}
    layers: list[Layer] = []
    gate_neurons: dict[Ref, NetTerms] = {}
    gate_rows: dict[Ref, tuple] = {}
    in_size = c.num_inputs
    for l, gates in enumerate(c.layers, 1):
        index: dict[tuple, int] = {}
        rows: list[tuple[tuple[int, Fraction], ...]] = []
        biases: list[Fraction] = []

        exact_rows: dict[int, tuple] = {}

        def neuron(row: tuple[tuple[int, int], ...], b: int) -> int:
            if (row, b) not in index:
                index[(row, b)] = len(rows)
                if id(row) not in exact_rows:
                    exact_rows[id(row)] = (row, tuple((j, _fraction(w)) for j, w in row))
                rows.append(exact_rows[id(row)][1])
                biases.append(_fraction(b))
            return index[(row, b)]

        def linear(terms) -> tuple[tuple[int, int], ...]:
            acc: dict[int, int] = {}
            for rl, ri, w in terms:
                for j, cf in rep[(rl, ri)]:
                    acc[j] = acc.get(j, 0) + w * cf
            return tuple(sorted((j, w) for j, w in acc.items() if w))

        rows_of: dict[int, tuple] = {}  # gates of one family share their terms: one row, one range
        new_rep: dict[Ref, tuple[tuple[int, int], ...]] = {}
        for i, g in enumerate(gates):
            if id(g.terms) not in rows_of:
                rows_of[id(g.terms)] = (linear(g.terms), _chain_range(g.terms, family, bias)[1])
            row, hi = rows_of[id(g.terms)]
            hi += g.bias
            top = neuron(row, g.bias)
            gate_rows[(l, i)] = (row, g.bias)
            if hi <= 1:  # z <= 1 on every input, so relu(z - 1) = 0 and the gate is relu(z)
                new_rep[(l, i)] = ((top, 1),)
            else:
                new_rep[(l, i)] = ((top, 1), (neuron(row, g.bias - 1), -1))
            gate_neurons[(l, i)] = tuple((l, j, cf) for j, cf in new_rep[(l, i)])
        for ref in sorted(rep):
            if need.get(ref, 0) >= l:  # carry v in {0,1} with the identity neuron relu(v)
                new_rep[ref] = ((neuron(linear([(ref[0], ref[1], 1)]), 0), 1),)
        layers.append(Layer(in_size, tuple(rows), tuple(biases)))
        in_size = len(rows)
        rep = new_rep

    out_rows = []
    for terms in c.outputs:
        row = []
        for rl, ri, w in terms:
            row.extend((j, w * cf) for j, cf in rep[(rl, ri)])
        acc: dict[int, int] = {}
        for j, w in row:
            acc[j] = acc.get(j, 0) + w
        out_rows.append(tuple((j, Fraction(w)) for j, w in sorted(acc.items()) if w))
    layers.append(Layer(in_size, tuple(out_rows), None))
    return CompiledCircuit(c, Network(c.num_inputs, tuple(layers)), gate_neurons, gate_rows)


class CircuitBuilder:
    """Build a ThresholdCircuit gate by gate; identical gates in a layer are shared."""

    def __init__(self, num_inputs: int):
        self.num_inputs = num_inputs
        self.layers: list[list[Gate]] = []
        self._index: list[dict[tuple, dict[int, int]]] = []  # layer -> terms -> bias -> index

    def input(self, i: int) -> Form:
        """Return the form reading input bit i."""
        if not 0 <= i < self.num_inputs:
            raise MalformedError(f"circuit input {i} outside 0..{self.num_inputs - 1}")
        return Form.var(0, i)

    def gate(self, layer: int, z: Form) -> Form:
        """Return the 0/1 form of the gate 1[z > 0] placed in `layer` (z reads layers < layer)."""
        while len(self.layers) < layer:
            self.layers.append([])
            self._index.append({})
        by_terms = self._index[layer - 1]
        if z.terms not in by_terms:
            if any(l >= layer for l, _, _ in z.terms):
                raise MalformedError(f"gate in layer {layer} reads a value of layer >= {layer}")
            by_terms[z.terms] = {}
        by_bias = by_terms[z.terms]
        if z.const not in by_bias:
            by_bias[z.const] = len(self.layers[layer - 1])
            self.layers[layer - 1].append(Gate(z.terms, z.const))
        return Form.var(layer, by_bias[z.const])

    def build(self, outputs: list[Form]) -> ThresholdCircuit:
        """Return the circuit with the given linear outputs (each with constant 0)."""
        for o, f in enumerate(outputs):
            if f.const:
                raise MalformedError(f"circuit output {o}: has constant {f.const}; outputs are linear")
        return ThresholdCircuit(self.num_inputs, tuple(tuple(g) for g in self.layers),
                                tuple(f.terms for f in outputs))


def ceil_log2(n: int) -> int:
    """Return the least L >= 0 with 2^L >= n (n >= 1)."""
    return (n - 1).bit_length()
