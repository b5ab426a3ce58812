"""Region and weight-bound claims for a certificate (docs/format.md, *Region and weight-bound claims*).

Each method computes its claim exactly, refuses a false one (ClaimError with an exact
counterexample) and records the certificate JSON; pass `.json()` as `certificate(..., extra_claims=...)`:

    extra = ExtraClaims(net).pieces(0, 1).sup_error(0, 1, [0, 0, 1]).layer_bounds()
    certificate(block, domain, construction="...", extra_claims=extra.json())
"""

from __future__ import annotations

from fractions import Fraction
from math import isqrt

from .kernel.errors import ClaimError, MalformedError
from .kernel.numbers import format_rational as fmt
from .kernel.regions import cells_2d
from .kernel.smt import leaves, make_solver, num
from .network import Network
from .reference import evaluate_point
from .regions import poly_coefficients, regions_1d, sup_error_1d
from .smt.affine import check_affine
from .smt.box import max_over_box
from .smt.encode import as_fractions, dense_layers, variables
from .smt.parametric import parametric_claim


def _show(x) -> str:
    return "(" + ", ".join(str(fmt(v)) for v in x) + ")"


def gradients(net: Network, lo, hi, output: int = 0) -> set[tuple[Fraction, ...]]:
    """Return the gradients of output `output` on the linear regions meeting the interior of the box."""
    lo, hi = as_fractions(lo), as_fractions(hi)
    if net.input_dim == 1:
        return {(p,) for p in regions_1d(net, lo[0], hi[0], output).slopes()}
    layers = dense_layers(net, output)
    if net.input_dim == 2:
        cells, den = cells_2d(layers, lo, hi)
        return {(Fraction(a1, den), Fraction(a2, den)) for _, (a1, a2, _) in cells}
    xs, solver = variables(net.input_dim), make_solver()
    solver.add(*[x >= num(a) for x, a in zip(xs, lo)], *[x <= num(b) for x, b in zip(xs, hi)])
    return {tuple(G[0]) for G, _ in leaves(layers, solver, xs, (lo, hi))}


def dual_norm(g, norm: str) -> Fraction:
    """Return the norm of a gradient dual to the input norm (for "l2": its square, to stay rational)."""
    return {"linf": lambda: sum(abs(v) for v in g), "l1": lambda: max(abs(v) for v in g),
            "l2": lambda: sum(v * v for v in g)}[norm]()


def product_bound(net: Network, norm: str, output: int = 0) -> Fraction:
    """Return the product of the layers' operator norms (for "l2": of ||W||_1 ||W||_inf, a bound on the square)."""
    total = Fraction(1)
    for W, _ in dense_layers(net, output):
        rows, cols = max(sum(abs(v) for v in r) for r in W), max(sum(abs(v) for v in c) for c in W.T)
        total *= {"linf": rows, "l1": cols, "l2": rows * cols}[norm]
    return total


def sqrt_up(s: Fraction, bits: int = 32) -> Fraction:
    """Return a rational L >= sqrt(s): exact if s is a square of rationals, else within 2^-bits."""
    n, d = isqrt(s.numerator), isqrt(s.denominator)
    if n * n == s.numerator and d * d == s.denominator:
        return Fraction(n, d)
    scaled = -(-s.numerator * 4**bits // s.denominator)
    return Fraction(isqrt(scaled) + 1, 2**bits)


class ExtraClaims:
    """The region and weight-bound claims of one network, verified as they are added."""

    def __init__(self, net: Network):
        self.net, self.regions, self.weight_bounds, self._pieces = net, [], {}, {}

    def _regions_1d(self, lo, hi, output):
        """Return regions_1d(net, lo, hi, output), computed once."""
        key = (Fraction(lo), Fraction(hi), output)
        if key not in self._pieces:
            self._pieces[key] = regions_1d(self.net, *key)
        return self._pieces[key]

    def json(self) -> dict:
        """Return the claims to merge into the certificate's `claims`."""
        out = {"regions": self.regions} if self.regions else {}
        return out | ({"weight_bounds": self.weight_bounds} if self.weight_bounds else {})

    def pieces(self, lo, hi, *, output: int = 0, pieces: int | None = None, slopes_in=None) -> ExtraClaims:
        """Claim the exact number of affine pieces of a one-input network on [lo, hi]; slopes_in: True (the
        exact slope set) or a set that must contain every slope."""
        r = self._regions_1d(lo, hi, output)
        where = f"on [{fmt(Fraction(lo))}, {fmt(Fraction(hi))}]"
        if pieces is not None and pieces != len(r):
            raise ClaimError(f"pieces {where}: claimed {pieces}, the network has {len(r)}")
        claim = {"kind": "pieces", "output": output, "interval": [fmt(Fraction(lo)), fmt(Fraction(hi))],
                 "pieces": len(r)}
        if slopes_in is not None:
            slopes = r.slopes()
            allowed = slopes if slopes_in is True else sorted(Fraction(s) for s in slopes_in)
            bad = [s for s in slopes if s not in allowed]
            if bad:
                k = next(k for k, p in enumerate(r) if p.slope == bad[0])
                raise ClaimError(f"pieces {where}: piece {k} on [{fmt(r[k].lo)}, {fmt(r[k].hi)}] has slope "
                                 f"{fmt(bad[0])}, not in {[str(fmt(s)) for s in allowed]}")
            claim["slopes_in"] = [fmt(s) for s in allowed]
        self.regions.append(claim)
        return self

    def affine(self, A, b, c, e, *, output: int = 0) -> ExtraClaims:
        """Claim N(x)_output = c.x + e on {x : A x <= b}, with pattern and Farkas hints when one pattern holds on P."""
        res = check_affine(self.net, A, b, c, e, output=output)
        if not res.holds:
            raise ClaimError(f"affine: at x={_show(res.counterexample)} in P the network gives "
                             f"{fmt(res.network_value)}, but c.x + e = {fmt(res.claimed_value)}")
        claim = {"kind": "affine", "output": output,
                 "polytope": {"A": [[fmt(v) for v in as_fractions(row)] for row in A], "b": [fmt(v) for v in as_fractions(b)]},
                 "c": [fmt(v) for v in as_fractions(c)], "e": fmt(Fraction(e))}
        if res.method == "farkas":
            claim["hints"] = {"pattern": [list(row) for row in res.pattern],
                              "farkas": [[fmt(v) for v in lam] for lam in res.farkas]}
        self.regions.append(claim)
        return self

    def sup_error(self, lo, hi, target=None, *, output: int = 0, target_output: int = 0, bound=None,
                  attained: bool = True) -> ExtraClaims:
        """Claim sup over the box [lo, hi] of |N(x)_output - f(x)| <= bound (default: the exact sup, attained).

        target: None (f = 0), a Network (piecewise linear), or in 1-D a polynomial of degree <= 2
        (coefficients [c0, c1, c2] or a sympy expression)."""
        lo, hi = (as_fractions(v if isinstance(v, (list, tuple)) else [v]) for v in (lo, hi))
        if isinstance(target, Network) or target is None or self.net.input_dim > 1:
            res = max_over_box(self.net, lo, hi, target, output=output, target_output=target_output, absolute=True)
            value, x = res.value, res.point
        else:
            s = sup_error_1d(self.net, lo[0], hi[0], target, output=output,
                             regions=self._regions_1d(lo[0], hi[0], output))
            value, x = s.value, (s.point,)
        bound = value if bound is None else Fraction(bound)
        if value > bound:
            raise ClaimError(f"sup_error: at x={_show(x)} |N(x) - f(x)| = {fmt(value)} > bound {fmt(bound)}")
        claim = {"kind": "sup_error", "output": output, "box": [[fmt(a), fmt(b)] for a, b in zip(lo, hi)],
                 "target": _target_json(target, target_output), "bound": fmt(bound)}
        if attained:
            claim |= {"attained": fmt(value), "hints": {"argmax": [fmt(v) for v in x]}}
        self.regions.append(claim)
        return self

    def lipschitz(self, lo, hi, *, norm: str = "linf", method: str = "regions", bound=None,
                  output: int = 0) -> ExtraClaims:
        """Claim |N(x) - N(y)| <= L ||x - y|| (input norm "linf", "l1" or "l2") on the box, from the gradients of
        every linear region ("regions", exact) or from the product of layer norms ("product")."""
        lo, hi = (as_fractions(v if isinstance(v, (list, tuple)) else [v]) for v in (lo, hi))
        if norm not in ("linf", "l1", "l2") or method not in ("regions", "product"):
            raise MalformedError("lipschitz: norm must be linf, l1 or l2 and method regions or product")
        if method == "product":
            value = product_bound(self.net, norm, output)
        elif self.net.input_dim == 1:
            value = dual_norm((self._regions_1d(lo[0], hi[0], output).lipschitz(),), norm)
        else:
            value = max(dual_norm(g, norm) for g in gradients(self.net, lo, hi, output))
        least = sqrt_up(value) if norm == "l2" else value
        bound = least if bound is None else Fraction(bound)
        if (bound * bound if norm == "l2" else bound) < value:
            raise ClaimError(f"lipschitz ({norm}, {method}): the network's bound is {fmt(least)}"
                             f"{' (rounded up)' if least * least != value and norm == 'l2' else ''}, above {fmt(bound)}")
        self.regions.append({"kind": "lipschitz", "output": output, "box": [[fmt(a), fmt(b)] for a, b in zip(lo, hi)],
                             "norm": norm, "bound": fmt(bound), "method": method})
        return self

    def layer_bounds(self, bounds=None) -> ExtraClaims:
        """Claim max |weight or bias| <= B_l in each layer l (default: the exact per-layer maxima)."""
        actual = [max([abs(w) for row in L.rows for _, w in row] + [abs(v) for v in L.bias or ()], default=Fraction(0))
                  for L in self.net.sparse_layers]
        bounds = actual if bounds is None else [Fraction(v) for v in bounds]
        for l, (a, B) in enumerate(zip(actual, bounds), 1):
            if a > B:
                raise ClaimError(f"weight_bounds.layers: layer {l} has a weight or bias of size {fmt(a)} > {fmt(B)}")
        self.weight_bounds["layers"] = [fmt(B) for B in bounds]
        return self

    def parametric(self, parameters, at: dict, formulas: dict, bounds) -> ExtraClaims:
        """Claim formulas for depth/width/max_weight (sympy, in the parameters) that agree with this network
        at `at`, and bounds on them that Z3 proves for every parameter value in range."""
        self.weight_bounds["parametric"] = parametric_claim(parameters, at, formulas, bounds, self.net)
        return self


def _target_json(target, t: int):
    if target is None:
        return None
    if isinstance(target, Network):
        return ["network", target.to_json(), t]
    coeffs = poly_coefficients(target)
    while len(coeffs) > 1 and not coeffs[-1]:
        coeffs = coeffs[:-1]
    return {"poly": [fmt(c) for c in coeffs]}



def _target_from_json(value):
    if value is None:
        return None, 0
    if isinstance(value, list):
        return Network.from_json(value[1]), value[2]
    return [Fraction(c) for c in value["poly"]], 0


def holds(data: dict) -> bool:
    """Return whether the region and weight-bound claims of a certificate (a dict) are true, decided with
    the builder's code: an oracle for tests, independent of the kernel in 1-D and for affine claims."""
    net, claims = Network.from_json(data["network"]), data["claims"]
    ex = ExtraClaims(net)
    q = lambda v: Fraction(v)
    try:
        for c in claims.get("regions", []):
            o, kind = c["output"], c["kind"]
            if kind == "pieces":
                ex.pieces(q(c["interval"][0]), q(c["interval"][1]), output=o, pieces=c["pieces"],
                          slopes_in=c.get("slopes_in"))
            elif kind == "affine":
                ex.affine(c["polytope"]["A"], c["polytope"]["b"], c["c"], c["e"], output=o)
            elif kind == "lipschitz":
                lo, hi = zip(*c["box"])
                ex.lipschitz(lo, hi, norm=c["norm"], method=c["method"], bound=c["bound"], output=o)
            else:
                (lo, hi), (target, t) = zip(*c["box"]), _target_from_json(c["target"])
                ex.sup_error(lo, hi, target, output=o, target_output=t, bound=c.get("attained", c["bound"]))
                if "attained" in c:
                    x, value = [q(v) for v in c["hints"]["argmax"]], q(c["attained"])
                    if value > q(c["bound"]) or any(not q(a) <= v <= q(b) for v, (a, b) in zip(x, c["box"])):
                        return False
                    f = evaluate_point(target, x)[t] if isinstance(target, Network) else \
                        sum((ci * x[0] ** k for k, ci in enumerate(target or [])), Fraction(0))
                    if abs(evaluate_point(net, x)[o] - f) != value:
                        return False
        wb = claims.get("weight_bounds", {})
        if "layers" in wb:
            ex.layer_bounds(wb["layers"])
        if "parametric" in wb:
            return _parametric_holds(wb["parametric"], net, data["provenance"]["parameters"])
    except ClaimError:
        return False
    return True


def _parametric_holds(claim: dict, net: Network, provenance: dict) -> bool:
    from .kernel import Limits
    from .kernel import parametric as kp
    c = kp.parse_parametric(claim, Limits())
    actual = {"depth": net.depth, "width": net.width, "max_weight": net.max_weight}
    if kp.in_range(c["params"], c["at"]) or any(n in provenance and provenance[n] != fmt(v) for n, v in c["at"].items()):
        return False
    if any(kp.evaluate(e, c["at"]) != actual[k] for k, e in c["formulas"].items()):
        return False
    return all(kp.prove(c["params"], c["formulas"][k], rel, b) is None for k, rel, b in c["bounds"])
