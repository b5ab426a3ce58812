"""Threshold gates and threshold circuits as ReLU blocks (docs/circuits.md).

A threshold gate 1[w.x + b > 0] with integer w, b is relu(z) - relu(z - 1) on integer inputs
(z = w.x + b is then an integer). A circuit of D gate layers becomes a ReLU network of depth
D + 1: its gates are ReLU pairs, the next layer reads their difference, and the outputs are a
linear read-out (`ThresholdCircuit.to_network`). Every block records, for every gate, the claim
"these neurons equal 1[z > 0]" with z written over the previous layer's neurons, and, for every
output, what it equals as a function of the input.
"""

from __future__ import annotations

from ..build import Block
from ..circuit import CircuitBuilder, Form, ThresholdCircuit
from ..kernel.errors import MalformedError
from ..network import Network


def linear_ast(pairs, const: int = 0):
    """Return the AST of sum c * atom + const for (atom AST, c) pairs (0 when empty)."""
    parts = [atom if c == 1 else ["mul", c, atom] for atom, c in pairs if c]
    if const:
        parts.append(const)
    if not parts:
        return 0
    return parts[0] if len(parts) == 1 else ["add", *parts]


def _gate_claims(compiled) -> list:
    """Return [(terms, 1[z > 0] AST)] for every gate, z over the previous network layer.

    Gates of one family share their row, so its AST is built once and shared."""
    out, rows = [], {}
    for (l, i), neurons in sorted(compiled.gate_neurons.items()):
        row, bias = compiled.gate_rows[(l, i)]
        if (l, id(row)) not in rows:
            atom = (lambda j: ["x", j]) if l == 1 else (lambda j, l=l: ["v", l - 1, j])
            rows[(l, id(row))] = (row, linear_ast([(atom(j), w) for j, w in row]))
        lin = rows[(l, id(row))][1]
        z = lin if not bias else bias if lin == 0 else ["add", lin, bias]
        out.append((neurons, ["if", ["gt", z, 0], 1, 0]))
    return out


def circuit_block(circuit: ThresholdCircuit, *, op: str, label: str, params=None, targets=None,
                  forms=(), input_names=None, output_names=None) -> Block:
    """Return the one-step block of the circuit's ReLU network.

    Claims: every gate's neurons equal 1[z > 0]; each (Form over gates of one layer, AST) in
    `forms` holds (the form's constant is moved to the right-hand side); output o equals
    targets[o] when targets are given.
    """
    compiled = circuit.compile()
    values = _gate_claims(compiled)
    for form, expr in forms:
        terms = compiled.form_terms(form)
        if terms:
            values.append((terms, expr if not form.const else ["sub", expr, form.const]))
    if targets is not None:
        if len(targets) != len(circuit.outputs):
            raise MalformedError(f"{op}: {len(targets)} targets for {len(circuit.outputs)} outputs")
        depth = compiled.network.depth
        values.extend((((depth, o, 1),), t) for o, t in enumerate(targets))
    return Block.single(compiled.network, op=op, label=label, params=params, values=values,
                        input_names=input_names, output_names=output_names)


def threshold_gate(weights, bias) -> Block:
    """Return the depth-2 block of 1[w.x + b > 0] on integer inputs: relu(z) - relu(z-1).

    Weights and bias must be integers. The output is exact wherever z = w.x + b is an integer,
    in particular on every integer point (not only on {0,1}^n); width 2, max weight
    max(|w_i|, |b|, |b - 1|, 1).
    """
    ws = [_integer(w, f"threshold_gate weight {k}") for k, w in enumerate(weights)]
    b = _integer(bias, "threshold_gate bias")
    if not ws:
        raise MalformedError("threshold_gate weights: at least one input is required")
    network = Network.from_layers([([ws, ws], [b, b - 1]), ([[1, -1]], None)])
    zx = linear_ast([(["x", j], w) for j, w in enumerate(ws)], b)
    return Block.single(network, op="threshold_gate", label=f"1[w.x + {b} > 0] = relu(z) - relu(z - 1)",
                        params={"weights": ws, "bias": b},
                        values=[(((1, 0, 1),), ["max", zx, 0]), (((1, 1, 1),), ["max", ["sub", zx, 1], 0]),
                                (((2, 0, 1),), ["if", ["gt", zx, 0], 1, 0])])


def _integer(v, where: str) -> int:
    if isinstance(v, bool) or not isinstance(v, int):
        raise MalformedError(f"{where}: expected an integer, got {type(v).__name__} {str(v)[:40]}")
    return v


def threshold_circuit(circuit_or_json) -> Block:
    """Return the block of a ThresholdCircuit (or its JSON object): depth = circuit depth + 1."""
    c = circuit_or_json if isinstance(circuit_or_json, ThresholdCircuit) else ThresholdCircuit.from_json(circuit_or_json)
    return circuit_block(c, op="threshold_circuit", label=f"threshold circuit: {c.size} gates in {c.depth} layers",
                         params={"inputs": c.num_inputs, "depth": c.depth, "size": c.size,
                                 "layer_sizes": c.layer_sizes})


def parity_circuit(n: int) -> ThresholdCircuit:
    """Return the one-layer circuit of x_1 xor ... xor x_n: gates 1[s >= k], output their alternating sum."""
    _positive(n, "parity n")
    bld = CircuitBuilder(n)
    s = sum((bld.input(i) for i in range(n)), Form())
    out = sum(((-1) ** (k + 1) * bld.gate(1, s - (k - 1)) for k in range(1, n + 1)), Form())
    return bld.build([out])


def parity(n: int) -> Block:
    """Return the parity of n bits on {0,1}^n: ReLU depth 2 (one threshold layer, linear read-out).

    Gate k is 1[s >= k] = relu(s-k+1) - relu(s-k), s = sum x; neighbouring gates share a ReLU, and
    relu(s - n) = 0 on the cube, so the hidden layer is relu(s - j), j = 0..n-1: width n, weights
    1 into it, read-out weights 1, -2, +2, ..., biases up to n - 1.
    """
    c = parity_circuit(n)
    return circuit_block(c, op="parity", label=f"parity of {n} bits: alternating sum of 1[sum x >= k]",
                         params={"n": n}, targets=[["parity"]])


def inner_product_mod2_circuit(n: int) -> ThresholdCircuit:
    """Return the two-layer circuit of sum_i x_i y_i mod 2 (inputs x_0..x_{n-1}, y_0..y_{n-1})."""
    _positive(n, "inner_product_mod2 n")
    bld = CircuitBuilder(2 * n)
    ands = [bld.gate(1, bld.input(i) + bld.input(n + i) - 1) for i in range(n)]
    s = sum(ands, Form())
    out = sum(((-1) ** (k + 1) * bld.gate(2, s - (k - 1)) for k in range(1, n + 1)), Form())
    return bld.build([out])


def inner_product_mod2(n: int) -> Block:
    """Return IP(x, y) = sum x_i y_i mod 2 on {0,1}^(2n): ReLU depth 3.

    Layer 1: a_i = relu(x_i + y_i - 1) = x_i AND y_i (one ReLU: z <= 1); layer 2: the parity of the
    a_i as in `parity` (width n); linear read-out. Max weight max(2, n - 1).
    """
    c = inner_product_mod2_circuit(n)
    return circuit_block(c, op="inner_product_mod2", label=f"inner product mod 2 of two {n}-bit vectors",
                         params={"n": n}, targets=[["ip_mod2"]])


def _positive(n, where: str) -> None:
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise MalformedError(f"{where}: expected an integer >= 1, got {n!r}")
