"""Step 1 of the small-weights construction: N'' with weights in Q_t (Vardi & Shamir, 4.1.1).

Given N' and the grid I^d, return N'' whose weights and biases all lie in Q_t = {s/t} for one
integer t, with |N''(x) - N'(x)| <= tol at every grid point. The exact error on the grid is
computed by the exact core and returned with N''. The routes:

* "exact": N'' = N' (t is the common denominator: right for rationals of few bits).
* "round": every weight and bias rounded to the nearest multiple of 2^-s, for the least s that
  meets tol on the grid (t = 2^s). Cheap, but the precision it needs depends on N'.
* "lp": the paper's route, with a bound on the bits of t whatever the bits of N'. N' is
  unfolded (`unfold`) into a network with the same function whose weights after layer 1 are
  +-1; with the activation pattern of every copy fixed at every grid point, every value is then
  LINEAR in the free parameters (layer-1 weights and all biases). The pattern constraints and
  |output - r(x)| <= tol/2, with r = N' rounded to a multiple of a power of two h <= tol, define a
  polyhedron containing the unfolded N'; `vertex` walks from that point to a vertex, whose
  coordinates are ratios of determinants of integer constraint rows (Cramer's rule).
* "auto": "exact" if the common denominator of N' has at most AUTO_BITS bits, else "round".
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from ..domain import Grid
from ..evaluate import chunk_plan, evaluate, forward
from ..kernel.errors import MalformedError
from ..network import Layer, Network

METHODS = ("auto", "exact", "round", "lp")
AUTO_BITS = 32


class RationaliseError(MalformedError):
    """The requested route found no network in Q_t within the tolerance."""


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
        """Return the largest bit length of a numerator s = t w over all weights and biases."""
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
    """Return the max over the grid and the outputs of |a(x) - b(x)|, exactly."""
    ea, eb = evaluate(a, grid), evaluate(b, grid)
    D = math.lcm(ea.denominator, eb.denominator)
    diff = ea.numerators.astype(object) * (D // ea.denominator) - eb.numerators.astype(object) * (D // eb.denominator)
    return Fraction(int(np.abs(diff).max()), D)


def round_to(net: Network, s: int) -> Network:
    """Return net with every weight and bias rounded to the nearest multiple of 2^-s (ties up)."""
    t = 2**s

    def f(w: Fraction) -> Fraction:
        return Fraction(math.floor(w * t + Fraction(1, 2)), t)

    layers = tuple(Layer(L.in_size, tuple(tuple((j, f(w)) for j, w in r if f(w)) for r in L.rows),
                         None if L.bias is None else tuple(f(b) for b in L.bias)) for L in net.sparse_layers)
    return Network(net.input_dim, layers, net.form)


def rationalise(net: Network, grid: Grid, tol, method: str = "auto", *, max_bits: int = 256) -> Rationalised:
    """Return N'' in Q_t with max over the grid of |N'' - N'| <= tol, by the given route."""
    tol = Fraction(tol)
    if tol < 0:
        raise MalformedError(f"rationalise tol: must be >= 0, got {tol}")
    if method not in METHODS:
        raise MalformedError(f"rationalise method: expected one of {METHODS}, got {method!r}")
    if method == "auto":
        method = "exact" if common_denominator(net).bit_length() <= AUTO_BITS else "round"
    if method == "exact":
        return Rationalised(net, "exact", common_denominator(net), Fraction(0), tol)
    if method == "round":
        for s in range(max_bits + 1):
            cand = round_to(net, s)
            err = sup_distance(cand, net, grid)
            if err <= tol:
                return Rationalised(cand, "round", common_denominator(cand), err, tol)
        raise RationaliseError(f"rationalise tol: rounding to multiples of 2^-{max_bits} still misses {tol}")
    if tol == 0:
        raise MalformedError("rationalise tol: the lp route needs tol > 0")
    cand = lp_vertex(net, grid, tol)
    return Rationalised(cand, "lp", common_denominator(cand), sup_distance(cand, net, grid), tol)


# ---- the paper's route: unfold, then a vertex of the LP ------------------------------------
def pow2_below(q: Fraction) -> Fraction:
    """Return the largest power of two (of any integer exponent) that is <= q, for q > 0."""
    h = Fraction(2) ** (q.numerator.bit_length() - q.denominator.bit_length())
    return h / 2 if h > q else h


def _sign(w: Fraction) -> int:
    return 1 if w > 0 else -1


@dataclass(frozen=True)
class Unfolded:
    """N' unfolded. copies[l] lists the copies of hidden layer l + 1 as paths (j, ..., o) to an output.

    Copy c = (j, *rest) holds g_c h_j(x), g_c the product of the |weights| on its path: a layer-1
    copy has row g_c W_1[j] and bias g_c b_1[j]; a later copy reads its children (i, *c) with
    weight sign W_l[j, i] and has bias g_c b_l[j]; output o reads (j, o) with sign W_k[o, j].
    The LP variables: d weights and a bias per layer-1 copy, then one bias per later copy.
    """

    net: Network
    copies: tuple[tuple[tuple[int, ...], ...], ...]
    gains: tuple[dict, ...]

    @property
    def offsets(self) -> list[dict]:
        """Return, per hidden layer, {copy: index of its first variable}."""
        d, out, n = self.net.input_dim, [], 0
        for l, copies in enumerate(self.copies):
            out.append({})
            for c in copies:
                out[-1][c] = n
                n += d + 1 if l == 0 else 1
        return out

    @property
    def size(self) -> int:
        """Return the number of LP variables."""
        return len(self.copies[0]) * (self.net.input_dim + 1) + sum(len(c) for c in self.copies[1:])

    def children(self, l: int, c: tuple) -> list[tuple[tuple, int]]:
        """Return [(child copy, sign)] read by copy c of layer l + 1 (c = (o,) for l = k - 1: output o)."""
        below = self.gains[l - 1]
        return [((i, *c), _sign(w)) for i, w in self.net.sparse_layers[l].rows[c[0]] if (i, *c) in below]

    def variables(self) -> list[Fraction]:
        """Return the values of the variables in the unfolded N' (a feasible point of the LP)."""
        d, vals = self.net.input_dim, [Fraction(0)] * self.size
        for l, level in enumerate(self.offsets):
            W, b = self.net.sparse_layers[l].dense(), self.net.sparse_layers[l].bias
            for c, v in level.items():
                g = self.gains[l][c]
                if l == 0:
                    vals[v:v + d] = [g * w for w in W[c[0]]]
                vals[v + (d if l == 0 else 0)] = g * b[c[0]]
        return vals

    def network(self, vals=None) -> Network:
        """Return the unfolded network with the given variable values (default: those of N')."""
        vals = self.variables() if vals is None else vals
        d, layers = self.net.input_dim, []
        for l, level in enumerate(self.offsets):
            index = {c: n for n, c in enumerate(self.copies[l - 1])} if l else None
            rows, bias = [], []
            for c, v in level.items():
                if l == 0:
                    rows.append(tuple((i, w) for i, w in enumerate(vals[v:v + d]) if w))
                else:
                    rows.append(tuple(sorted((index[ch], Fraction(s)) for ch, s in self.children(l, c))))
                bias.append(vals[v + (d if l == 0 else 0)])
            layers.append(Layer(d if l == 0 else len(self.copies[l - 1]), tuple(rows), tuple(bias)))
        k, index = len(self.copies), {c: n for n, c in enumerate(self.copies[-1])}
        out = tuple(tuple(sorted((index[ch], Fraction(s)) for ch, s in self.children(k, (o,))))
                    for o in range(self.net.output_dim))
        layers.append(Layer(len(self.copies[-1]), out, None))
        return Network(d, tuple(layers), "paper")

    def forms(self, j: list[int], p: int, acts) -> tuple[list, list]:
        """Return the LP rows of grid point x = j/p under the activation pattern acts[l][m].

        A form maps variable -> integer coefficient and equals p times a value. Returns
        ([(form of copy's pre-activation, +1 if active else -1)], [form of output o])."""
        d, prev, pattern = self.net.input_dim, {}, []
        for l, level in enumerate(self.offsets):
            cur = {}
            for m, (c, v) in enumerate(level.items()):
                form = {v + i: j[i] for i in range(d) if j[i]} if l == 0 else {}
                form[v + (d if l == 0 else 0)] = p
                for ch, s in (self.children(l, c) if l else ()):
                    for var, coef in prev.get(ch, {}).items():
                        form[var] = form.get(var, 0) + s * coef
                pattern.append((form, 1 if acts[l][m] else -1))
                if acts[l][m]:
                    cur[c] = form
            prev = cur
        outs = []
        for o in range(self.net.output_dim):
            form = {}
            for ch, s in self.children(len(self.copies), (o,)):
                for var, coef in prev.get(ch, {}).items():
                    form[var] = form.get(var, 0) + s * coef
            outs.append(form)
        return pattern, outs


def unfold(net: Network) -> Unfolded:
    """Return the unfolded form of a paper-form network of depth >= 2 (the same function)."""
    if net.depth < 2 or net.form != "paper":
        raise MalformedError("unfold net: the lp route needs a paper-form network of depth >= 2")
    level = {(o,): Fraction(1) for o in range(net.output_dim)}
    copies, gains = [], []
    for l in range(net.depth - 1, 0, -1):  # hidden layer l, read by layer l + 1
        rows = net.sparse_layers[l].rows
        level = dict(sorted(((i, *c), g * abs(w)) for c, g in level.items() for i, w in rows[c[0]]))
        copies.append(tuple(level))
        gains.append(level)
    return Unfolded(net, tuple(reversed(copies)), tuple(reversed(gains)))


def lp_vertex(net: Network, grid: Grid, tol: Fraction) -> Network:
    """Return the unfolded N'' at a vertex of the paper's LP (module docstring, route "lp").

    Rows, all of the form row . v <= rhs with integer rows: at every grid point, the pattern of
    every copy (p pre-activation >= 0 where N' has it > 0, else <= 0) and |p y_o - p r_o| <= p tol/2;
    and |v_i| <= U, U a power of two above the unfolded weights (so the polyhedron is bounded).
    """
    un = unfold(net)
    nums, den = grid.chunk(0, grid.size)
    start_net = un.network()
    layers = forward(start_net, nums, den, chunk_plan(start_net, nums, den), all_layers=True)
    acts = [(Z > 0).T.tolist() for Z, _ in layers[:-1]]  # acts[l][m][n]
    h, n_var = pow2_below(tol), un.size
    rows, rhs = [], []
    for n, (j, want) in enumerate(zip(nums.tolist(), grid_values(net, grid))):
        pattern, outs = un.forms(j, grid.p, [[a[n] for a in layer] for layer in acts])
        for form, sign in pattern:
            rows.append(_dense(form, n_var, -sign))
            rhs.append(Fraction(0))
        for o, form in enumerate(outs):
            r = h * round(want[o] / h)
            rows += [_dense(form, n_var, 1), _dense(form, n_var, -1)]
            rhs += [grid.p * (r + tol / 2), -grid.p * (r - tol / 2)]
    start = un.variables()
    U = Fraction(2 ** math.ceil(max(abs(v) for v in start)).bit_length())
    for i in range(n_var):
        rows += [_dense({i: 1}, n_var, 1), _dense({i: 1}, n_var, -1)]
        rhs += [U, U]
    return un.network(vertex(rows, rhs, start))


def _dense(form: dict, size: int, sign: int) -> list[int]:
    """Return sign * form as a dense integer row."""
    row = [0] * size
    for v, c in form.items():
        row[v] = sign * c
    return row


def vertex(rows, rhs, start) -> list[Fraction]:
    """Return a vertex of the bounded polyhedron {v : rows . v <= rhs} reached from a feasible start.

    Keep the rows T found tight so far; move along a direction d with T d = 0 until a new row
    becomes tight (the first in order on ties) and add it to T. That row has row . d > 0 = T d,
    so it is independent of T: after n moves T has rank n and the point is the unique solution
    of T v = rhs_T. Exact (python-flint rationals), at most n moves.
    """
    import flint

    n = len(start)
    A = flint.fmpz_mat(rows)
    v = [flint.fmpq(q.numerator, q.denominator) for q in start]
    Av = (flint.fmpq_mat(A) * flint.fmpq_mat(n, 1, v)).entries()
    slack = [flint.fmpq(q.numerator, q.denominator) - a for q, a in zip(rhs, Av)]
    if any(s < 0 for s in slack):
        raise RationaliseError("rationalise lp: the unfolded N' violates its own LP (a bug)")
    tight: list[int] = []
    while len(tight) < n:
        if tight:
            basis, _ = flint.fmpz_mat([rows[r] for r in tight]).nullspace()
            d = [basis[i, 0] for i in range(n)]
        else:
            d = [1] + [0] * (n - 1)
        Ad = (A * flint.fmpz_mat(n, 1, d)).entries()
        step, hit = None, None
        for r, (s, a) in enumerate(zip(slack, Ad)):
            if a > 0 and (step is None or s / a < step):
                step, hit = s / a, r
        v = [vi + step * di for vi, di in zip(v, d)]
        slack = [s - step * a for s, a in zip(slack, Ad)]
        tight.append(hit)
    return [Fraction(int(q.p), int(q.q)) for q in v]
