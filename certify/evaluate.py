"""Exact evaluation at float speed: integer values over known denominators.

Every layer's values on a chunk of points are integers Z over one denominator D. A layer with
weights Wn/q and biases bn/q maps (V, D) to (Wn V + bn D, q D). Exact interval propagation over
the domain's bounding box proves a bound M on every partial sum of every neuron; then
- M < 2^53: float64 BLAS products are exact whatever the summation order ("float64");
- M < 2^63: int64 products are exact ("int64");
- otherwise the whole network runs on the multimodular path ("multimodular", see
  multimodular.py): float64 ReLU signs with a proven error bound, values modulo primes, CRT.
  (`_apply` keeps python-flint fmpz_mat products, "bigint", for plans that ask for them.)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import flint
import numpy as np
import scipy.sparse

from .domain import Domain, as_domain
from .network import Network

FLOAT_EXACT = 2**53
INT64_EXACT = 2**63 - 1
CHUNK = 1 << 15


@dataclass(frozen=True)
class IntLayer:
    """A layer with denominators cleared: values Wn/q and bn/q, relu unless it is the output."""

    q: int
    rows: tuple[tuple[tuple[int, int], ...], ...]
    bias: tuple[int, ...]
    in_size: int
    relu: bool

    @property
    def size(self) -> int:
        return len(self.rows)

    def matrix(self, kind: str):
        """Return Wn^T (in_size x size) as float64 or int64, or an fmpz_mat (cached).

        A sparse layer (under 5% non-zero, over 10^5 entries) gets float64 as a scipy CSR matrix
        of Wn (size x in_size) instead: exactness does not depend on the summation order.
        """
        cache = self.__dict__.setdefault("_matrices", {})
        if kind not in cache:
            rows = [i for i, row in enumerate(self.rows) for _ in row]
            cols = [j for row in self.rows for j, _ in row]
            vals = [w for row in self.rows for _, w in row]
            if kind == "float64" and len(vals) < 0.05 * self.size * self.in_size and self.size * self.in_size > 10**5:
                cache[kind] = scipy.sparse.csr_matrix((np.array(vals, dtype=np.float64), (rows, cols)),
                                                      shape=(self.size, self.in_size))
                return cache[kind]
            m = np.zeros((self.in_size, self.size), dtype=np.float64 if kind == "float64" else object)
            m[cols, rows] = np.array(vals, dtype=m.dtype)
            cache[kind] = m if kind == "float64" else m.astype(np.int64) if kind == "int64" else _to_fmpz_mat(m)
        return cache[kind]


def integer_layers(net: Network) -> tuple[IntLayer, ...]:
    """Return the network's layers with each layer's denominators cleared (cached on the network)."""
    cached = net.__dict__.get("_integer_layers")
    if cached is not None:
        return cached
    out = []
    for l, layer in enumerate(net.sparse_layers, 1):
        bias = layer.bias or (Fraction(0),) * layer.size
        q = math.lcm(1, *(w.denominator for r in layer.rows for _, w in r), *(b.denominator for b in bias))
        rows = tuple(tuple((j, int(w * q)) for j, w in r) for r in layer.rows)
        out.append(IntLayer(q, rows, tuple(int(b * q) for b in bias), layer.in_size, l < net.depth))
    net.__dict__["_integer_layers"] = tuple(out)
    return net.__dict__["_integer_layers"]


@dataclass(frozen=True)
class Plan:
    """Per-layer arithmetic path, proven safe for every point of a box."""

    paths: tuple[str, ...]
    bounds: tuple[int, ...]  # per layer: max over neurons of the partial-sum bound


def plan_for_box(net: Network, lo, hi, den: int) -> Plan:
    """Return the exact per-layer bounds for inputs numerators in [lo*den, hi*den] and the paths they allow."""
    ilo = [math.floor(Fraction(v) * den) for v in lo]
    ihi = [math.ceil(Fraction(v) * den) for v in hi]
    D = den
    paths, bounds = [], []
    for L in integer_layers(net):
        nlo, nhi, worst = [], [], 0
        for i, row in enumerate(L.rows):
            b = L.bias[i] * D
            s_lo = s_hi = b
            mag = abs(b)
            for j, w in row:
                a, c = w * ilo[j], w * ihi[j]
                s_lo += min(a, c)
                s_hi += max(a, c)
                mag += abs(w) * max(abs(ilo[j]), abs(ihi[j]))
            worst = max(worst, mag)
            nlo.append(max(s_lo, 0) if L.relu else s_lo)
            nhi.append(max(s_hi, 0) if L.relu else s_hi)
        ilo, ihi, D = nlo, nhi, D * L.q
        bounds.append(worst)
        top = max([worst, *(abs(w) for row in L.rows for _, w in row)])  # weights must fit too (inputs may be 0)
        paths.append("float64" if top < FLOAT_EXACT else "int64" if top <= INT64_EXACT else "multimodular")
    if "multimodular" in paths:  # it runs the whole network: it decides every ReLU itself
        paths = ["multimodular"] * len(paths)
    return Plan(tuple(paths), tuple(bounds))


def _to_fmpz_mat(a: np.ndarray) -> flint.fmpz_mat:
    return flint.fmpz_mat(a.shape[0], a.shape[1], [int(v) for v in a.ravel()])


def _from_fmpz_mat(m: flint.fmpz_mat, shape) -> np.ndarray:
    return np.array([int(v) for v in m.entries()], dtype=object).reshape(shape)


def _apply(L: IntLayer, V: np.ndarray, D: int, path: str) -> np.ndarray:
    """Return the integer values Wn V + bn D (then relu) of layer L; V has shape (n, in_size).

    On the float64 path V and the result are float64 arrays holding integers exactly.
    """
    W = L.matrix(path)
    if path == "float64":
        V = V.astype(np.float64, copy=False)
        Z = (W @ V.T).T.copy() if scipy.sparse.issparse(W) else V @ W
        Z += np.array([float(b * D) for b in L.bias])
    elif path == "int64":
        Z = _as_int(V).astype(np.int64, copy=False) @ W + np.array([b * D for b in L.bias], dtype=np.int64)
    else:
        Z = _from_fmpz_mat(_to_fmpz_mat(_as_int(V)) * W, (V.shape[0], L.size))
        Z += np.array([b * D for b in L.bias], dtype=object)
    if L.relu:
        np.maximum(Z, 0, out=Z)
    return Z


def _as_int(V: np.ndarray) -> np.ndarray:
    """Return V with float64 storage (exact integers) converted to int64; other arrays unchanged."""
    return V.astype(np.int64) if V.dtype == np.float64 else V


def forward(net: Network, nums: np.ndarray, den: int, plan: Plan, all_layers: bool = False):
    """Return [(Z_l, D_l)] integer values for every layer (or just the output) on points nums/den."""
    if "multimodular" in plan.paths:
        from .multimodular import forward as multimodular_forward
        return multimodular_forward(net, nums, den, all_layers)
    V, D = nums, den
    layers = []
    for L, path in zip(integer_layers(net), plan.paths):
        V = _apply(L, V, D, path)
        D *= L.q
        if all_layers:
            layers.append((_as_int(V), D))
    return layers if all_layers else [(_as_int(V), D)]


def chunk_plan(net: Network, nums: np.ndarray, den: int) -> Plan:
    """Return the plan proven for exactly the points of this chunk."""
    lo = [Fraction(int(v), den) for v in nums.min(axis=0)]
    hi = [Fraction(int(v), den) for v in nums.max(axis=0)]
    return plan_for_box(net, lo, hi, den)


def evaluate_chunk(net: Network, nums: np.ndarray, den: int, plan: Plan | None = None):
    """Return (Z, D): the exact outputs Z/D at the points nums/den."""
    return forward(net, nums, den, plan or chunk_plan(net, nums, den))[-1]


class Evaluation:
    """Exact outputs of a network on a domain: a sequence of tuples of Fractions.

    Backed by integer `numerators` (n x outputs) over one `denominator`; `paths` says which
    arithmetic ran in each layer.
    """

    def __init__(self, numerators: np.ndarray, denominator: int, paths: tuple[str, ...]):
        self.numerators = numerators
        self.denominator = denominator
        self.paths = paths

    def __len__(self) -> int:
        return self.numerators.shape[0]

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        return tuple(Fraction(int(v), self.denominator) for v in self.numerators[i])

    def __iter__(self):
        for i in range(len(self)):
            yield self[i]

    @property
    def path(self) -> str:
        """Return the slowest arithmetic path used by any layer."""
        order = ["float64", "int64", "multimodular", "bigint"]
        return max(self.paths, key=order.index)


def evaluate(net: Network, domain_or_points, method: str = "fast") -> Evaluation | list:
    """Return the exact outputs of `net` at every point, in the domain's order.

    method="fast" returns an `Evaluation`; method="reference" returns a list of tuples of
    Fractions computed by the pure-Python reference evaluator.
    """
    domain = as_domain(domain_or_points)
    _check_dim(net, domain)
    if method == "reference":
        from .reference import evaluate_point
        return [evaluate_point(net, x) for x in domain]
    if method != "fast":
        raise ValueError(f"unknown evaluation method {method!r}")
    parts, D, plan = [], None, None
    for start, stop in domain.chunks(CHUNK):
        nums, den = domain.chunk(start, stop)
        if plan is None or den != plan_den:
            plan_den = den
            lo, hi = domain.bounding_box()
            plan = plan_for_box(net, lo, hi, den)
        ((Z, Dz),) = forward(net, nums, den, plan)
        parts.append((Z, Dz))
    D = math.lcm(*(Dz for _, Dz in parts))
    Z = np.concatenate([Zc * (D // Dz) if D != Dz else Zc for Zc, Dz in parts])
    return Evaluation(Z, D, plan.paths)


def _check_dim(net: Network, domain: Domain) -> None:
    if domain.d != net.input_dim:
        from .kernel.errors import MalformedError
        raise MalformedError(f"domain has dimension {domain.d}, network reads {net.input_dim} inputs")
