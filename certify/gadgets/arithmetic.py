"""Threshold arithmetic with polynomially bounded weights (docs/threshold-arithmetic.md).

The engine `add_columns` turns integer columns c_j in [0, N] into the bits of sum_j 2^j c_j with
two threshold layers whose weights depend on N only (block-save plus carry look-ahead):

* blocks of b = max(1, ceil(log2 N)) columns; B_t = sum_{j in block t} 2^(j - tb) c_j,
  A_t = B_{t-1} + 2^b B_t (one window of 2b columns), E_t = floor(A_t / 2^b) = B_t + H_{t-1},
  where B_t = L_t + 2^b H_t with 0 <= L_t < 2^b and 0 <= H_t < N;
* digit t of the sum is (E_t + k_t) mod 2^b, where k_t in {0, 1} is the carry of
  sum_t 2^(tb) D_t with D_t = L_t + H_{t-1} <= 2^(b+1) - 2;
* layer 1 computes, as sums of gates 1[F >= a] on F in {A_t, B_t}:
  G_t = 1[D_t >= 2^b] = floor(A_t / 4^b) - floor(B_t / 2^b),  P_t = 1[D_t = 2^b - 1] = 1[E_t = -1 mod 2^b],
  and bit_i(E_t), U_i = 1[E_t = 2^i - 1 mod 2^(i+1)], V_i = 1[E_t = -1 mod 2^(i+1)];
* layer 2: k_t = sum_{s<t} G_s P_{s+1} ... P_{t-1} (the terms are exclusive), so
  bit_i(E_t + k_t) = bit_i(E_t) + sum_s AND(G_s, P.., U_i) - sum_s AND(G_s, P.., V_i),
  one gate per AND and one pass gate 1[bit_i(E_t) > 0]; the read-out is linear.

Inputs of the public functions are numbers of m bits, number-major, least significant bit first
(input i*m + j is bit j of number i); outputs are bits, least significant first.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..build import Block
from ..circuit import CircuitBuilder, Form, ThresholdCircuit, ceil_log2
from ..kernel.errors import MalformedError
from .threshold import linear_ast, circuit_block


@dataclass(frozen=True)
class Column:
    """An integer column: `form` over circuit values, 0 <= value <= top, `expr` its value in x."""

    form: Form
    top: int
    expr: object


@dataclass(frozen=True)
class Arithmetic:
    """A threshold circuit with its meaning: one target AST per output, claimed forms, parameters."""

    op: str
    label: str
    params: dict
    circuit: ThresholdCircuit
    targets: tuple
    forms: tuple  # (Form over the gates of one layer, AST it equals)
    output_names: tuple[str, ...]

    input_names: tuple[str, ...]

    def block(self) -> Block:
        """Return the ReLU block with every gate, form and output claim attached."""
        return circuit_block(self.circuit, op=self.op, label=self.label, params=self.params,
                             targets=list(self.targets), forms=self.forms, input_names=self.input_names,
                             output_names=self.output_names)


def number_names(n: int, m: int) -> tuple[str, ...]:
    """Return the input names x{i}[{j}] (bit j of number i), number-major."""
    return tuple(f"x{i}[{j}]" for i in range(n) for j in range(m))


def xy_names(m: int) -> tuple[str, ...]:
    """Return the input names x[j], y[j] of two m-bit numbers."""
    return tuple(f"{v}[{j}]" for v in "xy" for j in range(m))


# ---- building blocks -----------------------------------------------------------------------
def bit_ast(e, k: int):
    """Return the AST of bit k of the integer e: floor(e / 2^k) mod 2 (two's complement for e < 0)."""
    return ["mod", e if k == 0 else ["floor", ["div", e, 2**k]], 2]


def staircase(bld: CircuitBuilder, layer: int, F: Form, top: int, step: int, g) -> Form:
    """Return a form over `layer` gates equal to g(floor(F / step)) whenever 0 <= F <= top.

    It is g(0) + sum_q (g(q) - g(q-1)) 1[F >= q step], q = 1..floor(top / step): one gate
    1[F - q step + 1 > 0] per change of g.
    """
    acc: dict = {}
    for q in range(1, top // step + 1):
        d = g(q) - g(q - 1)
        if d:
            for l, i, w in bld.gate(layer, F - (q * step - 1)).terms:
                acc[(l, i)] = acc.get((l, i), 0) + d * w
    return Form.of(acc, g(0))


def and_gate(bld: CircuitBuilder, layer: int, forms) -> Form:
    """Return the form of AND of 0/1-valued forms: 1[sum f - (k - 1) > 0] (constants folded)."""
    live = []
    for f in forms:
        if f.is_constant:
            if f.const == 0:
                return Form()
            continue
        live.append(f)
    if not live:
        raise MalformedError("and_gate: an AND of constants 1 has no gate (outputs have no constant)")
    return bld.gate(layer, sum(live, Form()) - (len(live) - 1))


def add_columns(bld: CircuitBuilder, layer: int, columns, width: int):
    """Place gates in `layer` and `layer + 1`; return (bits, claims, info).

    bits[k] is a form over layer + 1 gates equal to bit k of sum_{j < width} 2^j c_j (k < width);
    claims are (form, AST) pairs for G_t and P_t; info gives block_bits b, blocks T, column bound N.
    """
    cols = list(columns[:width]) + [Column(Form(), 0, 0)] * max(0, width - len(columns))
    N = max([1, *(c.top for c in cols)])
    b = max(1, ceil_log2(N))
    M = 2**b
    T = -(-width // b)

    def block(t):  # B_t as (form, top, expr); B_{-1} = 0
        js = range(t * b, min(t * b + b, width)) if t >= 0 else range(0)
        return (sum((2 ** (j - t * b) * cols[j].form for j in js), Form()),
                sum(2 ** (j - t * b) * cols[j].top for j in js),
                linear_ast([(cols[j].expr, 2 ** (j - t * b)) for j in js]))

    B = [block(t) for t in range(-1, T)]  # B[t + 1] is block t
    A = [(B[t][0] + M * B[t + 1][0], B[t][1] + M * B[t + 1][1]) for t in range(T)]

    def of_E(t, g):  # a function of E_t = floor(A_t / 2^b); E_0 = B_0 is read with weights 2^b smaller
        F, top = A[t] if t else B[1][:2]
        return staircase(bld, layer, F, top, M if t else 1, g)

    G, P, claims = [], [], []
    for t in range(T - 1):  # G_0 = 0 as D_0 = L_0 < 2^b
        G.append(of_E(t, lambda e: e // M) - staircase(bld, layer, B[t + 1][0], B[t + 1][1], M, lambda q: q)
                 if t else Form())
        P.append(of_E(t, lambda e: int(e % M == M - 1)))
        D = ["add", ["mod", B[t + 1][2], M], ["floor", ["div", B[t][2], M]]]
        claims += [(G[t], ["floor", ["div", D, M]]), (P[t], ["if", ["eq", D, M - 1], 1, 0])]
    bits = []
    for k in range(width):
        t, i = divmod(k, b)
        bit = of_E(t, lambda e, i=i: (e >> i) & 1)
        out = bld.gate(layer + 1, bit) if bit.terms else Form()
        if t:
            U = of_E(t, lambda e, i=i: int(e % 2 ** (i + 1) == 2**i - 1))
            V = of_E(t, lambda e, i=i: int(e % 2 ** (i + 1) == 2 ** (i + 1) - 1))
            for s in range(t):
                chain = [G[s], *P[s + 1:t]]
                out = out + and_gate(bld, layer + 1, chain + [U]) - and_gate(bld, layer + 1, chain + [V])
        bits.append(out)
    return bits, claims, {"block_bits": b, "blocks": T, "column_bound": N}


def naive_bits(bld: CircuitBuilder, layer: int, columns, width: int) -> list[Form]:
    """Return forms over `layer` gates equal to bit k of sum_j 2^j c_j, k < width, one layer deep.

    Bit k is a function of P_k = sum_{j <= k} 2^j c_j (exponential weights 2^j): the staircase of
    q -> q mod 2 in floor(P_k / 2^k)."""
    out = []
    for k in range(width):
        F = sum((2**j * c.form for j, c in enumerate(columns[:k + 1])), Form())
        top = sum(2**j * c.top for j, c in enumerate(columns[:k + 1]))
        out.append(staircase(bld, layer, F, top, 2**k, lambda q: q & 1))
    return out


def twos_width(lo: int, hi: int) -> int:
    """Return the least W >= 1 with -2^(W-1) <= lo and hi < 2^(W-1)."""
    W = 1
    while lo < -(2 ** (W - 1)) or hi >= 2 ** (W - 1):
        W += 1
    return W


def _check_int(v, where: str, low=None) -> int:
    if isinstance(v, bool) or not isinstance(v, int) or (low is not None and v < low):
        raise MalformedError(f"{where}: expected an integer{'' if low is None else f' >= {low}'}, got {v!r}")
    return v


def _coeffs(coeffs) -> list[int]:
    cs = [_check_int(c, f"coeffs[{i}]") for i, c in enumerate(coeffs)]
    if not cs:
        raise MalformedError("coeffs: at least one coefficient is required")
    return cs


def value_ast(coeffs, m: int, bias: int = 0):
    """Return the AST of sum_i c_i x_i + bias, x_i = sum_j 2^j x[i m + j]."""
    return linear_ast([(["x", i * m + j], c * 2**j) for i, c in enumerate(coeffs) for j in range(m)], bias)


def weighted_columns(coeffs, m: int, bias: int, width: int) -> list[Column]:
    """Return columns c_j >= 0 with sum_{j<width} 2^j c_j = sum_i c_i x_i + bias (mod 2^width).

    Bit k of |c_i| puts x[i m + j] in column j + k; for c_i < 0 the literal is 1 - x (as
    -2^p x = 2^p (1 - x) - 2^p), and the constant (bias - sum of those 2^p) mod 2^width adds its bits.
    """
    lits: list[list[tuple[int, int]]] = [[] for _ in range(width)]  # (input, sign)
    K = 0
    for i, c in enumerate(coeffs):
        for k in range(abs(c).bit_length()):
            if abs(c) >> k & 1:
                for j in range(m):
                    if j + k < width:
                        lits[j + k].append((i * m + j, 1 if c > 0 else -1))
                        K += 0 if c > 0 else 2 ** (j + k)
    C = (bias - K) % 2**width
    cols = []
    for j in range(width):
        neg = sum(1 for _, s in lits[j] if s < 0)
        const = neg + (C >> j & 1)
        form = Form.of({(0, x): s for x, s in lits[j]}, const)
        cols.append(Column(form, len(lits[j]) + (C >> j & 1), linear_ast([(["x", x], s) for x, s in lits[j]], const)))
    return cols


def _range(coeffs, m: int, bias: int) -> tuple[int, int]:
    top = 2**m - 1
    return (sum(c for c in coeffs if c < 0) * top + bias, sum(c for c in coeffs if c > 0) * top + bias)


# ---- the constructions ---------------------------------------------------------------------
def iterated_addition_circuit(n: int, m: int) -> Arithmetic:
    """Return the depth-2 circuit of the m + ceil(log2 n) bits of x_0 + ... + x_{n-1} (m-bit x_i)."""
    _check_int(n, "iterated_addition n", 1)
    _check_int(m, "iterated_addition m", 1)
    width = m + ceil_log2(n)
    cols = weighted_columns([1] * n, m, 0, width)
    bld = CircuitBuilder(n * m)
    bits, claims, info = add_columns(bld, 1, cols, width)
    S = value_ast([1] * n, m)
    return Arithmetic("iterated_addition", f"sum of {n} numbers of {m} bits: block-save carry look-ahead",
                      {"n": n, "m": m, **info}, bld.build(bits), tuple(bit_ast(S, k) for k in range(width)),
                      tuple(claims), tuple(f"s{k}" for k in range(width)), number_names(n, m))


def weighted_sum_circuit(coeffs, m: int, bias: int = 0) -> Arithmetic:
    """Return the depth-2 circuit of S = sum c_i x_i + bias in two's complement (W bits, LSB first)."""
    cs = _coeffs(coeffs)
    _check_int(m, "weighted_sum_bits m", 1)
    _check_int(bias, "bias")
    lo, hi = _range(cs, m, bias)
    width = twos_width(lo, hi)
    bld = CircuitBuilder(len(cs) * m)
    bits, claims, info = add_columns(bld, 1, weighted_columns(cs, m, bias, width), width)
    S = value_ast(cs, m, bias)
    return Arithmetic("weighted_sum_bits", f"two's complement of sum c_i x_i + {bias} ({width} bits)",
                      {"coeffs": cs, "m": m, "bias": bias, "width": width, **info}, bld.build(bits),
                      tuple(bit_ast(S, k) for k in range(width)), tuple(claims),
                      tuple(f"s{k}" for k in range(width)), number_names(len(cs), m))


def relu_of_sum_circuit(coeffs, bias: int, m: int) -> Arithmetic:
    """Return the depth-3 circuit of the bits of max(0, sum c_i x_i + bias).

    Layers 1-2 give the two's complement bits of T = S + bias; layer 3 has 1[bit_k(T) - sign(T) > 0]."""
    cs = _coeffs(coeffs)
    _check_int(m, "relu_of_sum m", 1)
    _check_int(bias, "bias")
    lo, hi = _range(cs, m, bias)
    width = twos_width(lo, hi)
    out_bits = max(1, max(hi, 0).bit_length())
    bld = CircuitBuilder(len(cs) * m)
    bits, claims, info = add_columns(bld, 1, weighted_columns(cs, m, bias, width), width)
    outs = [bld.gate(3, bits[k] - bits[width - 1]) for k in range(out_bits)]
    S = value_ast(cs, m, bias)
    R = ["max", S, 0]
    claims = list(claims) + [(bits[k], bit_ast(S, k)) for k in range(width) if bits[k].terms]
    return Arithmetic("relu_of_sum", f"bits of max(0, sum c_i x_i + {bias}) ({out_bits} bits)",
                      {"coeffs": cs, "m": m, "bias": bias, "width": width, "out_bits": out_bits, **info},
                      bld.build(outs), tuple(bit_ast(R, k) for k in range(out_bits)), tuple(claims),
                      tuple(f"r{k}" for k in range(out_bits)), number_names(len(cs), m))


def compare_circuit(m: int) -> Arithmetic:
    """Return the depth-2 circuit of 1[x > y] for m-bit x (inputs 0..m-1) and y (inputs m..2m-1).

    gt_j = 1[x_j - y_j > 0], lt_j = 1[y_j - x_j > 0]; x > y iff for some j, gt_j and no
    difference above j: term_j = 1[gt_j - sum_{s > j} (gt_s + lt_s) > 0]; the terms are exclusive
    and the output is their sum. Every weight is +-1 and every bias 0."""
    _check_int(m, "compare m", 1)
    bld = CircuitBuilder(2 * m)
    x, y = [bld.input(j) for j in range(m)], [bld.input(m + j) for j in range(m)]
    gt = [bld.gate(1, x[j] - y[j]) for j in range(m)]
    lt = [bld.gate(1, y[j] - x[j]) for j in range(m)]
    terms = [bld.gate(2, gt[j] - sum((gt[s] + lt[s] for s in range(j + 1, m)), Form())) for j in range(m)]
    X, Y = value_ast([1, 0], m), value_ast([0, 1], m)
    return Arithmetic("compare", f"1[x > y] for {m}-bit x, y", {"m": m}, bld.build([sum(terms, Form())]),
                      (["if", ["gt", X, Y], 1, 0],), (), ("gt",), xy_names(m))


def _products(bld: CircuitBuilder, m: int) -> list[Column]:
    cols = []
    for k in range(2 * m - 1):
        pairs = [(i, k - i) for i in range(max(0, k - m + 1), min(k, m - 1) + 1)]
        gates = [bld.gate(1, bld.input(i) + bld.input(m + j) - 1) for i, j in pairs]
        cols.append(Column(sum(gates, Form()), len(pairs),
                           linear_ast([(["mul", ["x", i], ["x", m + j]], 1) for i, j in pairs])))
    return cols


def multiply_circuit(m: int) -> Arithmetic:
    """Return the depth-3 circuit of the 2m bits of x * y (layer 1: x_i AND y_j; layers 2-3: add_columns)."""
    _check_int(m, "multiply m", 1)
    bld = CircuitBuilder(2 * m)
    bits, claims, info = add_columns(bld, 2, _products(bld, m), 2 * m)
    X, Y = value_ast([1, 0], m), value_ast([0, 1], m)
    return Arithmetic("multiply", f"product of two {m}-bit numbers", {"m": m, **info}, bld.build(bits),
                      tuple(bit_ast(["mul", X, Y], k) for k in range(2 * m)), tuple(claims),
                      tuple(f"p{k}" for k in range(2 * m)), xy_names(m))


# ---- the naive versions (exponential weights), for comparison ------------------------------
def naive_iterated_addition_circuit(n: int, m: int) -> Arithmetic:
    """Return the depth-1 circuit: bit k is a staircase of sum_{j<=k} 2^j c_j (weights 2^j)."""
    _check_int(n, "naive_iterated_addition n", 1)
    _check_int(m, "naive_iterated_addition m", 1)
    width = m + ceil_log2(n)
    bld = CircuitBuilder(n * m)
    bits = naive_bits(bld, 1, weighted_columns([1] * n, m, 0, width), width)
    S = value_ast([1] * n, m)
    return Arithmetic("naive_iterated_addition", f"sum of {n} numbers of {m} bits, exponential weights",
                      {"n": n, "m": m}, bld.build(bits), tuple(bit_ast(S, k) for k in range(width)), (),
                      tuple(f"s{k}" for k in range(width)), number_names(n, m))


def naive_weighted_sum_circuit(coeffs, m: int, bias: int = 0) -> Arithmetic:
    """Return the depth-1 circuit of the two's complement bits of sum c_i x_i + bias (exponential weights)."""
    cs = _coeffs(coeffs)
    _check_int(m, "naive_weighted_sum_bits m", 1)
    _check_int(bias, "bias")
    lo, hi = _range(cs, m, bias)
    width = twos_width(lo, hi)
    bld = CircuitBuilder(len(cs) * m)
    bits = naive_bits(bld, 1, weighted_columns(cs, m, bias, width), width)
    S = value_ast(cs, m, bias)
    return Arithmetic("naive_weighted_sum_bits", f"two's complement of sum c_i x_i + {bias}, exponential weights",
                      {"coeffs": cs, "m": m, "bias": bias, "width": width}, bld.build(bits),
                      tuple(bit_ast(S, k) for k in range(width)), (), tuple(f"s{k}" for k in range(width)),
                      number_names(len(cs), m))


def naive_relu_of_sum_circuit(coeffs, bias: int, m: int) -> Arithmetic:
    """Return the depth-2 circuit: naive two's complement bits, then 1[bit_k - sign > 0]."""
    cs = _coeffs(coeffs)
    _check_int(m, "naive_relu_of_sum m", 1)
    _check_int(bias, "bias")
    lo, hi = _range(cs, m, bias)
    width = twos_width(lo, hi)
    out_bits = max(1, max(hi, 0).bit_length())
    bld = CircuitBuilder(len(cs) * m)
    bits = naive_bits(bld, 1, weighted_columns(cs, m, bias, width), width)
    outs = [bld.gate(2, bits[k] - bits[width - 1]) for k in range(out_bits)]
    R = ["max", value_ast(cs, m, bias), 0]
    return Arithmetic("naive_relu_of_sum", f"bits of max(0, sum c_i x_i + {bias}), exponential weights",
                      {"coeffs": cs, "m": m, "bias": bias, "width": width}, bld.build(outs),
                      tuple(bit_ast(R, k) for k in range(out_bits)), (), tuple(f"r{k}" for k in range(out_bits)),
                      number_names(len(cs), m))


def naive_compare_circuit(m: int) -> Arithmetic:
    """Return the single gate 1[sum_j 2^j (x_j - y_j) > 0] (weights up to 2^(m-1))."""
    _check_int(m, "naive_compare m", 1)
    bld = CircuitBuilder(2 * m)
    g = bld.gate(1, sum((2**j * (bld.input(j) - bld.input(m + j)) for j in range(m)), Form()))
    X, Y = value_ast([1, 0], m), value_ast([0, 1], m)
    return Arithmetic("naive_compare", f"1[x > y] for {m}-bit x, y, one gate", {"m": m}, bld.build([g]),
                      (["if", ["gt", X, Y], 1, 0],), (), ("gt",), xy_names(m))


def naive_multiply_circuit(m: int) -> Arithmetic:
    """Return the depth-2 circuit: x_i AND y_j, then naive bits of sum_k 2^k (column k)."""
    _check_int(m, "naive_multiply m", 1)
    bld = CircuitBuilder(2 * m)
    bits = naive_bits(bld, 2, _products(bld, m), 2 * m)
    X, Y = value_ast([1, 0], m), value_ast([0, 1], m)
    return Arithmetic("naive_multiply", f"product of two {m}-bit numbers, exponential weights", {"m": m},
                      bld.build(bits), tuple(bit_ast(["mul", X, Y], k) for k in range(2 * m)), (),
                      tuple(f"p{k}" for k in range(2 * m)), xy_names(m))


# ---- blocks ----------------------------------------------------------------------------------
def iterated_addition(n: int, m: int) -> Block:
    """Return the ReLU block (depth 3) of the bits of the sum of n m-bit numbers."""
    return iterated_addition_circuit(n, m).block()


def weighted_sum_bits(coeffs, m: int, bias: int = 0) -> Block:
    """Return the ReLU block (depth 3) of sum c_i x_i + bias in two's complement."""
    return weighted_sum_circuit(coeffs, m, bias).block()


def relu_of_sum(coeffs, bias: int, m: int) -> Block:
    """Return the ReLU block (depth 4) of the bits of max(0, sum c_i x_i + bias)."""
    return relu_of_sum_circuit(coeffs, bias, m).block()


def compare(m: int) -> Block:
    """Return the ReLU block (depth 3, weights +-1, biases 0) of 1[x > y]."""
    return compare_circuit(m).block()


def multiply(m: int) -> Block:
    """Return the ReLU block (depth 4) of the 2m bits of x * y."""
    return multiply_circuit(m).block()


def naive_iterated_addition(n: int, m: int) -> Block:
    """Return the ReLU block (depth 2, exponential weights) of the sum of n m-bit numbers."""
    return naive_iterated_addition_circuit(n, m).block()


def naive_weighted_sum_bits(coeffs, m: int, bias: int = 0) -> Block:
    """Return the ReLU block (depth 2, exponential weights) of sum c_i x_i + bias in two's complement."""
    return naive_weighted_sum_circuit(coeffs, m, bias).block()


def naive_relu_of_sum(coeffs, bias: int, m: int) -> Block:
    """Return the ReLU block (depth 3, exponential weights) of the bits of max(0, sum c_i x_i + bias)."""
    return naive_relu_of_sum_circuit(coeffs, bias, m).block()


def naive_compare(m: int) -> Block:
    """Return the ReLU block (depth 2, weights up to 2^(m-1)) of 1[x > y]."""
    return naive_compare_circuit(m).block()


def naive_multiply(m: int) -> Block:
    """Return the ReLU block (depth 3, exponential weights) of the bits of x * y."""
    return naive_multiply_circuit(m).block()
