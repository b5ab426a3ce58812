"""Yarotsky's square and product networks (Yarotsky 2017, Propositions 2 and 3).

f_m(u) = u - sum_{s=1..m} g_s(u) / 4^s, with g_s the s-fold tent map, is the piecewise-linear
interpolant of u^2 at the knots i / 2^m on [0, 1]; on [ih, (i+1)h] (h = 2^-m),
f_m(u) - u^2 = (u - ih)((i+1)h - u), so 0 <= f_m - u^2 <= h^2/4 = 2^(-2m-2), with equality
exactly at the odd multiples of 2^-(m+1). The product uses xy = M^2 (s^2 - t^2) with
s = (x+y)/(2M), t = (x-y)/(2M) in [-1, 1], and f_m(|s|), f_m(|t|).

Stage s >= 2 maps (g_{s-1}(u), f_{s-1}(u)) to (g_s(u), f_s(u)) through one hidden layer
(relu(g), relu(g - 1/2), relu(f)) of width 3; stage 1 reads s = sum c_i x_i and forms u = s
(width 2) or u = |s| (width 4) itself.
"""

from __future__ import annotations

from fractions import Fraction

from ..build import Block, compose, linear, parallel
from ..kernel.numbers import format_rational
from ..network import Network
from .claims import add_claims
from .sawtooth import sawtooth_expr

HALF = Fraction(1, 2)


def square_interp_expr(m: int, u) -> list:
    """Return the expression of f_m(u) on [0, 1]: u^2 + (u - h floor(u/h)) (h floor(u/h) + h - u), h = 2^-m."""
    h = format_rational(Fraction(1, 2**m))
    left = ["mul", h, ["floor", ["div", u, h]]]
    return ["add", ["pow", u, 2], ["mul", ["sub", u, left], ["sub", ["add", left, h], u]]]


def _linear_expr(coeffs) -> list:
    """Return the expression sum c_i x_i (just x_0 when coeffs = (1,))."""
    terms = [["x", i] if c == 1 else ["mul", format_rational(c), ["x", i]] for i, c in enumerate(coeffs) if c]
    return terms[0] if len(terms) == 1 else ["add", *terms]


def _first_stage(coeffs, signed: bool, name: str) -> Block:
    """Return stage 1 on s = sum c_i x_i: outputs (g_1(u), f_1(u)), u = |s| if signed else s (u in [0, 1]).

    Hidden layer: relu(s), relu(s - 1/2) (width 2), or relu(s), relu(-s), relu(s - 1/2),
    relu(-s - 1/2) (width 4) when signed; then relu(|s| - 1/2) = relu(s - 1/2) + relu(-s - 1/2).
    """
    c = [Fraction(v) for v in coeffs]
    s = _linear_expr(c)
    neg = [-v for v in c]
    if signed:
        W1, b1 = [c, neg, c, neg], [0, 0, -HALF, -HALF]
        W2 = [[2, 2, -4, -4], [HALF, HALF, 1, 1]]
        pre = [s, ["neg", s], ["sub", s, "1/2"], ["sub", ["neg", s], "1/2"]]
    else:
        W1, b1 = [c, c], [0, -HALF]
        W2 = [[2, -4], [HALF, 1]]
        pre = [s, ["sub", s, "1/2"]]
    u = ["abs", s] if signed else s
    net = Network.from_layers([(W1, b1), (W2, None)])
    g1 = sawtooth_expr(1, u)
    values = [([(1, i, 1)], ["max", e, 0]) for i, e in enumerate(pre)]
    values += [([(2, 0, 1)], g1), ([(2, 1, 1)], ["sub", u, ["div", g1, 4]])]
    label = (f"stage 1 on {name}: relu(+-{name}), relu(+-{name} - 1/2) -> g_1(|{name}|), f_1(|{name}|)" if signed
             else f"stage 1 on {name}: relu({name}), relu({name} - 1/2) -> g_1({name}), f_1({name})")
    return Block.single(net, op="yarotsky_stage", label=label, params={"s": 1, "signed": signed},
                        values=values, output_names=["g_1", "f_1"])


def _stage(s: int, name: str) -> Block:
    """Return stage s >= 2: (g, f) -> (tent(g), f - tent(g)/4^s) through (relu(g), relu(g - 1/2), relu(f))."""
    q = Fraction(1, 4**s)
    net = Network.from_layers([([[1, 0], [1, 0], [0, 1]], [0, -HALF, 0]),
                               ([[2, -4, 0], [-2 * q, 4 * q, 1]], None)])
    g, f = ["x", 0], ["x", 1]
    tent_g = sawtooth_expr(1, g)
    values = [([(1, 0, 1)], ["max", g, 0]), ([(1, 1, 1)], ["max", ["sub", g, "1/2"], 0]),
              ([(1, 2, 1)], ["max", f, 0]),
              ([(2, 0, 1)], tent_g), ([(2, 1, 1)], ["sub", f, ["div", tent_g, 4**s]])]
    return Block.single(net, op="yarotsky_stage", label=f"stage {s} on {name}: (g_{s - 1}, f_{s - 1}) -> (g_{s}, f_{s})",
                        params={"s": s}, values=values, input_names=[f"g_{s - 1}", f"f_{s - 1}"],
                        output_names=[f"g_{s}", f"f_{s}"])


def _chain(m: int, coeffs, signed: bool, name: str) -> Block:
    """Return stages 1..m on u (= s or |s|, s = sum c_i x_i): outputs (g_m(u), f_m(u)), depth m + 1.

    Step s - 1 owns hidden layer s; for s >= 2 it also states, in terms of x, that the layer
    holds (g_{s-1}(u), relu(g_{s-1}(u) - 1/2), f_{s-1}(u)).
    """
    block = _first_stage(coeffs, signed, name)
    for s in range(2, m + 1):
        block = compose(_stage(s, name), block)
    s_expr = _linear_expr([Fraction(v) for v in coeffs])
    u = ["abs", s_expr] if signed else s_expr
    extra = {}
    for s in range(2, m + 1):
        g = sawtooth_expr(s - 1, u)
        extra[s - 1] = [([(s, 0, 1)], g), ([(s, 1, 1)], ["max", ["sub", g, "1/2"], 0]),
                        ([(s, 2, 1)], square_interp_expr(s - 1, u))]
    return add_claims(block, extra)


def yarotsky_square(m: int) -> Block:
    """Return f_m, the Yarotsky approximation of u^2 on [0, 1] (m >= 1); one input u, one output.

    f_m is the interpolant of u^2 at the knots i/2^m: exact error sup |f_m(u) - u^2| = 2^(-2m-2),
    attained at the odd multiples of 2^-(m+1). Depth m + 1; layer sizes [2] + [3]*(m-1) + [1], so
    width 2 for m = 1 and 3 for m >= 2. Max |weight| 1 for m = 1, 4 for m >= 2; max |bias| 1/2.
    Steps: stage 1..m (hidden layers 1..m), then the read-out of f_m (the output layer).
    """
    if not isinstance(m, int) or m < 1:
        raise ValueError(f"yarotsky_square needs an integer m >= 1, got {m!r}")
    block = compose(linear([[0, 1]], label=f"read-out f_{m}"), _chain(m, [1], signed=False, name="u"))
    block = add_claims(block, {m: [([(m + 1, 0, 1)], square_interp_expr(m, ["x", 0]))]})
    return Block(block.network, block.steps, ("u",), (f"f_{m}(u)",))


def yarotsky_multiply(m: int, M) -> Block:
    """Return an approximation of x*y on [-M, M]^2 (m >= 1, M > 0 rational); inputs (x, y), one output.

    Output M^2 (f_m(|s|) - f_m(|t|)), s = (x+y)/(2M), t = (x-y)/(2M); since 0 <= f_m(u) - u^2 <=
    2^(-2m-2), |output - xy| <= M^2 2^(-2m-2), with equality at x = y = M/2^(m+1). Depth m + 1;
    layer sizes [8] + [6]*(m-1) + [1] (width 8). Max |bias| 1/2; max |weight| (and max weight)
    max(M^2, 1/(2M)) for m = 1 and max(M^2, 1/(2M), 4) for m >= 2.
    Steps: the m stages for s, the m stages for t, then the read-out.
    """
    if not isinstance(m, int) or m < 1:
        raise ValueError(f"yarotsky_multiply needs an integer m >= 1, got {m!r}")
    M = Fraction(M)
    if M <= 0:
        raise ValueError(f"yarotsky_multiply needs M > 0, got {M}")
    a = 1 / (2 * M)
    both = parallel(_chain(m, [a, a], signed=True, name="s"), _chain(m, [a, -a], signed=True, name="t"))
    sq = M * M
    block = compose(linear([[0, sq, 0, -sq]], label=f"read-out M^2 (f_{m}(|s|) - f_{m}(|t|))"), both)
    s, t = _linear_expr([a, a]), _linear_expr([a, -a])
    value = ["mul", format_rational(sq), ["sub", square_interp_expr(m, ["abs", s]),
                                          square_interp_expr(m, ["abs", t])]]
    block = add_claims(block, {2 * m: [([(m + 1, 0, 1)], value)]})
    return Block(block.network, block.steps, ("x", "y"), ("xy",))
