"""Vardi & Shamir, Theorem 3.2 on the grid (section 4.1.1): small weights, depth 3k + 3.

`small_weights(net, R, p, eps)` turns a depth-k paper-form network N' with arbitrary rational
weights into a network N^ with |N^(x) - N'(x)| <= eps on every point of I^d, depth 3k + 3 and
weights bounded by a polynomial (docs/small-weights.md). The construction:

1. rationalise: N'' with weights in Q_t and |N'' - N'| <= err on I^d (rationalise.py);
2. binarise the input: u_i = p x_i + Rp in [0, 2Rp] as bits (the `bits` gadget, layer 2);
3. simulate N'' exactly in integers. Layer 1: Z_1 = (q_1 W_1) u + q_1 (p b_1 - Rp W_1 1) = S_1 z_1
   with S_1 = p q_1; layer l: Z_l = (q_l W_l) H_{l-1} + S_{l-1} q_l b_l = S_l z_l, S_l = S_{l-1} q_l,
   H_l = relu(Z_l) = S_l h_l (q_l clears the denominators). Each neuron is a `relu_of_sum` block
   (3 threshold layers) reading the live bits of the layer below; the output layer
   Y = (q_k W_k) H_{k-1} = S_k y is a `weighted_sum_bits` block (2 threshold layers);
4. read out y ~ (sum_{b0 <= b < L} 2^b s_b - 2^L s_L) / S_k from the two's complement bits of Y,
   L = bitlength(max |Y| on the grid), dropping the 2^b0 - 1 <= (eps - err) S_k below.

Depth 2 + 3(k - 1) + 2 + 1 = 3k + 2; `pad=True` (the default) adds one ReLU layer copying the
read-out bits (they are 0/1) to land on the paper's 3k + 3. Bit widths are exact: the grid
is evaluated, bits that are 0 on the whole grid are not built, and a neuron constant on the
grid is folded into the next layer's bias.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, replace
from fractions import Fraction

import numpy as np

from ..build import Block, Step, compose, linear, parallel
from ..certificate import Certificate, certificate
from ..domain import Grid
from ..gadgets.arithmetic import relu_of_sum, weighted_sum_bits
from ..gadgets.bits import bit_expr, bits
from ..gadgets.claims import add_claims
from ..kernel.errors import MalformedError
from ..kernel.numbers import format_rational, parse_rational
from ..network import Layer, Network, exact_float
from .rationalise import Rationalised, rationalise

PAPER = "Vardi, Shamir: Neural Networks with Small Weights and Depth-Separation Barriers (NeurIPS 2020)"
THEOREM = ("Theorem 3.2 (discrete inputs), section 4.1.1: a depth-k network N' becomes a depth-(3k+3) "
           "network with poly-bounded weights and |N^ - N'| <= eps on I^d")
WEIGHT_POLYNOMIAL = "max(p, 2, R*p, 4*N^3, beta + mu + bitlength(w + 1) + 2, 2*B), N = 1 + w*min(beta, mu)"


@dataclass(frozen=True)
class IntLayer:
    """Layer l of N'' in integers: Z = coeffs . H_{l-1} + bias = scale * z_l at every grid point.

    `low`/`top` are the min/max over the grid of H_l = relu(Z) per neuron (of Z for the output)."""

    q: int
    scale: int
    coeffs: tuple[tuple[int, ...], ...]
    bias: tuple[int, ...]
    low: tuple[int, ...]
    top: tuple[int, ...]

    def bit_widths(self) -> tuple[int, ...]:
        """Return the number of bits of each neuron on the grid (0 for a neuron constant on it)."""
        return tuple(0 if lo == hi else hi.bit_length() for lo, hi in zip(self.low, self.top))


@dataclass(frozen=True)
class SmallWeights:
    """The result: N^, its certificate, N'' and the integer simulation it runs."""

    network: Network
    certificate: Certificate
    rationalised: Rationalised
    layers: tuple[IntLayer, ...]
    readout_shift: tuple[int, ...]
    weight_bound: int
    stats: dict


# ---- the integer simulation of N'' on the grid ---------------------------------------------
def integer_layers(net: Network, grid: Grid) -> tuple[IntLayer, ...]:
    """Return the exact integer recursion of net on the grid (module docstring, item 3)."""
    nums, _ = grid.chunk(0, grid.size)
    H = nums.astype(object) + grid.Rp  # u = p x + Rp
    S, out = grid.p, []
    for l, L in enumerate(net.sparse_layers, 1):
        W = L.dense()
        b = L.bias or (Fraction(0),) * L.size
        if l == 1:
            shifted = [grid.p * b[i] - grid.Rp * sum(W[i]) for i in range(L.size)]
        else:
            shifted = [S * b[i] for i in range(L.size)]
        q = math.lcm(1, *(w.denominator for r in W for w in r), *(v.denominator for v in shifted))
        C = tuple(tuple(int(w * q) for w in r) for r in W)
        beta = tuple(int(v * q) for v in shifted)
        S *= q
        Z = H @ np.array(C, dtype=object).T + np.array(beta, dtype=object)
        H = Z if l == net.depth else np.maximum(Z, 0)
        out.append(IntLayer(q, S, C, beta, tuple(int(v) for v in H.min(axis=0)), tuple(int(v) for v in H.max(axis=0))))
    return tuple(out)


def truncated(net: Network, l: int) -> Network:
    """Return N_{<=l}: layers 1..l of net (ReLU) and an identity read-out of layer l (depth l + 1)."""
    n = net.sparse_layers[l - 1].size
    ident = Layer(n, tuple(((i, Fraction(1)),) for i in range(n)), None)
    return Network(net.input_dim, net.sparse_layers[:l] + (ident,), "paper")


def _owner(block: Block, neuron) -> int:
    """Return the index of the step owning a neuron (layer, index)."""
    return next(sid for sid, s in enumerate(block.steps) if neuron in s.neurons)


# ---- the construction ------------------------------------------------------------------------
def _live(widths) -> list[tuple[int, int]]:
    """Return the (neuron, bit) pairs of the bits fed forward, neuron-major, LSB first."""
    return [(j, b) for j, m in enumerate(widths) for b in range(m)]


def _flat(coeffs, consts, live, bias) -> tuple[list[int], int]:
    """Return the per-bit coefficients c_j 2^b over the live bits and the bias with constants folded."""
    return [coeffs[j] << b for j, b in live], bias + sum(c * k for c, k in zip(coeffs, consts) if k)


def _select(live, out_index, n_out) -> Block:
    """Return the depth-1 block picking the live bits (rows) out of the previous outputs."""
    rows = [[1 if c == out_index[jb] else 0 for c in range(n_out)] for jb in live]
    return linear(rows, op="select_bits", label=f"feed {len(live)} live bits forward (the others are 0 on the grid)")


def _bare(block: Block) -> Block:
    """Return the block without its steps' value claims."""
    return Block(block.network, tuple(replace(s, values=()) for s in block.steps), block.input_names,
                 block.output_names)


def _layer_block(flats, relu: bool, gadget_claims: bool) -> tuple[Block, list[int]]:
    """Return the gadgets side by side (relu_of_sum if hidden, weighted_sum_bits for the output)
    and the number of outputs of each; without the gadgets' own claims unless gadget_claims."""
    blocks = [relu_of_sum(c, b, 1) if relu else weighted_sum_bits(c, 1, b) for c, b in flats]
    blocks = blocks if gadget_claims else [_bare(g) for g in blocks]
    counts = [g.network.output_dim for g in blocks]
    if len(blocks) == 1:
        return blocks[0], counts
    return parallel(*blocks, nonneg=[[True] * n for n in counts]), counts


def _relabel(block: Block, first: int, labels) -> Block:
    """Return the block with steps first, first + 1, ... relabelled: labels are (label, extra params)."""
    steps = list(block.steps)
    for k, (label, params) in enumerate(labels):
        steps[first + k] = replace(steps[first + k], label=label, params={**steps[first + k].params, **params})
    return Block(block.network, tuple(steps), block.input_names, block.output_names)


def _claim_bits(block: Block, offsets, counts, values) -> Block:
    """Return the block with claims: output offsets[n] + b equals bit b of the expression values[n]."""
    depth, extra = block.depth, {}
    for off, count, expr in zip(offsets, counts, values):
        for b in range(count):
            neuron = (depth, off + b)
            extra.setdefault(_owner(block, neuron), []).append(([(depth, off + b, 1)], bit_expr(b, expr)))
    return add_claims(block, extra)


def _input_bits(grid: Grid, d: int) -> Block:
    """Return the bits of u_i = p x_i + Rp for every coordinate, side by side."""
    blocks = [bits(grid.R, grid.p, input_dim=d, coord=i) for i in range(d)]
    if d == 1:
        return blocks[0]
    return parallel(*blocks, nonneg=[[True] * b.network.output_dim for b in blocks])


def simulate(net: Network, grid: Grid, layers, gadget_claims: bool = False) -> tuple[Block, list[int]]:
    """Return the block whose outputs are the two's complement bits of Y_o = S_k N''(x)_o (steps 2-3),
    and the index of the first bit of each output."""
    k, d = net.depth, net.input_dim
    L0 = (2 * grid.Rp).bit_length()
    block = _input_bits(grid, d)
    widths, consts = [L0] * d, [0] * d  # the numbers fed forward: live bits, value if constant
    out_index = {(i, b): i * L0 + b for i in range(d) for b in range(L0)}
    for l, lay in enumerate(layers, 1):
        relu, live = l < k, _live(widths)
        neurons = [j for j in range(len(lay.coeffs)) if not relu or lay.low[j] != lay.top[j]]
        flats = [_flat(lay.coeffs[j], consts, live, lay.bias[j]) for j in neurons]
        dead = [j for j, (c, _) in zip(neurons, flats) if not any(c)]
        if not neurons or dead:
            raise MalformedError(f"network layer {l}: {'output ' + str(dead[0]) if dead else 'every neuron'} "
                                 "is constant on the grid; there is nothing to simulate")
        inner = compose(_select(live, out_index, block.network.output_dim), block)
        layer, counts = _layer_block(flats, relu, gadget_claims)
        block = compose(layer, inner)
        kind = "bits of max(0, Z)" if relu else "two's complement bits of Z"
        block = _relabel(block, len(inner.steps), [
            (f"layer {l} of N'', {'neuron' if relu else 'output'} {j}: {kind}, Z = {lay.scale} * z_{l},{j}(x)",
             {"nn_layer": l, "nn_neuron": j, "scale": lay.scale}) for j in neurons])
        offsets = [sum(counts[:n]) for n in range(len(counts))]
        if relu:
            h = truncated(net, l).to_json()
            block = _claim_bits(block, offsets, counts, [["mul", lay.scale, ["network", h, j]] for j in neurons])
            widths = [m if j in neurons else 0 for j, m in enumerate(lay.bit_widths())]
            consts = [0 if j in neurons else lay.top[j] for j in range(len(lay.coeffs))]
            out_index = {(j, b): off + b for j, off in zip(neurons, offsets) for b in range(widths[j])}
        else:
            y = net.to_json()
            block = _claim_bits(block, offsets, counts, [["mul", lay.scale, ["network", y, o]] for o in neurons])
    return block, offsets


def readout_shift(lay: IntLayer, eps: Fraction) -> list[int]:
    """Return b0 per output: the most low bits whose sum (2^b0 - 1) / S_k stays <= eps, at most L."""
    keep = math.floor(eps * lay.scale + 1).bit_length() - 1  # floor(log2(eps S_k + 1))
    return [min(keep, max(abs(lo), abs(hi)).bit_length()) for lo, hi in zip(lay.low, lay.top)]


def read_out(block: Block, net: Network, lay: IntLayer, offsets, eps: Fraction, pad: bool) -> tuple[Block, list[int]]:
    """Return N^ = the read-out (step 4) of the output bits, and b0 per output."""
    shifts, picked, weights = readout_shift(lay, eps), [], []
    for o, (b0, off) in enumerate(zip(shifts, offsets)):
        L = max(abs(lay.low[o]), abs(lay.top[o])).bit_length()
        for b in range(b0, L + 1):
            picked.append((o, off + b))
            weights.append(Fraction(2**b if b < L else -(2**L), lay.scale))
    m = block.network.output_dim
    if pad:
        sel = linear([[1 if c == col else 0 for c in range(m)] for _, col in picked], op="select_bits",
                     label=f"keep the {len(picked)} bits between eps and the bound")
        block = compose(sel, block).pad(block.depth + 1, nonneg=[True] * len(picked))
        cols = list(range(len(picked)))
        m = len(picked)
    else:
        cols = [col for _, col in picked]
    matrix = [[0] * m for _ in range(net.output_dim)]
    for (o, _), c, w in zip(picked, cols, weights):
        matrix[o][c] = w
    ro = linear(matrix, op="read_out", label="binary to real: sum 2^b s_b / S_k over the kept bits")
    block = compose(ro, block)
    y = net.to_json()
    claims = [([(block.depth, o, 1)], ["div", ["mul", 2**b0, ["floor", ["div", ["mul", lay.scale, ["network", y, o]],
                                                                            2**b0]]], lay.scale])
              for o, b0 in enumerate(shifts)]
    return add_claims(block, {len(block.steps) - 1: claims}), shifts


# ---- the weight polynomial -----------------------------------------------------------------
def weight_bound(grid: Grid, layers, width: int, B: Fraction) -> dict:
    """Return the polynomial bound on every weight and bias of N^ and its ingredients.

    w = max(d, hidden width of N''); beta = the largest bit length of an integer coefficient or bias
    of the recursion; mu = the largest bit width of a number fed to a layer (input: bitlength(2Rp));
    N = 1 + w min(beta, mu) bounds every column of the iterated additions, whose weights are
    < max(4 N^3, W + 1) with W <= beta + mu + bitlength(w + 1) + 1 the two's complement width;
    the input bits have max(p, 2, Rp); the read-out 2^b / S_k <= 2 B with B = max |N''| on the grid.
    """
    beta = max(abs(v).bit_length() for lay in layers for v in (*(c for r in lay.coeffs for c in r), *lay.bias))
    mu = max([(2 * grid.Rp).bit_length(), *(lay.top[j].bit_length() for lay in layers[:-1] for j in range(len(lay.top)))])
    w = max(grid.d, width)
    N = 1 + w * min(beta, mu)
    terms = {"bits": max(grid.p, 2, grid.Rp), "columns": 4 * N**3, "and_fan_in": beta + mu + (w + 1).bit_length() + 2,
             "read_out": math.ceil(2 * B)}
    return {"bound": max(terms.values()), "w": w, "beta": beta, "mu": mu, "N": N, "terms": terms}


# ---- the theorem -----------------------------------------------------------------------------
def _rational(v, where: str) -> Fraction:
    return exact_float(v) if isinstance(v, float) else parse_rational(v, where)


def _prepend(block: Block, step: Step) -> Block:
    """Return the block with `step` first (later steps' inputs renumbered)."""
    shifted = [replace(s, inputs=tuple(i if i == "x" else i + 1 for i in s.inputs)) for s in block.steps]
    return Block(block.network, (step, *shifted), block.input_names, block.output_names)


def small_weights(net: Network, R, p: int, eps, *, rationalise_method: str = "auto", pad: bool = True,
                  gadget_claims: bool = False, construction: str = "small_weights") -> SmallWeights:
    """Return N^ (|N^ - net| <= eps on I^d, depth 3k + 3, polynomial weights) and its certificate.

    net is N' in paper form; R > 0 and p >= 1 with Rp an integer define I = {j/p : |j| <= Rp};
    eps > 0. rationalise_method is "auto", "exact" (N'' = N'), "round" or "lp" (rationalise.py); the
    non-exact routes spend eps/2 on |N'' - N'| and the read-out spends what is left.
    pad=False returns the depth-(3k + 2) network.
    """
    if not isinstance(net, Network) or net.form != "paper":
        raise MalformedError("small_weights net: expected a paper-form certify.Network")
    eps = _rational(eps, "small_weights eps")
    if eps <= 0:
        raise MalformedError(f"small_weights eps: must be > 0, got {eps}")
    grid = Grid(net.input_dim, _rational(R, "small_weights R"), p)
    started = time.perf_counter()
    rat = rationalise(net, grid, eps / 2, rationalise_method)
    n2 = rat.network
    layers = integer_layers(n2, grid)
    block, offsets = simulate(n2, grid, layers, gadget_claims)
    block, shifts = read_out(block, n2, layers[-1], offsets, eps - rat.error, pad)
    Y = layers[-1]
    B = Fraction(max(max(abs(lo), abs(hi)) for lo, hi in zip(Y.low, Y.top)), Y.scale)
    wb = weight_bound(grid, layers, max(n2.layer_sizes[:-1], default=0), B)
    close = [["if", ["le", ["abs", ["sub", ["network", n2.to_json(), o], ["network", net.to_json(), o]]],
                     format_rational(rat.tolerance)], 0, 1] for o in range(net.output_dim)]
    step = Step("rationalise", f"N'' in Q_t, t = {rat.t} ({rat.method}): |N'' - N'| <= {format_rational(rat.tolerance)} "
                f"on I^d (claimed as 0 = [|N''(x) - N'(x)| > tol])",
                {"method": rat.method, "t": rat.t, "numerator_bits": rat.numerator_bits,
                 "tolerance": format_rational(rat.tolerance), "error": format_rational(rat.error)},
                frozenset(), (), tuple(((), c) for c in close))
    block = _prepend(block, step)
    built = time.perf_counter() - started
    k = net.depth
    params = {"d": net.input_dim, "R": format_rational(grid.R), "p": p, "eps": format_rational(eps), "k": k,
              "pad": pad, "depth": block.depth, "paper_depth": 3 * k + 3,
              "rationalise": rat.method, "t": rat.t, "rationalise_error": format_rational(rat.error),
              "nn_widths": n2.layer_sizes, "scales": [lay.scale for lay in layers],
              "bit_widths": [list(lay.bit_widths()) for lay in layers[:-1]], "readout_shift": shifts,
              "weight_polynomial": WEIGHT_POLYNOMIAL,
              "weight_bound": wb}
    cert = certificate(block, grid, [["network", net.to_json(), o] for o in range(net.output_dim)],
                       construction=construction, parameters=params, paper=PAPER, theorem=THEOREM, eps=eps)
    stats = {"build_seconds": built, "certificate_seconds": time.perf_counter() - started - built}
    return SmallWeights(block.network, cert, rat, layers, tuple(shifts), wb["bound"], stats)
