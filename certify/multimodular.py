"""Exact evaluation when integer values outgrow int64: float64 signs with a proof, values modulo primes.

The fast evaluator (evaluate.py) keeps each layer's values as integers Z over a denominator D,
and a layer maps (V, D) to Wn V + bn D (then ReLU). When a proven bound on |Z| is >= 2^63,
`forward` here computes the same integers in two parts, exactly:

1. ReLU signs in float64. A float64 pass on the real values z = Z/D gives z^ with |z^ - z| <= E
   at every point of the chunk's box, E proven a priori per neuron (`_error_bounds`). Where
   |z^| > E the sign of z is that of z^; the other entries (exact zeros, for example) are left
   undecided here and decided exactly in part 2. No float ever decides a sign without this bound.
2. Values modulo primes. With the signs known each layer is linear, so Z is computed modulo k
   primes p whose product P exceeds twice the proven bound on every |Z|. Residues are balanced
   (|r| <= p/2 + 3) and p is small enough that every partial sum of the float64 matrix products
   is an integer of magnitude <= 2^53 - p: the products are exact in any summation order.
   Undecided signs and the layer values asked for are recovered by CRT: balanced mixed-radix
   digits (Garner), whose highest non-zero digit gives the sign, then Python ints.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import flint
import numpy as np

from .evaluate import integer_layers
from .network import Network

U = 2.0**-53  # unit roundoff of float64
TINY = 2.0**-1000  # absolute slack covering every underflow (each is <= 2^-1074 per operation)
HUGE = 2.0**900  # larger bounds disable the float pass (everything is then decided by CRT)
SAFE = 1 + 2.0**-20  # covers the rounding of the float computation of the bounds themselves
BLOCK_VALUES = 2**17  # residues per block of points (k primes x points x width): they stay in cache


# ---- exact arithmetic modulo primes in float64 ----------------------------------------------

def _max_prime(n_terms: int) -> int:
    """Return the largest p with n_terms * ((p + 5)/2) * ((p - 1)/2) <= 2^53 - p.

    Then a sum of n_terms products (balanced residue <= (p+5)/2) x (exactly balanced residue
    <= (p-1)/2) has every partial sum an integer of magnitude <= 2^53 - p: exact in float64.
    """
    p = 2 * math.isqrt(2**53 // n_terms) + 8
    while n_terms * (p + 5) * (p - 1) > 4 * (2**53 - p):
        p -= 1
    return p


def choose_primes(n_terms: int, bound: int) -> tuple[int, ...]:
    """Return the largest primes allowed for n_terms whose product exceeds 2 * bound.

    n_terms >= 4 keeps p^2 < 2^53 - p, which the CRT below relies on.
    """
    primes, prod, p = [], 1, _max_prime(max(n_terms, 4))
    while prod <= 2 * bound or not primes:
        if flint.fmpz(p).is_prime():
            primes.append(p)
            prod *= p
        p -= 1
    return tuple(primes)


def _reduce(x: np.ndarray, p, out: np.ndarray | None = None, tmp: np.ndarray | None = None) -> np.ndarray:
    """Return x - p*rint(x/p), congruent to x mod p, for integer-valued floats |x| <= 2^53 - p.

    fl(x * fl(1/p)) is within 2.01u|x/p| < 3/p of x/p, so t = rint(.) has |t - x/p| <= 1/2 + 3/p;
    t*p is an integer <= |x| + p <= 2^53 (exact), and so is x - t*p, of magnitude <= p/2 + 3.
    """
    t = np.multiply(x, 1.0 / p, out=tmp)
    np.rint(t, out=t)
    t *= p
    return np.subtract(x, t, out=out)


def _balanced(x: np.ndarray, p) -> np.ndarray:
    """Return the exactly balanced residue (|r| <= (p-1)/2, p odd) of integer floats |x| <= 2^53 - p."""
    r = _reduce(x, p)
    h = (p - 1) / 2
    r -= p * (r > h)
    r += p * (r < -h)
    return r


def _balanced_int(v: int, p: int) -> int:
    """Return the residue of v modulo the odd p in [-(p-1)/2, (p-1)/2]."""
    return (v + p // 2) % p - p // 2


class _CRT:
    """Balanced mixed-radix reconstruction for a tuple of primes (Garner's algorithm)."""

    def __init__(self, primes: tuple[int, ...]):
        self.primes = primes
        k = len(primes)
        M = [math.prod(primes[:j]) for j in range(k)]
        self.m = [np.array([float(_balanced_int(M[j], p)) for j in range(i)]) for i, p in enumerate(primes)]
        self.inv = [float(_balanced_int(pow(M[i], -1, p), p)) for i, p in enumerate(primes)]
        pmax = max(primes)
        # dot products of <= g terms (exact digit <= (p-1)/2) x (<= (p-1)/2) stay <= 2^53 - pmax
        self.g = max(1, 4 * (2**53 - pmax) // (pmax - 1) ** 2 - 1)
        self.radix = [primes[i] * (primes[i + 1] if i + 1 < k else 1) for i in range(0, k, 2)]

    def digits(self, R: np.ndarray) -> np.ndarray:
        """Return the balanced digits a (k, m) with X = sum_i a_i p_0...p_{i-1}, X = R mod p_i.

        R holds residues with |r| <= p/2 + 3. Digits satisfy |a_i| <= (p_i - 1)/2, so X is the
        unique such integer with |X| <= (P - 1)/2, and sign(X) = sign of the highest non-zero digit.
        """
        A = np.empty_like(R)
        for i, p in enumerate(self.primes):
            t = np.zeros(R.shape[1])
            for s in range(0, i, self.g):  # t = sum_{j<i} a_j (p_0...p_{j-1} mod p_i) mod p_i
                t += _reduce(self.m[i][s:s + self.g] @ A[s:min(i, s + self.g)], p)
                _reduce(t, p, out=t)
            A[i] = _balanced((R[i] - t) * self.inv[i], p)  # |R - t| <= p + 6: product < 2^53 - p
        return A

    def signs(self, R: np.ndarray) -> np.ndarray:
        """Return the signs (-1, 0, 1) of the integers with residues R (k, m)."""
        s = np.zeros(R.shape[1])
        for a in self.digits(R):
            s = np.where(a != 0, np.sign(a), s)
        return s

    def integers(self, R: np.ndarray) -> np.ndarray:
        """Return the integers (object array of Python ints, shape R.shape[1:]) with residues R."""
        shape = R.shape[1:]
        A = self.digits(R.reshape(len(self.primes), -1))
        # pairs of digits a_i + p_i a_{i+1} are integers < 2^50: exact in float64 and int64
        pairs = [(A[i] + self.primes[i] * A[i + 1]) if i + 1 < len(A) else A[i] for i in range(0, len(A), 2)]
        Z = pairs[-1].astype(np.int64).astype(object)
        for s, r in zip(pairs[-2::-1], self.radix[-2::-1]):
            Z = Z * r + s.astype(np.int64).astype(object)
        return Z.reshape(shape)


# ---- per-network data (cached) and per-chunk bounds -----------------------------------------

@dataclass
class _Layer:
    """One layer, denominators cleared as in integer_layers: Wn[rows, cols] = vals, bias bn, factor q."""

    rows: np.ndarray
    cols: np.ndarray
    vals: np.ndarray  # object array of ints
    bias: np.ndarray  # object array of ints
    q: int
    in_size: int
    size: int
    Wf: np.ndarray  # the real weights w = Wn/q rounded to float64 (in_size x size), and the biases
    bf: np.ndarray
    augmented: np.ndarray  # [[Wf, 0], [bf, 1]] for the float pass


def _network_data(net: Network) -> dict:
    """Return the layers (`_Layer`), whether the float pass may run, and a residue cache (cached)."""
    cached = net.__dict__.get("_multimodular")
    if cached is not None:
        return cached
    data = {"layers": [], "floatable": True, "residues": (None, None)}
    for L, layer in zip(integer_layers(net), net.sparse_layers):
        rows = np.array([i for i, r in enumerate(L.rows) for _ in r], dtype=np.int64)
        cols = np.array([j for r in L.rows for j, _ in r], dtype=np.int64)
        wf = np.array([float(w) for r in layer.rows for _, w in r])  # correctly rounded, same order
        bf = np.array([float(b) for b in layer.bias or (0,) * layer.size])
        Wf = np.zeros((L.in_size, L.size))
        Wf[cols, rows] = wf
        data["layers"].append(_Layer(rows, cols, np.array([w for r in L.rows for _, w in r], dtype=object),
                                     np.array(L.bias, dtype=object), L.q, L.in_size, L.size, Wf, bf,
                                     _augment(Wf, bf, 1.0)))
        # |fl(w) - w| <= u|w| needs w in the normal range: |fl(w)| in [2^-999, 2^999] (0 if w underflows)
        nonzero = np.abs(np.concatenate([wf, [float(b) for b in layer.bias or () if b]]))
        data["floatable"] &= bool(np.all((nonzero >= 2.0**-999) & (nonzero <= 2.0**999)))
    net.__dict__["_multimodular"] = data
    return data


def _augment(W: np.ndarray, b: np.ndarray, q) -> np.ndarray:
    """Return [[W, 0], [b, q]]: with a constant last input column c, x -> (W x + b c, q c)."""
    A = np.zeros((W.shape[0] + 1, W.shape[1] + 1), dtype=W.dtype)
    A[:-1, :-1], A[-1, :-1], A[-1, -1] = W, b, q
    return A


def _residue_matrices(data: dict, primes: tuple[int, ...]) -> list[np.ndarray]:
    """Return per layer the k stacked [[Wn, 0], [bn, q]] mod p, exactly balanced (cached for one tuple).

    The last column of the values holds D mod p, so the bias term is bn D and the next column D q.
    """
    if data["residues"][0] != primes:
        mats = []
        for L in data["layers"]:
            M = np.zeros((len(primes), L.in_size + 1, L.size + 1))
            for m, p in zip(M, primes):
                m[L.cols, L.rows] = [_balanced_int(int(v), p) for v in L.vals]
                m[-1, :-1] = [_balanced_int(int(v), p) for v in L.bias]
                m[-1, -1] = _balanced_int(L.q, p)
            mats.append(M)
        data["residues"] = (primes, mats)
    return data["residues"][1]


def _up(a: int, b: int) -> float:
    """Return a float >= a/b >= 0 (the next float above the correctly rounded quotient)."""
    try:
        return math.nextafter(a / b, math.inf)
    except OverflowError:
        return math.inf


def _bounds(data: dict, ilo: np.ndarray, ihi: np.ndarray, den: int):
    """Return (max partial-sum bound over all layers, per-layer float error bounds E or None).

    Exact interval propagation from the box [ilo, ihi]/den gives, per neuron, the bound on every
    partial sum of |Z| (as plan_for_box) and the largest |value| H after the ReLU. `_error_bounds`
    turns them into the float-pass error bounds (None if the float pass is not usable: every
    sign is then decided by CRT).
    """
    lo, hi, D = ilo.astype(object), ihi.astype(object), den
    H = [[_up(int(v), D) for v in np.maximum(abs(lo), abs(hi))]]
    worst = 0
    for L in data["layers"]:
        a, c = L.vals * lo[L.cols], L.vals * hi[L.cols]
        s_lo, s_hi, mag = L.bias * D, L.bias * D, abs(L.bias * D)
        np.add.at(s_lo, L.rows, np.minimum(a, c))
        np.add.at(s_hi, L.rows, np.maximum(a, c))
        np.add.at(mag, L.rows, np.maximum(abs(a), abs(c)))
        worst = max(worst, *mag)
        D *= L.q
        lo, hi = np.maximum(s_lo, 0), np.maximum(s_hi, 0)
        H.append([_up(int(v), D) for v in hi])
    return int(worst), _error_bounds(data, H[:-1])


def _error_bounds(data: dict, H: list) -> list | None:
    """Return per layer E (float64 per neuron) with |z^ - z| <= E for the float pass, or None.

    Let h be the exact inputs of a layer (|h_j| <= H_j, exact bounds) and h^ the float ones
    (|h^_j - h_j| <= e_j); w^ = fl(w), b^ = fl(b) (|w^ - w| <= u|w| <= u'|w^|, u' = u/(1-u)).
    The pass computes z^_i = fl(sum_j w^_ij h^_j + b^_i * 1), one float64 dot product of n+1 terms
    in some order, so (Higham, Accuracy and Stability, (3.5); with or without FMA)
        |z^_i - sum_j w^_ij h^_j - b^_i| <= g_{n+1} (A_i + |b^_i|),  A_i = sum_j |w^_ij| (H_j + e_j),
    with g_m = m u / (1 - m u) <= 1.01 m u, and
        |sum_j w^ h^ + b^ - (sum_j w h + b)| <= u' A_i + (1 + u') sum_j |w^_ij| e_j + u' |b^_i|.
    So E_i = (g_{n+1} + u')(A_i + |b^_i|) + (1 + u') B_i, B_i = sum_j |w^_ij| e_j, bounds
    |z^_i - z_i|; ReLU is 1-Lipschitz, so E also bounds the error of the layer's outputs (the next
    e). Inputs are correctly rounded: e = u H. Underflow adds at most 2^-1074 per operation:
    TINY covers it. The bounds are themselves computed in float64 from upper bounds of H: each
    of the < 2^30 roundings loses a factor >= 1 - u, which SAFE makes up for. A bound > HUGE
    (or a weight outside the normal range) disables the pass.
    """
    if not data["floatable"]:
        return None
    e = None
    out = []
    for L, Hl in zip(data["layers"], H):
        Wf, bf, Hf = L.Wf, L.bf, np.array(Hl)
        if e is None:
            e = Hf * U + TINY
        n = Wf.shape[0]
        if n >= 2**29 or not Hf.max(initial=0) < HUGE:
            return None
        absW = np.abs(Wf)
        A, B = (Hf + e) @ absW, e @ absW
        E = SAFE * ((1.01 * (n + 1) * U + 1.01 * U) * (A + np.abs(bf)) + (1 + 1.01 * U) * B) + TINY
        if not E.max(initial=0) < HUGE:
            return None
        out.append(E)
        e = E
    return out


# ---- the forward pass -------------------------------------------------------------------------

def _float_inputs(nums: np.ndarray, den: int) -> np.ndarray:
    """Return nums/den correctly rounded to float64."""
    if nums.dtype != object and den <= 2**53 and np.abs(nums).max(initial=0) <= 2**53:
        return nums.astype(np.float64) / float(den)  # exact operands, one correctly rounded division
    return np.array([[int(v) / den for v in row] for row in nums], dtype=np.float64).reshape(nums.shape)


def forward(net: Network, nums: np.ndarray, den: int, all_layers: bool = False):
    """Return [(Z_l, D_l)]: exact integer values (object arrays) of every layer, or just the output.

    Values are kept with one more column, which holds the denominator D (or 1 in the float pass):
    the augmented weight matrices then add the bias term and carry D to the next layer.
    """
    data = _network_data(net)
    n_layers, sizes = len(data["layers"]), [L.size for L in data["layers"]]
    bound, E = _bounds(data, nums.min(axis=0), nums.max(axis=0), den)
    primes = choose_primes(max(L.in_size for L in data["layers"]) + 1, bound)
    crt, k, n = _CRT(primes), len(primes), nums.shape[0]
    P = np.array(primes, dtype=np.float64).reshape(k, 1, 1)
    Wm = _residue_matrices(data, primes)
    block = max(8, min(4096, BLOCK_VALUES // (k * (max(nums.shape[1], *sizes) + 1))))
    if E is not None:
        X = np.ones((n, nums.shape[1] + 1))
        X[:, :-1] = _float_inputs(nums, den)
        E = [np.append(e, 0.5) for e in E]  # the constant column is exactly 1 > 0.5: kept
    den_mod = np.array([float(_balanced_int(den, p)) for p in primes]).reshape(k, 1)
    Pn = np.array(primes, dtype=object if nums.dtype == object else np.int64).reshape(k, 1, 1)
    hidden = [[] for _ in range(n_layers - 1)]
    out = np.empty((k, n, sizes[-1]))
    for start in range(0, n, block):
        rows = slice(start, start + block)
        r = (nums[None, rows] % Pn).astype(np.float64)
        c = r.shape[1]
        V = np.empty((k, c, r.shape[2] + 1))
        V[:, :, :-1] = r - P * (r > P // 2)
        V[:, :, -1] = den_mod
        h = X[rows] if E is not None else None
        for l in range(n_layers):
            V = np.matmul(V, Wm[l])  # exact: <= in_size + 1 terms (choose_primes)
            _reduce(V, P, out=V)
            if l == n_layers - 1:
                out[:, rows] = V[:, :, :-1]
                break
            # ReLU: pos = 1 where Z > 0, 0 where Z <= 0 (and 1 for the D column)
            if E is None:
                pos, undecided = np.ones((c, sizes[l] + 1)), np.ones((c, sizes[l] + 1), dtype=bool)
                undecided[:, -1] = False
            else:
                z = h @ data["layers"][l].augmented
                pos = np.greater(z, E[l], out=np.empty_like(z), casting="unsafe")
                undecided = ~(np.abs(z) > E[l])  # (a NaN would be undecided: decided by CRT)
                h = np.maximum(z, 0, out=z)
            if undecided.any():
                i, j = np.nonzero(undecided)
                pos[i, j] = crt.signs(V[:, i, j]) > 0
            V *= pos
            if all_layers:
                hidden[l].append(crt.integers(V[:, :, :-1]))
    Ds = [den]
    for L in data["layers"]:
        Ds.append(Ds[-1] * L.q)
    layers = [(np.concatenate(Z), D) for Z, D in zip(hidden, Ds[1:])] if all_layers else []
    return layers + [(crt.integers(out), Ds[-1])]
