"""Exact linear regions of one-input networks: `regions_1d`, the continuous sup-error and Lipschitz constant.

The sweep carries, layer by layer, the exact values of every neuron at a sorted set of points of
[lo, hi]. Between two consecutive points every neuron of the current layer is affine, so a ReLU
can only bend where a neuron's values at two neighbours have strictly opposite signs; that zero is
inserted as a new point (the other neurons' values there follow by linear interpolation). Points
where every neuron continues straight are dropped. (The kernel checks the same claims with a
different algorithm, on affine coefficients per piece: certify/kernel/regions.py.)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from math import lcm

import numpy as np

from .kernel.errors import MalformedError
from .network import Network


def _obj(values) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = [int(v) for v in values]
    return out


@dataclass(frozen=True)
class Piece:
    """One maximal affine piece: f(x) = slope * x + intercept on [lo, hi]."""

    lo: Fraction
    hi: Fraction
    slope: Fraction
    intercept: Fraction


@dataclass(frozen=True, eq=False)
class Regions1D(Sequence):
    """The maximal affine pieces of one output of a one-input network on [lo, hi].

    Stored compactly: breakpoints x_k = xn[k] / xd[k] and values f(x_k) = yn[k] / yd[k] (object arrays
    of Python ints, denominators > 0); `pieces[k]` is a Piece of exact Fractions."""

    xn: np.ndarray
    xd: np.ndarray
    yn: np.ndarray
    yd: np.ndarray

    def __len__(self) -> int:
        return len(self.xn) - 1

    def __getitem__(self, k):
        if isinstance(k, slice):
            return [self[i] for i in range(*k.indices(len(self)))]
        k = range(len(self))[k]
        x0, x1 = self.x(k), self.x(k + 1)
        y0, y1 = Fraction(int(self.yn[k]), int(self.yd[k])), Fraction(int(self.yn[k + 1]), int(self.yd[k + 1]))
        slope = (y1 - y0) / (x1 - x0)
        return Piece(x0, x1, slope, y0 - slope * x0)

    def x(self, k) -> Fraction:
        """Return breakpoint k (0 and len(self) are the interval's ends)."""
        return Fraction(int(self.xn[k]), int(self.xd[k]))

    def breakpoints(self) -> list[Fraction]:
        """Return the interior breakpoints (where the slope changes)."""
        return [self.x(k) for k in range(1, len(self))]

    def slope_arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """Return every piece's slope as (numerators, positive denominators), in lowest terms."""
        xn, xd, yn, yd = self.xn, self.xd, self.yn, self.yd
        num = (yn[1:] * yd[:-1] - yn[:-1] * yd[1:]) * xd[1:] * xd[:-1]
        den = (xn[1:] * xd[:-1] - xn[:-1] * xd[1:]) * yd[1:] * yd[:-1]
        g = np.gcd(num, den)
        return num // g, den // g

    def slopes(self) -> list[Fraction]:
        """Return the distinct slopes, in increasing order."""
        num, den = self.slope_arrays()
        return sorted(Fraction(n, d) for n, d in set(zip(num.tolist(), den.tolist())))

    def lipschitz(self) -> Fraction:
        """Return the exact Lipschitz constant on [lo, hi]: the largest |slope|."""
        num, den = self.slope_arrays()
        k = argmax(np.abs(num), den)
        return Fraction(abs(int(num[k])), int(den[k]))


def argmax(num, den) -> int:
    """Return the first index of the largest num/den (den > 0), compared exactly (pairwise tournament)."""
    idx = np.arange(len(num))
    while len(idx) > 1:
        a, b = idx[0:len(idx) - 1:2], idx[1::2]
        win = np.where((num[b] * den[a] > num[a] * den[b]).astype(bool), b, a)
        idx = np.concatenate([win, idx[-1:]]) if len(idx) % 2 else win
    return int(idx[0])


def _integer_layer(layer):
    """Return (q, rows as [(i, j, w_int)], bias ints) with the layer's values w = w_int / q."""
    values = [w for row in layer.rows for _, w in row] + list(layer.bias or ())
    q = lcm(1, *(v.denominator for v in values))
    triples = [(i, j, int(w * q)) for i, row in enumerate(layer.rows) for j, w in row]
    bias = [int(b * q) for b in layer.bias] if layer.bias is not None else [0] * layer.size
    return q, triples, bias


def _apply(layer, Z, E):
    """Return the layer's pre-activations (Z', E') at every point from the previous values Z / E."""
    q, triples, bias = _integer_layer(layer)
    out = np.zeros((layer.size, Z.shape[1]), dtype=object)
    for i, j, w in triples:
        out[i] += w * Z[j]
    out += np.array(bias, dtype=object)[:, None] * E
    return _reduce(out, E * q)


def _reduce(Z, E):
    """Return Z / E with each point's values and denominator divided by their common factor."""
    g = np.gcd(np.gcd.reduce(Z, axis=0), E) if Z.shape[0] else E
    return Z // g, E // g


def _split(xn, xd, Z, E, i):
    """Insert, between neighbours where neuron i has strictly opposite signs, the point where it is 0."""
    za, zb = Z[i, :-1], Z[i, 1:]
    k = np.flatnonzero(((za > 0) & (zb < 0)) | ((za < 0) & (zb > 0)))
    if not len(k):
        return xn, xd, Z, E
    Ea, Eb = E[k], E[k + 1]
    tn, td = Z[i, k] * Eb, Z[i, k] * Eb - Z[i, k + 1] * Ea  # t = (x* - x_a) / (x_b - x_a), in (0, 1)
    tn, td = np.where(td < 0, -tn, tn), np.abs(td)
    na, da, nb, db = xn[k], xd[k], xn[k + 1], xd[k + 1]
    pn, pd = na * db * (td - tn) + nb * da * tn, da * db * td
    g = np.gcd(pn, pd)
    Zn, En = _reduce(Z[:, k] * Eb * (td - tn) + Z[:, k + 1] * Ea * tn, Ea * Eb * td)
    Zn[i] = 0
    return (np.insert(xn, k + 1, pn // g), np.insert(xd, k + 1, pd // g),
            np.insert(Z, k + 1, Zn, axis=1), np.insert(E, k + 1, En))


def _straight(xn, xd, Z, E) -> np.ndarray:
    """Return a mask of the interior points where every row has equal slopes on both sides.

    On segment k the slope is dz_k xd_k xd_{k+1} / (E_k E_{k+1} dx_k), dz_k = Z_{k+1} E_k - Z_k E_{k+1},
    dx_k = xn_{k+1} xd_k - xn_k xd_{k+1} > 0; compare neighbours by cross-multiplying."""
    if len(xn) < 3:
        return np.zeros(0, dtype=bool)
    dz = Z[:, 1:] * E[:-1] - Z[:, :-1] * E[1:]
    dx = xn[1:] * xd[:-1] - xn[:-1] * xd[1:]
    left, right = xd[:-2] * E[2:] * dx[1:], xd[2:] * E[:-2] * dx[:-1]
    return np.all(dz[:, :-1] * left == dz[:, 1:] * right, axis=0)


def _merge(xn, xd, Z, E):
    """Drop the interior points where every row continues straight."""
    keep = np.concatenate([[True], ~_straight(xn, xd, Z, E), [True]])
    return xn[keep], xd[keep], Z[:, keep], E[keep]


def regions_1d(net: Network, lo, hi, output: int = 0) -> Regions1D:
    """Return the exact maximal affine pieces of output `output` of a one-input network on [lo, hi]."""
    lo, hi = Fraction(lo), Fraction(hi)
    if net.input_dim != 1:
        raise MalformedError(f"regions_1d needs a one-input network, got input_dim {net.input_dim}")
    if not lo < hi:
        raise MalformedError(f"regions_1d needs lo < hi, got [{lo}, {hi}]")
    if not 0 <= output < net.output_dim:
        raise MalformedError(f"output {output} out of range (the network has {net.output_dim})")
    xn, xd = _obj([lo.numerator, hi.numerator]), _obj([lo.denominator, hi.denominator])
    Z, E = xn[None, :].copy(), xd.copy()
    for l, layer in enumerate(net.sparse_layers, 1):
        Z, E = _apply(layer, Z, E)
        if l < net.depth:
            for i in range(layer.size):
                xn, xd, Z, E = _split(xn, xd, Z, E, i)
            Z = np.where(Z > 0, Z, 0)
        else:
            Z, E = _reduce(Z[output:output + 1], E)
        xn, xd, Z, E = _merge(xn, xd, Z, E)
    return Regions1D(xn, xd, Z[0], E)


def difference_network(net: Network, target: Network, output: int, t: int) -> Network:
    """Return the network x -> net(x)_output - target(x)_t."""
    pick = lambda n, o: n.linear_readout([[1 if j == o else 0 for j in range(n.output_dim)]])
    return Network.sum(pick(net, output), pick(target, t).scale(-1))


def poly_coefficients(target) -> list[Fraction]:
    """Return the coefficients (c0, c1, c2) of a polynomial target of degree <= 2 (list or sympy expression)."""
    if isinstance(target, (list, tuple)):
        coeffs = [Fraction(c) for c in target]
    else:
        import sympy
        if isinstance(target, (int, Fraction)):
            return [Fraction(target), Fraction(0), Fraction(0)]
        if not isinstance(target, sympy.Basic):  # never sympify: it would eval a string
            raise MalformedError(f"polynomial target {str(target)[:40]!r}: give coefficients or a sympy expression")
        expr = target
        syms = sorted(expr.free_symbols, key=str)
        if len(syms) > 1:
            raise MalformedError(f"polynomial target {target} has more than one variable")
        poly = sympy.Poly(expr, *syms) if syms else sympy.Poly(expr, sympy.Symbol("x"))
        if any(not c.is_Rational for c in poly.all_coeffs()):
            raise MalformedError(f"polynomial target {target} has non-rational coefficients")
        coeffs = [Fraction(int(c.p), int(c.q)) for c in reversed(poly.all_coeffs())]
    if len(coeffs) > 3 and any(coeffs[3:]):
        raise MalformedError("continuous sup-error supports polynomial targets of degree <= 2")
    return (coeffs + [Fraction(0)] * 3)[:3]


@dataclass(frozen=True)
class ContinuousSup:
    """sup over [lo, hi] of |N(x) - f(x)|, exact, with a point attaining it and both values there."""

    value: Fraction
    point: Fraction
    network_value: Fraction
    target_value: Fraction
    pieces: int


def sup_error_1d(net: Network, lo, hi, target=None, *, output: int = 0, target_output: int = 0,
                 regions: Regions1D | None = None) -> ContinuousSup:
    """Return the exact sup over the whole interval [lo, hi] of |N(x)_output - f(x)|.

    `target` is None (f = 0), a Network (piecewise linear; output `target_output`), a sympy expression
    in one variable, or coefficients [c0, c1, c2] of a polynomial of degree <= 2. The error is
    piecewise linear or quadratic, so its extrema lie at breakpoints or at a piece's vertex.
    `regions`: regions_1d(net, lo, hi, output) if already computed (not used with a Network target)."""
    from .reference import evaluate_point
    if isinstance(target, Network):
        regions = regions_1d(difference_network(net, target, output, target_output), lo, hi)
        coeffs = [Fraction(0)] * 3
    else:
        regions = regions if regions is not None else regions_1d(net, lo, hi, output)
        coeffs = poly_coefficients(target if target is not None else [0])
    num, den, xn, xd = _error_candidates(regions, coeffs)
    k = argmax(np.abs(num), den)
    x = Fraction(int(xn[k]), int(xd[k]))
    n = evaluate_point(net, [x])[output]
    f = evaluate_point(target, [x])[target_output] if isinstance(target, Network) else \
        coeffs[0] + coeffs[1] * x + coeffs[2] * x * x
    if abs(n - f) != Fraction(abs(int(num[k])), int(den[k])):
        raise RuntimeError(f"internal error: sweep and reference evaluator disagree at x = {x}")
    return ContinuousSup(abs(n - f), x, n, f, len(regions))


def _error_candidates(regions: Regions1D, coeffs):
    """Return (num, den, xn, xd): the error N - p at every breakpoint and at every vertex of a
    quadratic error inside its piece, as exact fractions num/den at points xn/xd."""
    C = lcm(*(c.denominator for c in coeffs))
    c0, c1, c2 = (int(c * C) for c in coeffs)
    xn, xd, yn, yd = regions.xn, regions.xd, regions.yn, regions.yd
    num = yn * C * xd * xd - yd * (c0 * xd * xd + c1 * xn * xd + c2 * xn * xn)
    den = yd * C * xd * xd
    if not c2:
        return num, den, xn, xd
    sn, sd = regions.slope_arrays()  # vertex of the error on piece k: v = (s - c1/C) / (2 c2/C)
    vn, vd = sn * C - c1 * sd, 2 * c2 * sd
    vn, vd = np.where(vd < 0, -vn, vn), np.abs(vd)
    k = np.flatnonzero((vn * xd[:-1] > xn[:-1] * vd) & (vn * xd[1:] < xn[1:] * vd))
    w = vn[k] * xd[k] - xn[k] * vd[k]  # e(v) = e(x_k) + c2 (v - x_k)^2, v - x_k = w / (vd xd_k)
    vnum = num[k] * vd[k] * vd[k] + c2 * w * w * yd[k]
    vden = den[k] * vd[k] * vd[k]
    vn, vd = vn[k], vd[k]
    return (np.concatenate([num, vnum]), np.concatenate([den, vden]),
            np.concatenate([xn, vn]), np.concatenate([xd, vd]))
