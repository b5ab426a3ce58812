"""Step 1 of the small-weights construction: N'' with weights in Q_t (Vardi & Shamir, 4.1.1).

Given N' and the grid I^d, return a network N'' whose weights and biases all lie in
Q_t = {s/t} for one integer t with few bits, and |N''(x) - N'(x)| <= tol on every grid point.
Three routes; each result carries the exact error on the grid, computed by the exact core:

* "exact": N'' = N' (t is the common denominator; right for rational weights of few bits).
* "round": every weight and bias rounded to the nearest multiple of 2^-s, for the least s whose
  network meets tol on the grid (checked exactly; Q_t with t = 2^s).
* "lp": the paper's route. N' is first unfolded into a network with the same function whose
  weights after layer 1 are +-1 (`unfold`): by positive homogeneity, relu(g z) = g relu(z) for
  g > 0, each hidden neuron is copied once per path to the output and absorbs the product g of
  the |weights| on that path. Then, with the activation pattern of every copy at every grid
  point fixed, every value is LINEAR in the free parameters (layer-1 weights and all biases).
  The constraints (the pattern holds; |output - r(x)| <= tol/2 with r = N' rounded to a
  multiple of tol/2) form a polyhedron containing the unfolded weights; an exact rational
  vertex (Z3's simplex) has coordinates that are ratios of determinants of the constraint
  matrix, hence poly many bits, whatever the bits of N'.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from ..domain import Grid
from ..evaluate import evaluate
from ..kernel.errors import MalformedError
from ..network import Layer, Network

METHODS = ("exact", "round", "lp")


class RationaliseError(MalformedError):
    """No network in Q_t meeting the tolerance was found by the requested route."""


@dataclass(frozen=True)
class Rationalised:
    """N'' (weights in Q_t), the route that produced it, and its exact sup-error to N' on the grid."""

    network: Network
    method: str
    t: int
    error: Fraction
    tolerance: Fraction

    @property
    def numerator_bits(self) -> int:
        """Return the largest bit length of a numerator s = t * w over all weights and biases."""
        return max(abs(int(w * self.t)).bit_length() for w in _values(self.network))


def _values(net: Network):
    """Yield every weight and bias of the network."""
    for L in net.sparse_layers:
        yield from (w for r in L.rows for _, w in r)
        yield from (L.bias or ())


def common_denominator(net: Network) -> int:
    """Return the least t with every weight and bias of net in Q_t."""
    return math.lcm(1, *(w.denominator for w in _values(net)))


def grid_values(net: Network, grid: Grid) -> list[list[Fraction]]:
    """Return the exact outputs of net at every grid point, in the grid's order."""
    ev = evaluate(net, grid)
    return [[Fraction(int(v), ev.denominator) for v in row] for row in ev.numerators]


def sup_distance(a: Network, b: Network, grid: Grid) -> Fraction:
    """Return max over the grid and the outputs of |a(x) - b(x)|, exactly."""
    ea, eb = evaluate(a, grid), evaluate(b, grid)
    D = math.lcm(ea.denominator, eb.denominator)
    diff = ea.numerators * (D // ea.denominator) - eb.numerators * (D // eb.denominator)
    return Fraction(int(np.abs(diff).max()), D)


def _map_values(net: Network, f) -> Network:
    """Return net with f applied to every weight and bias (zero weights dropped)."""
    layers = []
    for L in net.sparse_layers:
        rows = tuple(tuple((j, f(w)) for j, w in r if f(w)) for r in L.rows)
        layers.append(Layer(L.in_size, rows, None if L.bias is None else tuple(f(b) for b in L.bias)))
    return Network(net.input_dim, tuple(layers), net.form)


def round_to(net: Network, s: int) -> Network:
    """Return net with every weight and bias rounded to the nearest multiple of 2^-s (ties up)."""
    t = 2**s
    return _map_values(net, lambda w: Fraction(math.floor(w * t + Fraction(1, 2)), t))


def rationalise(net: Network, grid: Grid, tol, method: str = "exact", *, max_bits: int = 256) -> Rationalised:
    """Return N'' in Q_t with max over the grid of |N'' - N'| <= tol, by the given route."""
    tol = Fraction(tol)
    if tol < 0:
        raise MalformedError(f"rationalise tol: must be >= 0, got {tol}")
    if method == "exact":
        return Rationalised(net, "exact", common_denominator(net), Fraction(0), tol)
    if method == "round":
        for s in range(max_bits + 1):
            cand = round_to(net, s)
            err = sup_distance(cand, net, grid)
            if err <= tol:
                return Rationalised(cand, "round", common_denominator(cand), err, tol)
        raise RationaliseError(f"rationalise tol: rounding to 2^-{max_bits} still misses {tol} on the grid")
    if method == "lp":
        cand = lp_vertex(net, grid, tol)
        err = sup_distance(cand, net, grid)
        if err > tol:
            raise RationaliseError(f"rationalise lp: the LP vertex misses tol {tol} by {err - tol}")
        return Rationalised(cand, "lp", common_denominator(cand), err, tol)
    raise MalformedError(f"rationalise method: expected one of {METHODS}, got {method!r}")


# ---- the paper's route: unfold, then an exact LP -------------------------------------------
@dataclass(frozen=True)
class Unfolded:
    """N' unfolded: copies[l] lists layer l+1's copies as paths (j_l, ..., j_{k-1}, o) to an output.

    Copy c = (j, *rest) computes g_c h_j with g_c the product of |W| along its path; layer-1 copies
    keep g_c W_1[j] and g_c b_1[j], later copies read their children (i, *c) with weight
    sign W_l[j, i] and have bias g_c b_l[j]; output o reads (j, o) with sign W_k[o, j].
    """

    net: Network
    copies: tuple[tuple[tuple[int, ...], ...], ...]
    gains: tuple[dict, ...]

    def network(self, first=None, biases=None) -> Network:
        """Return the unfolded network; `first[c]` / `biases[l][c]` override layer-1 rows / biases."""
        W = [L.dense() for L in self.net.sparse_layers]
        b = [L.bias for L in self.net.sparse_layers]
        k, layers = self.net.depth, []
        for l, copies in enumerate(self.copies):
            rows, bias = [], []
            for c in copies:
                g = self.gains[l][c]
                if l == 0:
                    row = first[c] if first else [g * w for w in W[0][c[0]]]
                    rows.append(tuple((j, w) for j, w in enumerate(row) if w))
                else:
                    index = {cc: n for n, cc in enumerate(self.copies[l - 1])}
                    rows.append(tuple(sorted((index[(i, *c)], _sign(W[l][c[0]][i]))
                                             for i in range(len(W[l][c[0]])) if (i, *c) in index)))
                bias.append(biases[l][c] if biases else g * b[l][c[0]])
            layers.append(Layer(self.net.input_dim if l == 0 else len(self.copies[l - 1]), tuple(rows), tuple(bias)))
        index = {cc: n for n, cc in enumerate(self.copies[-1])}
        out = tuple(tuple(sorted((index[(j, o)], _sign(W[k - 1][o][j])) for j in range(len(W[k - 1][o]))
                                 if (j, o) in index)) for o in range(self.net.output_dim))
        layers.append(Layer(len(self.copies[-1]), out, None))
        return Network(self.net.input_dim, tuple(layers), "paper")


def pow2_below(q: Fraction) -> Fraction:
    """Return the largest power of two (possibly negative exponent) that is <= q > 0."""
    h = Fraction(2) ** (q.numerator.bit_length() - q.denominator.bit_length())
    return h / 2 if h > q else h


def _sign(w: Fraction) -> Fraction:
    return Fraction(1 if w > 0 else -1)


def unfold(net: Network) -> Unfolded:
    """Return the unfolded form of a paper-form network of depth k >= 2 (same function)."""
    if net.depth < 2 or net.form != "paper":
        raise MalformedError("unfold net: needs a paper-form network of depth >= 2")
    W = [L.dense() for L in net.sparse_layers]
    k = net.depth
    level = {(o,): Fraction(1) for o in range(net.output_dim)}
    copies, gains = [], []
    for l in range(k - 1, 0, -1):  # hidden layer l, read by layer l + 1 (index l in W)
        nxt = {}
        for c, g in level.items():
            for i, w in enumerate(W[l][c[0]]):
                if w:
                    nxt[(i, *c)] = g * abs(w)
        level = dict(sorted(nxt.items()))
        copies.append(tuple(level))
        gains.append(level)
    return Unfolded(net, tuple(reversed(copies)), tuple(reversed(gains)))


def lp_vertex(net: Network, grid: Grid, tol) -> Network:
    """Return an unfolded N'' from an exact rational basic solution of the paper's LP.

    Variables: the layer-1 rows and every bias of the unfolded network. At each grid point and
    copy the activation pattern of N' is imposed (pre-activation >= 0 where N' has it > 0, else
    <= 0), so every value is a linear form of the variables; each output must lie within tol/2
    of r(x), N'(x) rounded to a multiple of h = 2^e <= tol (|r - N'| <= h/2 <= tol/2).
    """
    import z3

    tol = Fraction(tol)
    if tol <= 0:
        raise MalformedError(f"rationalise tol: the LP route needs tol > 0, got {tol}")
    un = unfold(net)
    orig = un.network()
    d, points = net.input_dim, list(grid)
    acts = _patterns(orig, grid)
    names, first, biases = {}, {}, []
    for l, copies in enumerate(un.copies):
        biases.append({c: z3.Real(f"b{l}_{n}") for n, c in enumerate(copies)})
        if l == 0:
            first = {c: [z3.Real(f"w{n}_{i}") for i in range(d)] for n, c in enumerate(copies)}
    h = pow2_below(tol)
    targets = grid_values(net, grid)
    solver = z3.Solver()
    for n, x in enumerate(points):
        xs = [_q(v) for v in x]
        prev = None
        for l, copies in enumerate(un.copies):
            vals = {}
            for m, c in enumerate(copies):
                if l == 0:
                    pre = z3.Sum([w * xv for w, xv in zip(first[c], xs)]) + biases[0][c]
                else:
                    pre = z3.Sum([s * prev[cc] for cc, s in _children(un, l, c)] or [z3.RealVal(0)]) + biases[l][c]
                active = acts[l][n][m]
                solver.add(pre >= 0 if active else pre <= 0)
                vals[c] = pre if active else z3.RealVal(0)
            prev = vals
        for o in range(net.output_dim):
            y = z3.Sum([s * prev[cc] for cc, s in _children(un, len(un.copies), (o,))] or [z3.RealVal(0)])
            r = h * round(targets[n][o] / h)
            solver.add(y - _q(r) <= _q(tol / 2), _q(r) - y <= _q(tol / 2))
    if solver.check() != z3.sat:
        raise RationaliseError("rationalise lp: the LP is infeasible (it contains N', so this is a bug)")
    model = solver.model()
    val = lambda v: _frac(model.eval(v, model_completion=True))
    rows = {c: [val(w) for w in first[c]] for c in un.copies[0]}
    bs = [{c: val(v) for c, v in level.items()} for level in biases]
    return un.network(rows, bs)


def _children(un: Unfolded, l: int, c) -> list:
    """Return [(child copy, sign)] read by copy c of layer l + 1 (l = len(copies): an output)."""
    W = un.net.sparse_layers[l]
    row = dict(W.rows[c[0]])
    below = un.gains[l - 1]
    return [((i, *c), _sign(w)) for i, w in sorted(row.items()) if (i, *c) in below]


def _patterns(net: Network, grid: Grid) -> list:
    """Return acts[l][n][m]: whether hidden neuron m of layer l + 1 is positive at grid point n."""
    from ..evaluate import chunk_plan, forward
    nums, den = grid.chunk(0, grid.size)
    layers = forward(net, nums, den, chunk_plan(net, nums, den), all_layers=True)
    return [(Z > 0).tolist() for Z, _ in layers[:-1]]


def _q(v: Fraction):
    import z3
    v = Fraction(v)
    return z3.Q(v.numerator, v.denominator)


def _frac(v) -> Fraction:
    return Fraction(v.numerator_as_long(), v.denominator_as_long())
