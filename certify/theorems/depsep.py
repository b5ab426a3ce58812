"""Shared pieces of the depth-separation constructions (additive, radial, Safran-Eldan-Shamir,
Safran-Reichman-Valiant, the depth-2 interpolation baseline): the result type, the grid inside the
unit ball, rigorous knot values, and block plumbing that keeps step claims small.

Block plumbing. `compose` rewrites an outer block's claims in terms of the inner block's neurons,
which blows up when the inner output is a long linear form read many times (a 1-D interpolant
with K knots mentions its input 3K times). `compose_exact` instead substitutes an *expression in
x* that the inner output equals at every domain point (the writer re-verifies every claim, so a
wrong expression cannot slip through). `select_coordinate` composes a one-input block after
x -> x_i and drops the empty read-out step that composition leaves behind.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field, replace
from fractions import Fraction

from ..build import Block, compose, linear
from ..certificate import Certificate, certificate
from ..domain import Domain, Points
from ..gadgets import interpolate_1d
from ..network import Network
from ..kernel.numbers import format_rational
from ..rigorous import approximate, round_up


@dataclass(frozen=True)
class Construction:
    """A construction ready to certify: the block, the domain, the target, the claimed eps and how it
    splits (`budget`: named parts whose sum is <= eps), plus the paper's reference."""

    name: str
    block: Block
    domain: Domain
    target: list
    eps: Fraction
    parameters: dict
    paper: str
    theorem: str
    budget: dict = field(default_factory=dict)

    @property
    def network(self):
        return self.block.network

    def stats(self) -> dict:
        """Return depth, width, layer sizes, max weight (weights and biases) and the number of weights."""
        net = self.network
        return {"depth": net.depth, "width": net.width, "layer_sizes": net.layer_sizes,
                "max_weight": net.max_weight, "weights": net.num_weights, "points": self.domain.size}

    def certificate(self, eps=None, *, attained: bool = True) -> Certificate:
        """Return the certificate claiming sup |N - f| <= eps on the domain (default: the construction's
        eps; eps="measured" claims the writer's exact or rigorous sup instead)."""
        claim = None if eps == "measured" else Fraction(self.eps if eps is None else eps)
        return certificate(self.block, self.domain, self.target, construction=self.name, eps=claim,
                           attained=attained, parameters=self.parameters, paper=self.paper, theorem=self.theorem)


# ---- domains -------------------------------------------------------------------------------

def ball_grid(d: int, p: int, radius=1) -> Points:
    """Return the points of I^d (R = radius, step 1/p) inside the closed Euclidean ball of that radius,
    in the order of the grid (last coordinate fastest)."""
    radius = Fraction(radius)
    rp = math.floor(radius * p)
    limit = radius * radius * p * p
    pts = [[Fraction(j, p) for j in js] for js in itertools.product(range(-rp, rp + 1), repeat=d)
           if sum(j * j for j in js) <= limit]
    return Points(pts)


# ---- knots and values ----------------------------------------------------------------------

def uniform_knots(lo, hi, n: int) -> list[Fraction]:
    """Return the n + 1 knots lo + (hi - lo) j / n."""
    lo, hi = Fraction(lo), Fraction(hi)
    return [lo + (hi - lo) * j / n for j in range(n + 1)]


def substitute(ast, var, by):
    """Return ast with every ["x", var] replaced by the expression `by`."""
    if isinstance(ast, list) and ast:
        if ast == ["x", var]:
            return by
        return [ast[0], *(substitute(a, var, by) for a in ast[1:])]
    return ast


def knot_values(f_ast, knots, tol) -> list[Fraction]:
    """Return rationals v_j with |v_j - f(t_j)| <= tol (exact where f(t_j) is rational); f_ast is an
    expression in ["x", 0]."""
    return [approximate(f_ast, (t,), tol) for t in knots]


def max_slope(knots, values) -> Fraction:
    """Return the largest |slope| of the piecewise-linear interpolant."""
    return max(abs((values[j + 1] - values[j]) / (knots[j + 1] - knots[j])) for j in range(len(knots) - 1))


def at_least(x, n_min: int = 1) -> int:
    """Return ceil(x) (a positive integer, at least n_min) for a positive rational or float-free bound."""
    return max(n_min, math.ceil(Fraction(x)))


def sqrt_up(q) -> Fraction:
    """Return a rational >= sqrt(q) (within a relative 1e-12), q a non-negative rational."""
    q = Fraction(q)
    if q == 0:
        return q
    scale = 10**12
    return Fraction(math.isqrt(math.ceil(q * scale * scale)) + 1, scale)


def sqrt_down(q) -> Fraction:
    """Return a rational <= sqrt(q) (within a relative 1e-12)."""
    q = Fraction(q)
    scale = 10**12
    return Fraction(math.isqrt(math.floor(q * scale * scale)), scale)


# ---- interpolants -------------------------------------------------------------------------

RAMPS_FROM = 160  # knots; interpolate_1d searches its fewest-unit plan in O(n^2) time


def interpolant_tree_expr(knots, values, x=("x", 0)) -> list:
    """Return the interpolant of (t_i, v_i) on [t_0, t_n-1] (0 outside) as a balanced tree of ifs on x:
    the same function as gadgets.interpolant_expr (pieces [t_i, t_i+1), the last one closed), with
    depth O(log n) instead of a sum of n pieces, so that checking it costs O(log n) comparisons per
    point and every intermediate value stays as small as one piece's."""
    t, v, x = [Fraction(a) for a in knots], [Fraction(a) for a in values], list(x)

    def line(i):
        s = (v[i + 1] - v[i]) / (t[i + 1] - t[i])
        return ["add", format_rational(v[i]), ["mul", format_rational(s), ["sub", x, format_rational(t[i])]]]

    def tree(lo, hi):  # pieces lo .. hi - 1
        if hi - lo == 1:
            return line(lo)
        mid = (lo + hi) // 2
        return ["if", ["lt", x, format_rational(t[mid])], tree(lo, mid), tree(mid, hi)]
    inside = ["and", ["ge", x, format_rational(t[0])], ["le", x, format_rational(t[-1])]]
    return ["if", inside, tree(0, len(t) - 1), 0]


def ramp_interpolant(knots, values) -> Block:
    """Return the interpolant of (t_i, v_i) on [t_0, t_n-1] as a depth-2 block built in O(n): the ramps
    relu(x - t_i), i < n - 1, with output weights s_0 - v_0 (i = 0) and the slope jumps D_i, plus
    relu(x - t_0 + 1) with weight v_0 (so the constant needs no output bias). Width <= n; exact on
    [t_0, t_n-1] like interpolate_1d, which finds up to n - K - 2 fewer units but in O(n^2)."""
    t, v = [Fraction(a) for a in knots], [Fraction(a) for a in values]
    s = [(v[i + 1] - v[i]) / (t[i + 1] - t[i]) for i in range(len(t) - 1)]
    units = [(1 - t[0], v[0])] if v[0] else []
    units += [(-t[i], s[0] - v[0] if i == 0 else s[i] - s[i - 1]) for i in range(len(t) - 1)]
    units = [u for u in units if u[1]] or [(-t[0], Fraction(0))]
    net = Network.from_layers([([[1]] * len(units), [c for c, _ in units]), ([[w for _, w in units]], None)])
    claims = [(((1, k, 1),), ["max", ["add", ["x", 0], format_rational(c)], 0]) for k, (c, _) in enumerate(units)]
    claims.append((((2, 0, 1),), interpolant_tree_expr(t, v)))
    params = {"knots": [format_rational(a) for a in t], "values": [format_rational(a) for a in v]}
    return Block.single(net, op="interpolate_1d_ramps", label=f"piecewise-linear interpolant through {len(t)} "
                        "knots (ramps)", params=params, values=claims, input_names=["x"], output_names=["f(x)"])


def interpolant(knots, values) -> Block:
    """Return interpolate_1d (fewest units) for up to RAMPS_FROM knots, else ramp_interpolant (O(n))."""
    return interpolate_1d(knots, values) if len(knots) <= RAMPS_FROM else ramp_interpolant(knots, values)


# ---- block plumbing ------------------------------------------------------------------------

def drop_empty_steps(block: Block) -> Block:
    """Return the block without steps that own no neuron and claim nothing; later steps that read a
    dropped step read what it read."""
    keep, reads, steps = {}, {}, []
    for sid, s in enumerate(block.steps):
        inputs = []
        for src in s.inputs:
            inputs.extend([src] if src == "x" or src in keep else reads.get(src, []))
        inputs = tuple(dict.fromkeys(inputs))
        if not s.neurons and not s.values:
            reads[sid] = list(inputs)
            continue
        keep[sid] = len(steps)
        steps.append(replace(s, inputs=inputs))
    steps = [replace(s, inputs=_sorted_inputs(tuple(src if src == "x" else keep[src] for src in s.inputs)))
             for s in steps]
    return Block(block.network, tuple(steps), block.input_names, block.output_names)


def _sorted_inputs(inputs) -> tuple:
    xs = ("x",) if "x" in inputs else ()
    return xs + tuple(sorted({i for i in inputs if i != "x"}))


def select_coordinate(block: Block, d: int, i: int) -> Block:
    """Return the one-input block read on coordinate i of a d-dimensional input (no extra layer)."""
    sel = linear([[1 if j == i else 0 for j in range(d)]], label=f"read x_{i}")
    return drop_empty_steps(compose(block, sel))


def _subst(ast, x_map, v_map):
    if not isinstance(ast, list) or not ast:
        return ast
    if ast[0] == "x":
        return x_map(ast[1])
    if ast[0] == "v":
        return v_map(ast[1], ast[2])
    return [ast[0], *(_subst(a, x_map, v_map) for a in ast[1:])]


CLAIM_NODES = 60000  # expression nodes the outer steps of compose_exact may spend (the kernel allows 10^5 in all)


def nodes(ast) -> int:
    """Return the number of nodes of an expression."""
    return 1 + sum(nodes(a) for a in ast[1:]) if isinstance(ast, list) and ast else 1


def compose_exact(outer: Block, inner: Block, inner_exprs, *, keep_outer_claims=True, budget=CLAIM_NODES) -> Block:
    """Return outer(inner(x)) whose outer steps claim their original statements with ["x", j] replaced by
    inner_exprs[j] (an expression in x equal to inner output j at every domain point). Claims are kept in
    order while their expressions total at most `budget` nodes; a step that loses some says how many in
    its params ("claims_omitted"). keep_outer_claims=False keeps none (the sup_error covers the output)."""
    block = compose(outer, inner)
    k_inner, n_inner = inner.depth, len(inner.steps)
    steps, spent = list(block.steps), 0
    for sid, s in enumerate(outer.steps):
        values, omitted = [], 0
        for terms, expr in (s.values if keep_outer_claims else ()):
            expr = _subst(expr, lambda j: inner_exprs[j], lambda l, i: ["v", l + k_inner - 1, i])
            if spent + nodes(expr) > budget:
                omitted += 1
                continue
            spent += nodes(expr)
            values.append((tuple((l + k_inner - 1, i, c) for l, i, c in terms), expr))
        params = dict(steps[n_inner + sid].params)
        if omitted or not keep_outer_claims:
            params["claims_omitted"] = omitted if keep_outer_claims else len(s.values)
        steps[n_inner + sid] = replace(steps[n_inner + sid], values=tuple(values), params=params)
    return drop_empty_steps(Block(block.network, tuple(steps), block.input_names, block.output_names))


def set_claims(block: Block, sid: int, values) -> Block:
    """Return the block with step sid's value claims replaced by `values` ((terms, ast) pairs)."""
    steps = list(block.steps)
    steps[sid] = replace(steps[sid], values=tuple((tuple((l, i, Fraction(c)) for l, i, c in t), e) for t, e in values))
    return Block(block.network, tuple(steps), block.input_names, block.output_names)


def output_terms(block: Block, o: int = 0):
    """Return the terms (layer, index, coefficient) of output o over the last hidden layer."""
    k = block.depth
    return tuple((k - 1, j, w) for j, w in block.network.sparse_layers[-1].rows[o])


def fmt_params(**kw) -> dict:
    """Return parameters as exact JSON values."""
    return {k: (format_rational(v) if isinstance(v, Fraction) else v) for k, v in kw.items()}


def nice_up(q, digits: int = 3) -> Fraction:
    """Return a short rational >= q (3 significant digits): a readable eps."""
    return round_up(Fraction(q), digits)
