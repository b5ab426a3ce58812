"""The binary representation of a grid coordinate (Vardi & Shamir, section 4.1.1).

For x in I = { j/p : -Rp <= j <= Rp }, the integer j = p x + Rp lies in 0..N with N = 2Rp and
has L = bitlength(N) bits. Hidden layer 1 holds the ramps r_s = relu(p x + Rp - s), s = 0..N-1.
On the integers 0..N, bit k of j is the value at j of the continuous piecewise-linear function
through the points (i, bit_k(i)); with slopes e_i = bit_k(i+1) - bit_k(i) (e_{-1} = 0) it is

    bit_k(j) = sum_{s=0}^{N-1} (e_s - e_{s-1}) relu(j - s)        (bit_k(0) = 0),

a combination of the ramps with coefficients in {-2, ..., 2}. Hidden layer 2 applies relu to
it, which changes nothing on {0, 1}: the bits are ReLU neurons of layer 2, ready for a
threshold circuit to read, and the output layer copies them (weight 1). Composing another
block after this one fuses that copy into the next block's first layer, so the bits stay in
layer 2.
"""

from __future__ import annotations

from fractions import Fraction

from ..build import Block, compose
from ..kernel.numbers import format_rational
from ..network import Network
from .claims import add_claims


def bit_expr(k: int, j) -> list:
    """Return the expression of bit k of the non-negative integer expression j: floor(j / 2^k) mod 2."""
    return ["mod", ["floor", ["div", list(j), 2**k]], 2]


def _bit(k: int, i: int) -> int:
    return (i >> k) & 1


def _ramps(R: Fraction, p: int, input_dim: int, coord: int) -> Block:
    """Return the ramps relu(p x_coord + Rp - s), s = 0..2Rp-1, read out unchanged."""
    Rp, N = int(R * p), int(2 * R * p)
    net = Network.from_sparse(input_dim, [(N, [(s, coord, p) for s in range(N)], [Rp - s for s in range(N)]),
                                          (N, [(s, s, 1) for s in range(N)], None)])
    j = ["add", ["mul", p, ["x", coord]], Rp]
    values = [([(1, s, 1)], ["max", ["sub", j, s], 0]) for s in range(N)]
    return Block.single(net, op="ramps", label=f"ramps relu(j - s), j = {p} x_{coord} + {Rp}, s = 0..{N - 1}",
                        params={"R": format_rational(R), "p": p, "coord": coord}, values=values)


def _bits_of_ramps(N: int) -> Block:
    """Return the bits of j from the ramps relu(j - s), s = 0..N-1 (input 0 is j itself)."""
    L = N.bit_length()
    weights = []
    for k in range(L):
        e = [0] + [_bit(k, i + 1) - _bit(k, i) for i in range(N)]  # e[s + 1]: the slope on [s, s + 1]
        weights += [(k, s, e[s + 1] - e[s]) for s in range(N) if e[s + 1] != e[s]]
    net = Network.from_sparse(N, [(L, weights, [0] * L), (L, [(k, k, 1) for k in range(L)], None)])
    values = [([(l, k, 1)], bit_expr(k, ["x", 0])) for l in (1, 2) for k in range(L)]
    return Block.single(net, op="bits", label=f"the {L} bits of j, LSB first, from the ramps",
                        params={"N": N}, values=values, output_names=[f"b{k}" for k in range(L)])


def bits(R, p: int, *, input_dim: int = 1, coord: int = 0) -> Block:
    """Return the L = bitlength(2Rp) bits of j = p x + Rp, LSB first, for x = x_coord in I.

    R > 0 rational with Rp a positive integer, p >= 1. Depth 3: hidden layer 1 holds the
    N = 2Rp ramps, hidden layer 2 the bits (ReLU neurons), the output layer copies them.
    Layer sizes [2Rp, L, L] (width 2Rp); max |weight| max(p, 2); max |bias| Rp; so
    max weight max(p, 2, Rp). Steps: the ramps (layer 1), then the bits (layers 2 and 3).
    """
    R = Fraction(R)
    if not isinstance(p, int) or p < 1 or R <= 0 or (R * p).denominator != 1:
        raise ValueError(f"bits needs an integer p >= 1 and R > 0 with R*p an integer, got R={R}, p={p!r}")
    if not 0 <= coord < input_dim:
        raise ValueError(f"bits: coordinate {coord} outside an input of dimension {input_dim}")
    N = int(2 * R * p)
    block = compose(_bits_of_ramps(N), _ramps(R, p, input_dim, coord))
    j = ["add", ["mul", p, ["x", coord]], int(R * p)]
    L = N.bit_length()
    block = add_claims(block, {1: [([(l, k, 1)], bit_expr(k, j)) for l in (2, 3) for k in range(L)]})
    names = tuple(f"x{c}" for c in range(input_dim)) if input_dim > 1 else ("x",)
    return Block(block.network, block.steps, names, tuple(f"bit{k}" for k in range(L)))
