"""Vardi & Shamir, section 4.2 (Theorems 3.3, 3.4): the threshold circuit inside N^, and splicing.

`extract_circuit(result)` reads layers 2..D-1 of a small-weights network N^ (D = depth(N^),
3k + 3 with the default padding) as a threshold circuit T of depth D - 2 = 3k + 1
(docs/extraction.md):

* T's inputs are the Booleans 1[v >= t], t = 1..hi_v, for every neuron v of layer 1 of N^
  (hi_v = max of v over the grid; layer-1 values must be integers on the grid): the unary
  (thermometer) code of layer 1, so v = sum_t 1[v >= t].
* a ReLU neuron u of layer l in 2..D-1 has an integer pre-activation z_u <= hi_u on the grid
  (its weights and bias must be integers; checked), so relu(z_u) = sum_{t=1}^{hi_u} 1[z_u - t + 1 > 0]:
  hi_u gates of circuit layer l - 1 (one gate for a 0/1 neuron, none if z_u <= 0 on the grid).
  z_u is an integer linear form of the previous layer's values, hence of its gates.
* T's outputs are the values of the neurons of layer D - 1 (each the sum of its gates); the
  read-out of N^ (layer D, rational weights) reads them.

The certificate is a certificate of N^ itself (same network, same grid, target N', same eps)
whose step for layer l claims, for every neuron u, value(l, u) = ["network", M_l, o_u]: M_l is
T's layers 1..l-1 compiled to a ReLU network (`ThresholdCircuit.to_network`) after the layer
x -> (relu(pre_v - s)) that computes T's inputs 1[v >= t] = relu(pre_v - t + 1) - relu(pre_v - t).
The kernel evaluates M_l at every grid point, so "T's gates equal N^'s internal values" is checked.

`splice(result, circuit)` checks a circuit T' against T on every input vector that occurs on the
grid (exhaustively), then builds N^' = read-out of N^ o T' o (layer 1 and the unary code) and
certifies it against N' with the same eps: depth(N^') = depth(T') + 2. Its steps claim every
gate of T' (relu(z) - relu(z - 1) = 1[z > 0] over the previous layer) and that T''s outputs
equal the values of layer D - 1 of N^ (["network", prefix of N^, u]) at every grid point.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from ..build import Block, Step, compose, linear
from ..certificate import Certificate, certificate
from ..circuit import CircuitBuilder, Form, ThresholdCircuit
from ..domain import domain_from_json
from ..gadgets.claims import add_claims
from ..gadgets.threshold import circuit_block, linear_ast
from ..kernel.errors import ClaimError, MalformedError
from ..kernel.numbers import format_rational
from ..network import Layer, Network

PAPER = "Vardi, Shamir: Neural Networks with Small Weights and Depth-Separation Barriers (NeurIPS 2020)"
THEOREM_EXTRACT = ("Section 4.2 (Theorems 3.3, 3.4): layers 2..3k+2 of the small-weights network N^ "
                   "compute a threshold circuit T of depth 3k+1 on the Boolean values of layer 1")
THEOREM_SPLICE = ("Section 4.2 (Theorems 3.3, 3.4): replacing T in N^ by an equivalent threshold circuit T' "
                  "gives a network of depth depth(T') + 2 with the same error against N'")


@dataclass(frozen=True)
class Extraction:
    """T, where it comes from, and the certificate that it computes N^'s layers 2..D-1 on the grid."""

    circuit: ThresholdCircuit
    certificate: Certificate
    network: Network  # N^
    inputs: tuple[tuple[int, int], ...]  # input i of T is 1[v >= t] for (v, t) = inputs[i], v a layer-1 neuron
    neuron_gates: dict  # (network layer l, neuron u) -> Form over circuit layer l - 1 (inputs for l = 1)
    occurring: frozenset  # the input vectors of T that occur on the grid
    domain: object
    target: list
    eps: Fraction

    @property
    def depth(self) -> int:
        """Return depth(T) = depth(N^) - 2."""
        return self.circuit.depth


@dataclass(frozen=True)
class Spliced:
    """N^' = read-out o T' o (layer 1, unary code), its certificate and its depth = depth(T') + 2."""

    network: Network
    certificate: Certificate
    circuit: ThresholdCircuit

    @property
    def depth(self) -> int:
        return self.network.depth


# ---- exact values of N^ on the grid ----------------------------------------------------------
def _layer_values(net: Network, domain):
    """Return (pre1, values): layer-1 pre-activations and the values of layers 1..D-1, as lists of
    per-point integer lists, checking that every one is an integer and layers 2..D-1 have integer weights."""
    nums, den = domain.chunk(0, domain.size)
    pts = [[int(v) for v in row] for row in nums]
    L1 = net.sparse_layers[0]
    b1 = L1.bias or (Fraction(0),) * L1.size
    pre1 = []
    for k, x in enumerate(pts):
        row = []
        for v, (r, b) in enumerate(zip(L1.rows, b1)):
            z = sum((w * x[j] for j, w in r), Fraction(0)) / den + b
            if z.denominator != 1:
                shown = ", ".join(str(Fraction(c, den)) for c in x)
                raise MalformedError(f"extract_circuit: layer 1 neuron {v} has the non-integer pre-activation {z} "
                                     f"at x=({shown}); T's inputs are the unary code of integer layer-1 values")
            row.append(int(z))
        pre1.append(row)
    values = [[[max(z, 0) for z in row] for row in pre1]]
    pres = [pre1]
    for l in range(2, net.depth):
        L = net.sparse_layers[l - 1]
        for u, r in enumerate(L.rows):
            for j, w in r:
                if w.denominator != 1:
                    raise MalformedError(f"extract_circuit: layer {l} neuron {u} has the non-integer weight {w} "
                                         f"(from neuron {j} of layer {l - 1}); a threshold gate needs integer weights")
            if L.bias is not None and L.bias[u].denominator != 1:
                raise MalformedError(f"extract_circuit: layer {l} neuron {u} has the non-integer bias {L.bias[u]}")
        bias = [int(b) for b in (L.bias or (0,) * L.size)]
        rows = [[(j, int(w)) for j, w in r] for r in L.rows]
        pre = [[sum(w * prev[j] for j, w in r) + b for r, b in zip(rows, bias)] for prev in values[-1]]
        pres.append(pre)
        values.append([[max(z, 0) for z in row] for row in pre])
    return pres, values


def _source(result):
    """Return (N^, domain, target ASTs, eps) of a small-weights result (or anything with .network and .certificate)."""
    data = result.certificate.data
    sup = data["claims"].get("sup_error")
    if sup is None or data.get("target") is None:
        raise MalformedError("extract_circuit: the result's certificate makes no sup_error claim against a target")
    net = result.network
    if net.form != "paper" or net.depth < 3:
        raise MalformedError(f"extract_circuit: expected a paper-form network of depth >= 3, got depth {net.depth}")
    return net, domain_from_json(data["domain"]), data["target"], Fraction(sup["bound"])


def _pre_ast(net: Network, v: int, shift: int = 0):
    """Return the AST of layer 1's pre-activation of neuron v minus shift, over x."""
    L1 = net.sparse_layers[0]
    b = (L1.bias[v] if L1.bias is not None else Fraction(0)) - shift
    parts = [(["x", j], format_rational(w) if w.denominator != 1 else int(w)) for j, w in L1.rows[v]]
    const = format_rational(b) if b.denominator != 1 else int(b)
    expr = linear_ast(parts, const if b else 0)
    return expr


def _unary_network(net: Network, inputs) -> Network:
    """Return the depth-2 network x -> (1[v >= t])_(v, t): hidden relu(pre_v - s), read-out differences.

    1[v >= t] = relu(pre_v - t + 1) - relu(pre_v - t) on the grid (pre_v is an integer there); identical
    hidden neurons (same row and bias, e.g. the ramps of one coordinate) are stored once."""
    L1 = net.sparse_layers[0]
    b1 = L1.bias or (Fraction(0),) * L1.size
    index, rows, biases = {}, [], []

    def hidden(v: int, s: int) -> int:
        key = (L1.rows[v], b1[v] - s)
        if key not in index:
            index[key] = len(rows)
            rows.append(L1.rows[v])
            biases.append(b1[v] - s)
        return index[key]

    hi = {}
    for v, t in inputs:
        hi[v] = max(hi.get(v, 0), t)
    out = []
    for v, t in inputs:
        row = {hidden(v, t - 1): Fraction(1)}
        if t < hi[v]:  # relu(pre_v - hi_v) = 0 on the grid
            j = hidden(v, t)
            row[j] = row.get(j, Fraction(0)) - 1
        out.append(tuple(sorted((j, c) for j, c in row.items() if c)))
    hidden_layer = Layer(net.input_dim, tuple(rows), tuple(biases))
    return Network(net.input_dim, (hidden_layer, Layer(len(rows), tuple(out), None)), "paper")


def _gates_of(circuit: ThresholdCircuit, upto: int, outputs) -> ThresholdCircuit:
    """Return the circuit's layers 1..upto with the given outputs (term tuples)."""
    return ThresholdCircuit(circuit.num_inputs, circuit.layers[:upto], tuple(outputs))


# ---- extraction --------------------------------------------------------------------------------
def extract_circuit(result) -> Extraction:
    """Return the threshold circuit T of layers 2..D-1 of N^ = result.network and its certificate.

    result is a `small_weights` result (or any object with a paper-form `.network` and a
    `.certificate` with a domain, a target and a sup_error claim). Raises MalformedError when a
    layer-1 value is not an integer on the grid or a weight of layers 2..D-1 is not an integer.
    """
    net, domain, target, eps = _source(result)
    D = net.depth
    pres, values = _layer_values(net, domain)
    bld = CircuitBuilder(1)  # the input count is fixed below
    inputs: list[tuple[int, int]] = []
    forms: dict[tuple[int, int], Form] = {}
    for v in range(net.sparse_layers[0].size):
        hi = max(row[v] for row in values[0])
        f = Form()
        for t in range(1, hi + 1):
            inputs.append((v, t))
            f = f + Form.var(0, len(inputs) - 1)
        forms[(1, v)] = f
    if not inputs:
        raise MalformedError("extract_circuit: layer 1 is 0 on the whole grid; T would have no inputs")
    bld.num_inputs = len(inputs)
    for l in range(2, D):
        L = net.sparse_layers[l - 1]
        bias = L.bias or (Fraction(0),) * L.size
        for u, r in enumerate(L.rows):
            z = Form((), int(bias[u]))
            for j, w in r:
                z = z + forms[(l - 1, j)] * int(w)
            hi = max(row[u] for row in pres[l - 1])
            f = Form()
            for t in range(1, hi + 1):
                f = f + bld.gate(l - 1, z - (t - 1))
            forms[(l, u)] = f
        if len(bld.layers) < l - 1 or not bld.layers[l - 2]:  # every neuron of layer l is 0 on the grid
            bld.gate(l - 1, Form((), 0))  # keep the layer (and the depth) with the constant gate 1[0 > 0]
    circuit = bld.build([forms[(D - 1, u)] for u in range(net.sparse_layers[D - 2].size)])
    occurring = set()
    for k in range(domain.size):
        bits = tuple(1 if values[0][k][v] >= t else 0 for v, t in inputs)
        occurring.add(bits)
        vals = circuit.values(bits)
        for l in range(2, D):
            for u in range(net.sparse_layers[l - 1].size):
                if forms[(l, u)].value(vals) != values[l - 1][k][u]:
                    raise AssertionError(f"extract_circuit: T disagrees with N^ at layer {l} neuron {u}, point {k}")
    unary = _unary_network(net, inputs)
    block = _extraction_block(net, circuit, forms, unary)
    params = {"depth_network": D, "depth_circuit": circuit.depth, "paper_depth_circuit": "3k+1",
              "circuit_inputs": circuit.num_inputs, "circuit_size": circuit.size,
              "circuit_layer_sizes": circuit.layer_sizes, "circuit_max_weight": circuit.max_weight,
              "occurring_inputs": len(occurring), "inputs": [[v, t] for v, t in inputs],
              "circuit": circuit.to_json()}
    cert = certificate(block, domain, target, eps=eps, construction="extract_circuit", parameters=params,
                       paper=PAPER, theorem=THEOREM_EXTRACT)
    return Extraction(circuit, cert, net, tuple(inputs), forms, frozenset(occurring), domain, target, eps)


def _extraction_block(net: Network, circuit: ThresholdCircuit, forms, unary: Network) -> Block:
    """Return N^ as a block whose step l claims value(l, u) = output of M_l (T up to layer l - 1)."""
    D = net.depth
    one = Fraction(1)
    steps = []
    L1 = net.sparse_layers[0]
    steps.append(Step("unary_inputs", "layer 1 of N^: T's inputs are 1[v >= t] for its integer values v",
                      {"layer": 1}, frozenset((1, v) for v in range(L1.size)), ("x",),
                      tuple((((1, v, one),), ["max", _pre_ast(net, v), 0]) for v in range(L1.size))))
    for l in range(2, D):
        size = net.sparse_layers[l - 1].size
        live = [u for u in range(size) if forms[(l, u)].terms]
        claims = []
        if live:
            sub = _gates_of(circuit, l - 1, [forms[(l, u)].terms for u in live])
            m = sub.to_network().compose(unary).to_json()
            for o, u in enumerate(live):
                claims.append((((l, u, one),), ["network", m, o]))
        claims += [(((l, u, one),), 0) for u in range(size) if u not in live]
        claims.sort(key=lambda c: c[0][0][1])
        steps.append(Step("circuit_layer", f"layer {l} of N^ = gate layer {l - 1} of T: each neuron is the sum of "
                          f"its gates 1[z - t + 1 > 0], T evaluated on the unary code of layer 1",
                          {"layer": l, "circuit_layer": l - 1, "gates": len(circuit.layers[l - 2])},
                          frozenset((l, u) for u in range(size)), (l - 2,), tuple(claims)))
    last = net.sparse_layers[-1]
    out = [(((D, o, one),), _form_ast_v(D - 1, last.rows[o])) for o in range(last.size)]
    steps.append(Step("read_out", "the read-out of N^ (rational weights) of T's outputs", {"layer": D},
                      frozenset((D, o) for o in range(last.size)), (D - 2,), tuple(out)))
    return Block(net, tuple(steps), tuple(f"x{i}" for i in range(net.input_dim)),
                 tuple(f"y{o}" for o in range(net.output_dim)))


def _form_ast_v(layer: int, row):
    return linear_ast([(["v", layer, j], format_rational(w) if w.denominator != 1 else int(w)) for j, w in row])


# ---- splicing ----------------------------------------------------------------------------------
def _as_circuit(circuit) -> ThresholdCircuit:
    return circuit if isinstance(circuit, ThresholdCircuit) else ThresholdCircuit.from_json(circuit)


def check_equivalent(extraction: Extraction, circuit) -> int:
    """Raise ClaimError unless `circuit` has T's outputs on every input vector that occurs on the grid.

    Returns the number of input vectors compared."""
    T, T2 = extraction.circuit, _as_circuit(circuit)
    if T2.num_inputs != T.num_inputs:
        raise MalformedError(f"splice: the circuit reads {T2.num_inputs} inputs, T reads {T.num_inputs}")
    if len(T2.outputs) != len(T.outputs):
        raise MalformedError(f"splice: the circuit has {len(T2.outputs)} outputs, T has {len(T.outputs)}")
    for bits in sorted(extraction.occurring):
        want, got = T.evaluate(bits), T2.evaluate(bits)
        if want != got:
            o = next(i for i, (a, b) in enumerate(zip(want, got)) if a != b)
            ones = [f"1[v{v} >= {t}]" for (v, t), b in zip(extraction.inputs, bits) if b]
            raise ClaimError(f"splice: at the occurring input where exactly {', '.join(ones) or 'no input'} "
                             f"is 1, output {o} of the circuit is {got[o]}, T gives {want[o]}")
    return len(extraction.occurring)


def splice(result, circuit, extraction: Extraction | None = None) -> Spliced:
    """Return N^' = read-out of N^ o circuit o (layer 1 of N^, unary code), certified against N'.

    circuit (a ThresholdCircuit or its JSON object) must compute T's outputs on every input
    vector of T that occurs on the grid (checked exhaustively first: ClaimError otherwise).
    depth(N^') = depth(circuit) + 2; the error against N' is at most the same eps.
    """
    ex = extraction or extract_circuit(result)
    T2 = _as_circuit(circuit)
    compared = check_equivalent(ex, T2)
    net = ex.network
    D = net.depth
    unary = _unary_network(net, ex.inputs)
    ub = _unary_block(net, unary, ex.inputs)
    cb = circuit_block(T2, op="spliced_circuit", label=f"the spliced circuit T': {T2.size} gates in {T2.depth} layers",
                       params={"inputs": T2.num_inputs, "depth": T2.depth, "size": T2.size,
                               "layer_sizes": T2.layer_sizes})
    block = compose(cb, ub)
    prefix = net.prefix(D - 1).to_json()
    last_sid = len(block.steps) - 1
    block = add_claims(block, {last_sid: [([(block.depth, o, 1)], ["network", prefix, o])
                                          for o in range(len(T2.outputs))]})
    readout = net.sparse_layers[-1]
    matrix = [[0] * len(T2.outputs) for _ in range(readout.size)]
    for o, row in enumerate(readout.rows):
        for j, w in row:
            matrix[o][j] = w
    block = compose(linear(matrix, op="read_out", label="the read-out of N^ (rational weights) of T''s outputs"), block)
    if block.depth != T2.depth + 2:
        raise AssertionError(f"splice: depth {block.depth} != depth(T') + 2 = {T2.depth + 2}")
    params = {"depth_network": block.depth, "depth_circuit": T2.depth, "original_depth": D,
              "original_circuit_depth": ex.circuit.depth, "circuit_inputs": T2.num_inputs,
              "circuit_size": T2.size, "circuit_layer_sizes": T2.layer_sizes,
              "circuit_max_weight": T2.max_weight, "occurring_inputs_checked": compared,
              "circuit": T2.to_json()}
    cert = certificate(block, ex.domain, ex.target, eps=ex.eps, construction="splice", parameters=params,
                       paper=PAPER, theorem=THEOREM_SPLICE)
    return Spliced(block.network, cert, T2)


def _unary_block(net: Network, unary: Network, inputs) -> Block:
    """Return the unary network as a block: hidden neurons relu(pre - s), outputs 1[v >= t]."""
    L1 = net.sparse_layers[0]
    b1 = L1.bias or (Fraction(0),) * L1.size
    hidden = unary.sparse_layers[0]
    claims = []
    for i, (r, b) in enumerate(zip(hidden.rows, hidden.bias)):
        v = next(v for v in range(L1.size) if L1.rows[v] == r)
        claims.append((((1, i, 1),), ["max", _pre_ast(net, v, b1[v] - b), 0]))
    for o, (v, t) in enumerate(inputs):
        claims.append((((2, o, 1),), ["if", ["ge", _pre_ast(net, v), t], 1, 0]))
    return Block.single(unary, op="unary_inputs",
                        label="layer 1 of N^ and the unary code 1[v >= t] = relu(pre_v - t + 1) - relu(pre_v - t)",
                        params={"inputs": len(inputs)}, values=claims)


# ---- shallower circuits ------------------------------------------------------------------------
def lookup_circuit(extraction: Extraction) -> ThresholdCircuit:
    """Return a depth-1 circuit equal to T on every occurring input: one AND gate per occurring vector c,

    1[sum_{c_i = 1} x_i - sum_{c_i = 0} x_i - (|c| - 1) > 0] (1 exactly at c), outputs sum_c T(c) gate_c.
    Exactly one gate is 1 on an occurring input, so the outputs are T's there (no constant needed)."""
    T = extraction.circuit
    bld = CircuitBuilder(T.num_inputs)
    outs = [Form() for _ in T.outputs]
    for c in sorted(extraction.occurring):
        z = Form.of({(0, i): (1 if b else -1) for i, b in enumerate(c)}, -(sum(c) - 1))
        g = bld.gate(1, z)
        for o, val in enumerate(T.evaluate(c)):
            if val:
                outs[o] = outs[o] + g * val
    return bld.build(outs)



def reproduces(data: dict) -> bool:
    """Return whether an extraction certificate (a dict) is exactly what `extract_circuit` writes for its
    network, domain, target and eps: ties the circuit recorded in provenance.parameters.circuit to the
    networks the kernel evaluated in the claims (the kernel itself does not read circuits)."""

    class _Result:
        network = Network.from_json(data["network"])
        certificate = Certificate(data)

    try:
        return extract_circuit(_Result).certificate.data == data
    except (MalformedError, ClaimError):
        return False
