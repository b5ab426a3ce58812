"""Exact linear regions (docs/regions.md): the 1-D breakpoint sweep and the 2-D cell split.

A network is a list of dense layers (W, b) of Fractions, the last one linear. On a region, every
neuron is an affine function of x with integer coefficients over the layer's denominator; a
region is split wherever a neuron changes sign strictly inside it, so ReLU is affine on each part.
"""

from dataclasses import dataclass
from fractions import Fraction
from math import gcd, lcm

import numpy as np

from .errors import LimitError


def dense(net, output=None) -> list:
    """Return a kernel Network as [(W, b), ...] (object arrays of Fractions); keep only `output` if given."""
    layers, prev = [], net.input_dim
    for layer in net.layers:
        W = np.full((layer.size, prev), Fraction(0), dtype=object)
        W[layer.rows, layer.cols] = np.array(layer.weights + (Fraction(0),), dtype=object)[:-1]
        b = np.array(layer.bias or (Fraction(0),) * layer.size, dtype=object)
        layers.append((W, b))
        prev = layer.size
    if output is not None:
        W, b = layers[-1]
        layers[-1] = (W[output:output + 1], b[output:output + 1])
    return layers


def difference(f, g) -> list:
    """Return the dense layers of x -> f(x) - g(x) (one output each; the shallower one is carried by
    relu(y) - relu(-y) through identity layers)."""
    f, g = _pad(f, max(len(f), len(g))), _pad(g, max(len(f), len(g)))
    out, last = [], len(f) - 1
    for k, ((W1, b1), (W2, b2)) in enumerate(zip(f, g)):
        if k == last:
            out.append((np.hstack([W1, -W2]), b1 - b2))
            continue
        if k == 0:  # both halves read the input
            W = np.vstack([W1, W2])
        else:  # block diagonal: each half reads its own previous layer
            W = np.full((W1.shape[0] + W2.shape[0], W1.shape[1] + W2.shape[1]), Fraction(0), dtype=object)
            W[:W1.shape[0], :W1.shape[1]], W[W1.shape[0]:, W1.shape[1]:] = W1, W2
        out.append((W, np.concatenate([b1, b2])))
    return out


def _pad(layers, depth) -> list:
    """Return one-output dense layers padded to `depth` with identity layers."""
    if len(layers) == depth:
        return layers
    (W, b), one, zero = layers[-1], Fraction(1), Fraction(0)
    out = layers[:-1] + [(np.vstack([W, -W]), np.concatenate([b, -b]))]
    eye = np.array([[one, zero], [zero, one]], dtype=object)
    out += [(eye, np.array([zero, zero], dtype=object))] * (depth - len(layers) - 1)
    return out + [(np.array([[one, -one]], dtype=object), np.array([zero], dtype=object))]


def integer(W, b):
    """Return (q, Wn, bn): the layer as integer object arrays Wn/q and bn/q."""
    q = lcm(1, *(v.denominator for v in list(W.ravel()) + list(b)))
    return q, np.vectorize(lambda v: v.numerator * (q // v.denominator), otypes=[object])(W).reshape(W.shape), \
        np.array([v.numerator * (q // v.denominator) for v in b], dtype=object)


@dataclass(frozen=True, eq=False)
class Pieces:
    """A continuous piecewise-linear function of one variable: on [x_k, x_{k+1}] it is (a_k x + b_k) / den.
    x_k = xn[k] / xd[k] (xd > 0, lowest terms); a, b are object arrays of ints; adjacent pieces differ."""

    xn: np.ndarray
    xd: np.ndarray
    a: np.ndarray
    b: np.ndarray
    den: int

    def __len__(self):
        return len(self.a)

    def x(self, k) -> Fraction:
        """Return breakpoint k."""
        return Fraction(int(self.xn[k]), int(self.xd[k]))

    def slope(self, k) -> Fraction:
        """Return the slope of piece k."""
        return Fraction(int(self.a[k]), self.den)


def _values(A, B, xn, xd):
    """Return (left, right) endpoint values, times den * xd, of every row of (A, B) on every piece."""
    return A * xn[:-1] + B * xd[:-1], A * xn[1:] + B * xd[1:]


def _split(xn, xd, A, B, L, R, i):
    """Split every piece where row i changes sign strictly inside it, at its zero -B/A; L, R are the rows'
    values at the left and right ends of every piece (times den * xd), kept up to date."""
    k = np.flatnonzero(((L[i] > 0) & (R[i] < 0)) | ((L[i] < 0) & (R[i] > 0)))
    if not len(k):
        return xn, xd, A, B, L, R
    a, b = A[i, k], B[i, k]
    num, den = np.where(a > 0, -b, b), np.abs(a)
    g = np.gcd(num, den)
    num, den = num // g, den // g
    V = A[:, k] * num + B[:, k] * den
    rep, at = np.ones(A.shape[1], dtype=np.int64), k + np.arange(len(k))
    rep[k] = 2
    A, B, L, R = (np.repeat(M, rep, axis=1) for M in (A, B, L, R))
    L[:, at + 1], R[:, at] = V, V
    return np.insert(xn, k + 1, num), np.insert(xd, k + 1, den), A, B, L, R


def _merge(xn, xd, A, B):
    """Remove the breakpoints between adjacent pieces on which every row is the same affine map."""
    same = np.all((A[:, 1:] == A[:, :-1]) & (B[:, 1:] == B[:, :-1]), axis=0)
    if not same.any():
        return xn, xd, A, B
    keep = np.concatenate([[True], ~same])
    return xn[np.concatenate([keep, [True]])], xd[np.concatenate([keep, [True]])], A[:, keep], B[:, keep]


def _layer(W, b, A, B, D):
    """Return the pre-activations (A', B') of the layer (W, b) over per-row denominators D' from the
    previous rows (A, B) over D: row j gets the least common denominator of what it reads."""
    rows = [[(i, W[j, i]) for i in np.flatnonzero(W[j] != 0)] for j in range(W.shape[0])]
    D2 = [lcm(b[j].denominator, *(w.denominator * D[i] for i, w in row)) for j, row in enumerate(rows)]
    A2, B2 = np.zeros((len(rows), A.shape[1]), dtype=object), np.zeros((len(rows), A.shape[1]), dtype=object)
    for j, row in enumerate(rows):
        for i, w in row:
            c = w.numerator * (D2[j] // (w.denominator * D[i]))
            A2[j] += A[i] if c == 1 else -A[i] if c == -1 else c * A[i]
            B2[j] += B[i] if c == 1 else -B[i] if c == -1 else c * B[i]
        B2[j] += b[j].numerator * (D2[j] // b[j].denominator)
    return A2, B2, D2


def _common_factor(g, row_a, row_b, chunk=1 << 16) -> int:
    """Return gcd(g, every entry of the two rows), stopping early once it is 1."""
    for M in (row_a, row_b):
        for start in range(0, len(M), chunk):
            if g == 1:
                return 1
            g = gcd(g, int(np.gcd.reduce(M[start:start + chunk])))
    return g


def sweep_1d(layers, lo: Fraction, hi: Fraction, limit=None, where="sweep", tick=None) -> Pieces:
    """Return the exact maximal affine pieces on [lo, hi] (lo < hi) of a one-input, one-output network;
    refuse (LimitError) more than `limit` pieces; tick() is called after each layer (it may raise)."""
    xn = np.array([lo.numerator, hi.numerator], dtype=object)
    xd = np.array([lo.denominator, hi.denominator], dtype=object)
    A, B, D = np.ones((1, 1), dtype=object), np.zeros((1, 1), dtype=object), [1]
    for k, (W, b) in enumerate(layers):
        A, B, D = _layer(W, b, A, B, D)
        if k < len(layers) - 1:
            L, R = _values(A, B, xn, xd)
            for i in range(A.shape[0]):
                xn, xd, A, B, L, R = _split(xn, xd, A, B, L, R, i)
            on = (L > 0) | (R > 0)
            A, B = np.where(on, A, 0), np.where(on, B, 0)
        xn, xd, A, B = _merge(xn, xd, A, B)
        if limit is not None and A.shape[1] > limit:
            raise LimitError(f"{where}: more than {limit} pieces (limit)")
        if tick:
            tick()
        for i in range(len(D)):
            g = _common_factor(D[i], A[i], B[i])
            if g > 1:
                A[i], B[i], D[i] = A[i] // g, B[i] // g, D[i] // g
    return Pieces(xn, xd, A[0], B[0], D[0])


def argmax(n, d) -> int:
    """Return the first index of the largest n[k] / d[k] (all d > 0), compared exactly."""
    idx = np.arange(len(n))
    while len(idx) > 1:
        left, right = idx[0:len(idx) - 1:2], idx[1::2]
        win = np.where((n[right] * d[left] - n[left] * d[right] > 0).astype(bool), right, left)
        idx = np.concatenate([win, idx[-1:]]) if len(idx) % 2 else win
    return int(idx[0])


def sup_abs_1d(p: Pieces, poly=()) -> tuple:
    """Return (max |f(x) - poly(x)|, a maximiser) on the pieces' interval; poly = (c0, c1, c2) has degree <= 2.

    On a piece, e = f - poly is a polynomial of degree <= 2: its extrema are at the endpoints and, for
    c2 != 0, at the vertex v = (a/den - c1) / (2 c2) if it lies inside, where e(v) = e(x_k) + c2 (v - x_k)^2."""
    c = [Fraction(v) for v in poly] + [Fraction(0)] * (3 - len(poly))
    C = lcm(*(v.denominator for v in c))
    c0, c1, c2 = (int(v * C) for v in c)
    a, b, n, d = np.append(p.a, p.a[-1]), np.append(p.b, p.b[-1]), p.xn, p.xd
    num = (a * n + b * d) * d * C - p.den * (c0 * d * d + c1 * n * d + c2 * n * n)  # e(x_k) = num / (den C d^2)
    cands = [(np.abs(num), p.den * C * d * d, n, d)]
    if c2:
        vn, vd = p.a * C - p.den * c1, np.full(len(p), 2 * p.den * c2, dtype=object)
        vn, vd = (-vn, -vd) if c2 < 0 else (vn, vd)
        k = np.flatnonzero((vn * d[:-1] > n[:-1] * vd) & (vn * d[1:] < n[1:] * vd))
        vn, vd, w = vn[k], vd[k], vn[k] * d[k] - n[k] * vd[k]  # v - x_k = w / (vd d_k)
        cands.append((np.abs(num[k] * vd * vd + c2 * p.den * w * w), p.den * C * d[k] * d[k] * vd * vd, vn, vd))
    num, dens, xs, xd = (np.concatenate(z) for z in zip(*cands))
    j = argmax(num, dens)
    return Fraction(int(num[j]), int(dens[j])), Fraction(int(xs[j]), int(xd[j]))


def _gcd_point(n1, n2, d):
    g = gcd(n1, n2, d) * (1 if d > 0 else -1)
    return (n1 // g, n2 // g, d // g)


def _cut(cell, s):
    """Return the parts of a convex polygon (vertices (n1, n2, D) in order) where s >= 0 and s <= 0."""
    pos, neg, m = [], [], len(cell)
    for k in range(m):
        v, w, sv, sw = cell[k], cell[(k + 1) % m], s[k], s[(k + 1) % m]
        if sv >= 0:
            pos.append(v)
        if sv <= 0:
            neg.append(v)
        if (sv > 0 > sw) or (sv < 0 < sw):
            p = _gcd_point(sw * v[0] - sv * w[0], sw * v[1] - sv * w[1], sw * v[2] - sv * w[2])
            pos.append(p), neg.append(p)
    return pos, neg


def _signs(cell, a1, a2, b) -> list:
    return [a1 * n1 + a2 * n2 + b * d for n1, n2, d in cell]


def cells_2d(layers, lo, hi, limit=None, where="cells", tick=None) -> tuple:
    """Return (cells, den): the linear regions of a two-input, one-output network on the box [lo, hi]
    (lo < hi coordinatewise), each (vertices, (a1, a2, b)) with output (a1 x1 + a2 x2 + b) / den."""
    D = lcm(*(v.denominator for v in list(lo) + list(hi)))
    corners = [(lo[0], lo[1]), (hi[0], lo[1]), (hi[0], hi[1]), (lo[0], hi[1])]
    box = [_gcd_point(int(u * D), int(v * D), D) for u, v in corners]
    cells, den = [(box, np.array([[1, 0, 0], [0, 1, 0]], dtype=object))], 1
    for k, (W, b) in enumerate(layers):
        q, Wn, bn = integer(W, b)
        lift = np.zeros((len(bn), 3), dtype=object)
        lift[:, 2] = bn * den
        cells, den = [(cell, Wn @ M + lift) for cell, M in cells], den * q
        if k == len(layers) - 1:
            break
        for i in range(len(bn)):
            if tick:
                tick()
            out = []
            for cell, M in cells:
                s = _signs(cell, *M[i])
                if min(s) < 0 < max(s):
                    pos, neg = _cut(cell, s)
                    out += [(pos, M), (neg, M)]
                else:
                    out.append((cell, M))
            cells = out
        cells = [(cell, M * np.array([[any(v > 0 for v in _signs(cell, *row))] for row in M], dtype=object))
                 for cell, M in cells]
        if limit is not None and len(cells) > limit:
            raise LimitError(f"{where}: more than {limit} linear regions (limit)")
    return [(cell, tuple(M[0])) for cell, M in cells], den
