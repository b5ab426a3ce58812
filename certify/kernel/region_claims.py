"""Region and weight-bound claims (docs/format.md, *Region and weight-bound claims*): parse and check.

claims.regions lists claims about the network on a continuous set (pieces, affine, sup_error,
lipschitz); claims.weight_bounds bounds weights per layer and proves parametric formulas with Z3.
"""

import time
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import z3

from . import parametric as pm
from .claims import _bound
from .errors import LimitError, MalformedError
from .fields import integer, lst, obj, rational, rationals, typed
from .network import parse_network
from .numbers import format_rational
from .regions import cells_2d, dense, difference, sup_abs_1d, sweep_1d
from .report import claim
from .smt import decide, farkas, leaves, lin, make_solver, num, pattern_maps, point, polytope

EXTRA = ("regions", "weight_bounds")
KINDS = {"pieces": (("output", "interval", "pieces"), ("slopes_in",)),
         "affine": (("output", "polytope", "c", "e"), ("hints",)),
         "sup_error": (("output", "box", "target", "bound"), ("attained", "hints")),
         "lipschitz": (("output", "box", "norm", "bound", "method"), ())}
MAX_PIECES = 1 << 25  # pieces of a 1-D sweep, cells of a 2-D split or Z3 regions; more is exit 2


@dataclass(frozen=True)
class Region:
    """One parsed region claim: `kind`, `where` (its path) and its fields (Fractions, tuples)."""
    kind: str
    where: str
    f: dict


def _show(x) -> str:
    return "(" + ", ".join(str(format_rational(v)) for v in x) + ")"


def _box(value, where, d, limits) -> tuple:
    pairs = [rationals(p, f"{where}[{j}]", limits, 2) for j, p in enumerate(lst(value, where, length=d))]
    if any(a >= b for a, b in pairs):
        raise MalformedError(f"{where}: every interval [lo, hi] needs lo < hi")
    return tuple(a for a, _ in pairs), tuple(b for _, b in pairs)


def _region(value, where, net, limits) -> Region:
    kind = typed(value, where, dict).get("kind")
    if not isinstance(kind, str) or kind not in KINDS:
        raise MalformedError(f"{where}.kind: expected one of {', '.join(KINDS)}, got {str(kind)[:40]!r}")
    obj(value, where, ("kind",) + KINDS[kind][0], KINDS[kind][1])
    d, f = net.input_dim, {"output": integer(value["output"], f"{where}.output", 0, net.sizes[-1] - 1)}
    if kind == "pieces":
        if d != 1:
            raise MalformedError(f"{where}: a pieces claim needs a one-input network")
        (lo,), (hi,) = _box([value["interval"]], f"{where}.interval", 1, limits)
        f.update(lo=lo, hi=hi, pieces=integer(value["pieces"], f"{where}.pieces", 1))
        if "slopes_in" in value:
            f["slopes"] = set(rationals(value["slopes_in"], f"{where}.slopes_in", limits))
    elif kind == "affine":
        P = obj(value["polytope"], f"{where}.polytope", ("A", "b"))
        f["A"] = tuple(rationals(r, f"{where}.polytope.A[{k}]", limits, d) for k, r in enumerate(lst(P["A"], f"{where}.polytope.A", 1)))
        f["b"] = rationals(P["b"], f"{where}.polytope.b", limits, len(f["A"]))
        f["c"], f["e"] = rationals(value["c"], f"{where}.c", limits, d), rational(value["e"], f"{where}.e", limits)
        hints = obj(value.get("hints", {}), f"{where}.hints", (), ("pattern", "farkas"))
        if "pattern" in hints:
            f["pattern"] = tuple(tuple(integer(v, f"{where}.hints.pattern[{l}][{i}]", 0, 1) for i, v in enumerate(
                lst(row, f"{where}.hints.pattern[{l}]", length=n))) for l, (row, n) in enumerate(zip(
                    lst(hints["pattern"], f"{where}.hints.pattern", length=len(net.layers) - 1), net.sizes[1:-1])))
        if "farkas" in hints:
            if "pattern" not in hints:
                raise MalformedError(f"{where}.hints.farkas: needs hints.pattern")
            f["farkas"] = tuple(rationals(v, f"{where}.hints.farkas[{k}]", limits, len(f["b"])) for k, v in enumerate(
                lst(hints["farkas"], f"{where}.hints.farkas", length=sum(net.sizes[1:-1]) + 2)))
    else:
        f["lo"], f["hi"] = _box(value["box"], f"{where}.box", d, limits)
        f["bound"] = rational(value["bound"], f"{where}.bound", limits)
    if kind == "sup_error":
        f["target"] = _target(value["target"], f"{where}.target", net, limits)
        if "attained" in value:
            f["attained"] = rational(value["attained"], f"{where}.attained", limits)
            hints = obj(value.get("hints"), f"{where}.hints", ("argmax",))
            f["argmax"] = rationals(hints["argmax"], f"{where}.hints.argmax", limits, d)
        elif "hints" in value:
            raise MalformedError(f"{where}.hints: only an attained claim takes an argmax hint")
    if kind == "lipschitz":
        if value["norm"] not in ("l1", "l2", "linf") or value["method"] not in ("regions", "product"):
            raise MalformedError(f"{where}: norm must be l1, l2 or linf and method regions or product")
        f.update(norm=value["norm"], method=value["method"])
    return Region(kind, where, f)


def _target(value, where, net, limits):
    """Return None, ("poly", (c0, c1, c2)) or ("network", dense layers of the chosen output)."""
    if value is None:
        return None
    if isinstance(value, list) and len(value) == 3 and value[0] == "network":
        t = parse_network(value[1], f"{where}[1]", limits, limits.max_weights)
        if t.input_dim != net.input_dim:
            raise MalformedError(f"{where}[1]: input_dim {t.input_dim}, the network has {net.input_dim}")
        return ("network", dense(t, integer(value[2], f"{where}[2]", 0, t.sizes[-1] - 1)))
    coeffs = rationals(obj(value, where, ("poly",))["poly"], f"{where}.poly", limits)
    if net.input_dim != 1 or not 1 <= len(coeffs) <= 3:
        raise MalformedError(f"{where}.poly: 1 to 3 coefficients (degree <= 2), for a one-input network only")
    return ("poly", coeffs)


def parse_extra(claims, net, limits) -> tuple:
    """Return (region claims, per-layer bounds or None, parsed parametric claim or None)."""
    regions = tuple(_region(v, f"claims.regions[{k}]", net, limits)
                    for k, v in enumerate(lst(claims.get("regions", []), "claims.regions")))
    wb = obj(claims.get("weight_bounds", {}), "claims.weight_bounds", (), ("layers", "parametric"))
    layers = rationals(wb["layers"], "claims.weight_bounds.layers", limits, len(net.layers)) if "layers" in wb else None
    return regions, layers, pm.parse_parametric(wb["parametric"], limits) if "parametric" in wb else None


def value_at(layers, x) -> Fraction:
    """Return the (single) output of dense layers at the point x, exactly."""
    h = np.array(x, dtype=object)
    for k, (W, b) in enumerate(layers):
        h = W.dot(h) + b
        h = h if k == len(layers) - 1 else np.array([max(v, Fraction(0)) for v in h], dtype=object)
    return h[0]


def _box_solver(lo, hi, ctx):
    """Return Z3 variables and a solver holding the box lo <= x <= hi."""
    xs, solver = [z3.Real(f"x_{j}") for j in range(len(lo))], make_solver(timeout_ms=ctx.ms())
    solver.add(*[v >= num(a) for v, a in zip(xs, lo)], *[v <= num(a) for v, a in zip(xs, hi)])
    return xs, solver


def _counted(regions, where, ctx):
    """Yield the regions, refusing more than MAX_PIECES of them or going over the time budget."""
    for k, region in enumerate(regions):
        if k == MAX_PIECES:
            raise LimitError(f"{where}: more than {MAX_PIECES} linear regions (limit)")
        ctx.tick()
        yield region


class _Context:
    """The state of one certificate's check: Report.info (claims resting on Z3) and the sweeps made so far."""

    def __init__(self, info, seconds):
        self.info, self.sweeps, self.seconds, self.where, self.deadline = info, {}, seconds, "", 0.0

    def start(self, where):
        """Start the time budget (Limits.max_seconds) of one claim."""
        self.where, self.deadline = where, time.monotonic() + self.seconds

    def tick(self):
        """Refuse (LimitError, exit 2) to go on once the claim's time budget is spent."""
        if time.monotonic() > self.deadline:
            raise LimitError(f"{self.where}: the time budget of {self.seconds} s is spent (limit)")

    def ms(self) -> int:
        """Return the milliseconds left in the budget (at least 1), for Z3's time-out."""
        return max(1, int((self.deadline - time.monotonic()) * 1000))

    def sweep(self, layers, lo, hi, where):
        """Return the 1-D pieces of one-output dense layers on [lo, hi], computed once per layers object."""
        key = (id(layers), lo, hi)
        if key not in self.sweeps:
            self.sweeps[key] = (layers, sweep_1d(layers, lo, hi, MAX_PIECES, where, self.tick))
        return self.sweeps[key][1]

    def solver(self, where, what):
        """Note that a claim rests on Z3."""
        self.info.setdefault("solver", []).append(f"{where}: {what}")


def _pieces(r, layers, ctx):
    p = ctx.sweep(layers, r.f["lo"], r.f["hi"], r.where)
    q = f"{r.where} (pieces on [{format_rational(r.f['lo'])}, {format_rational(r.f['hi'])}])"
    if len(p) != r.f["pieces"]:
        return claim(r.where, False, f"{q}: claimed {r.f['pieces']} pieces, the network has {len(p)}")
    if "slopes" in r.f:
        g = np.gcd(p.a, p.den)
        slopes = {Fraction(int(n), int(d)) for n, d in set(zip((p.a // g).tolist(), (p.den // g).tolist()))}
        bad = sorted(slopes - r.f["slopes"])
        if bad:
            k = next(k for k in range(len(p)) if p.slope(k) == bad[0])
            return claim(r.where, False, f"{q}: piece {k} on [{format_rational(p.x(k))}, {format_rational(p.x(k + 1))}] "
                         f"has slope {format_rational(bad[0])}, not in slopes_in")
    return claim(r.where, True, f"{q}: exactly {len(p)} pieces" + (", slopes in the claimed set" * ("slopes" in r.f)))


def _affine(r, layers, ctx):
    A, b, c, e, where = r.f["A"], r.f["b"], r.f["c"], r.f["e"], f"{r.where} (affine)"
    xs, solver = [z3.Real(f"x_{j}") for j in range(len(c))], make_solver(timeout_ms=ctx.ms())
    solver.add(*polytope(A, b, xs))

    def refute(model, why):
        x = point(model, xs)
        got, want = value_at(layers, x), sum((cj * v for cj, v in zip(c, x)), e)
        return claim(r.where, False, f"{where}: at x={_show(x)} in P the network gives {format_rational(got)}, but "
                     f"c.x + e = {format_rational(want)}" if got != want else f"{where}: {why} at x={_show(x)} in P")

    if "pattern" not in r.f:
        ctx.solver(r.where, "Z3 region split of P")
        for G, H in _counted(leaves(layers, solver, xs), r.where, ctx):
            model = decide(solver, lin([w - cj for w, cj in zip(G[0], c)], xs, H[0] - e) != 0)
            if model is not None:
                return refute(model, "the output leaves c.x + e")
        return claim(r.where, True, f"{where}: N = c.x + e on P (Z3: unsat on every region)")
    pattern, maps = r.f["pattern"], list(pattern_maps(layers, r.f["pattern"]))
    (*hidden, (_, _, g, h)), on = maps, lambda l, i: pattern[l - 1][i]
    tasks = [(f"neuron ({l}, {i}) keeps its sign", tuple(-w for w in gi) if on(l, i) else gi, hi if on(l, i) else -hi)
             for l, i, gi, hi in hidden]
    tasks += [("output <= c.x + e", tuple(w - cj for w, cj in zip(g, c)), e - h),
              ("output >= c.x + e", tuple(cj - w for w, cj in zip(g, c)), h - e)]
    for k, (name, u, v) in enumerate(tasks):
        if "farkas" in r.f:
            why = farkas(A, b, u, v, r.f["farkas"][k])
            if why is not None:
                return claim(r.where, False, f"{where}: hints.farkas[{k}] does not prove {name}: {why}")
        else:
            model = decide(solver, lin(u, xs) > num(v))
            if model is not None:
                return refute(model, f"the pattern hint is wrong: {name} fails")
    if "farkas" not in r.f:
        ctx.solver(r.where, "Z3 unsat per neuron under the pattern")
    return claim(r.where, True, f"{where}: N = c.x + e on P ({'Farkas certificates replayed' if 'farkas' in r.f else 'Z3'})")


def _error(err, f, x) -> Fraction:
    """Return |N(x) - f(x)| (a network target is already subtracted in `err`)."""
    c = (tuple(f["target"][1]) + (0, 0, 0))[:3] if f["target"] and f["target"][0] == "poly" else (0, 0, 0)
    return abs(value_at(err, x) - (c[0] + c[1] * x[0] + c[2] * x[0] * x[0]))


def _sup(r, layers, ctx):
    f, where = r.f, f"{r.where} (sup_error)"
    err = difference(layers, f["target"][1]) if f["target"] and f["target"][0] == "network" else layers
    limit, lo, hi = f.get("attained", f["bound"]), f["lo"], f["hi"]
    if limit > f["bound"]:
        return claim(r.where, False, f"{where}: attained {format_rational(limit)} > bound {format_rational(f['bound'])}")
    x = None
    if len(lo) == 1:
        poly = f["target"][1] if f["target"] and f["target"][0] == "poly" else ()
        best, x1 = sup_abs_1d(ctx.sweep(err, lo[0], hi[0], r.where), poly)
        x = (x1,) if best > limit else None
    elif len(lo) == 2:
        cells, den = cells_2d(err, lo, hi, MAX_PIECES, r.where, ctx.tick)
        best, x = max((abs(Fraction(a1 * n1 + a2 * n2 + c * D, den * D)), (Fraction(n1, D), Fraction(n2, D)))
                      for verts, (a1, a2, c) in cells for n1, n2, D in verts)
        x = x if best > limit else None
    else:
        ctx.solver(r.where, "Z3 region split of the box")
        xs, solver = _box_solver(lo, hi, ctx)
        for G, H in _counted(leaves(err, solver, xs, (lo, hi)), r.where, ctx):
            out = lin(G[0], xs, H[0])
            model = decide(solver, z3.Or(out > num(limit), out < -num(limit)))
            if model is not None:
                x = point(model, xs)
                break
    if x is not None:
        return claim(r.where, False, f"{where}: at x={_show(x)} |N(x) - f(x)| = {format_rational(_error(err, f, x))} "
                     f"> {format_rational(limit)}")
    if "attained" in f:
        at = f["argmax"]
        if any(not a <= v <= b for v, a, b in zip(at, lo, hi)) or _error(err, f, at) != limit:
            return claim(r.where, False, f"{where}: hints.argmax x={_show(at)} is outside the box or its error "
                         f"{format_rational(_error(err, f, at))} is not the claimed maximum {format_rational(limit)}")
    return claim(r.where, True, f"{where}: sup over the box of |N - f| " + (
        f"= {format_rational(limit)} (attained at {_show(f['argmax'])})" if "attained" in f else f"<= {format_rational(limit)}"))


def _norm(g, norm):
    """Return the norm of a gradient dual to the input norm (for l2 its square, which stays rational)."""
    return {"linf": lambda: sum(abs(v) for v in g), "l1": lambda: max(abs(v) for v in g),
            "l2": lambda: sum(v * v for v in g)}[norm]()


def _lipschitz(r, layers, ctx):
    f, where, sq = r.f, f"{r.where} (lipschitz, {r.f['norm']}, {r.f['method']})", r.f["norm"] == "l2"
    limit, shown = (f["bound"] ** 2, f"L^2 = {format_rational(f['bound'] ** 2)}") if sq else (f["bound"], f"L = {format_rational(f['bound'])}")
    if f["method"] == "product":
        total = Fraction(1)
        for W, _ in layers:
            rows, cols = max(sum(abs(v) for v in row) for row in W), max(sum(abs(v) for v in col) for col in W.T)
            total *= {"linf": rows, "l1": cols, "l2": rows * cols}[f["norm"]]
        return claim(r.where, total <= limit, f"{where}: product of the layer norms{' (squared bound)' * sq} "
                     f"{format_rational(total)} {'<=' if total <= limit else '>'} {shown}")
    lo, hi = f["lo"], f["hi"]
    if len(lo) == 1:
        p = ctx.sweep(layers, lo[0], hi[0], r.where)
        grads = {(Fraction(a, p.den),) for a in set(p.a.tolist())}
    elif len(lo) == 2:
        cells, den = cells_2d(layers, lo, hi, MAX_PIECES, r.where, ctx.tick)
        grads = {(Fraction(a1, den), Fraction(a2, den)) for _, (a1, a2, _) in cells}
    else:
        ctx.solver(r.where, "Z3 region split of the box")
        xs, solver = _box_solver(lo, hi, ctx)
        grads = {tuple(G[0]) for G, _ in _counted(leaves(layers, solver, xs, (lo, hi)), r.where, ctx)}
    worst = max(sorted(grads), key=lambda g: _norm(g, f["norm"]))
    ok = _norm(worst, f["norm"]) <= limit
    return claim(r.where, ok, f"{where}: the steepest region has gradient {_show(worst)}, dual norm"
                 f"{' squared' * sq} {format_rational(_norm(worst, f['norm']))} {'<=' if ok else '>'} {shown}")


def _instance(c, net, provenance) -> str | None:
    """Return None if the instance lies in range and agrees with every formula, else why not."""
    actual = {"depth": len(net.layers), "width": max(net.sizes[1:]),
              "max_weight": max([abs(v) for L in net.layers for v in L.weights + (L.bias or ())], default=Fraction(0))}
    for n, v in c["at"].items():
        if n in provenance and provenance[n] != format_rational(v):
            return f"at.{n} = {format_rational(v)}, but provenance.parameters.{n} = {str(provenance[n])[:40]}"
    at = ", ".join(f"{n} = {format_rational(v)}" for n, v in c["at"].items())
    for q, e in c["formulas"].items():
        if pm.evaluate(e, c["at"]) != actual[q]:
            return (f"formula {q} gives {format_rational(pm.evaluate(e, c['at']))} at {at}, "
                    f"the network has {format_rational(actual[q])}")
    return pm.in_range(c["params"], c["at"])


def _parametric(c, net, provenance, ctx) -> list:
    bad = _instance(c, net, provenance)
    out = [claim("weight_bounds.parametric", bad is None,
                 f"weight_bounds.parametric: {bad or 'the instance agrees with every formula'}")]
    for k, (q, rel, bound) in enumerate(c["bounds"]):
        where = f"weight_bounds.parametric.bounds[{k}]"
        cex = pm.prove(c["params"], c["formulas"][q], rel, bound, ctx.ms())
        if cex is None:
            out.append(claim(where, True, f"{where}: {q} {rel} bound for all parameters in range (Z3 unsat)"))
            continue
        exact = all(isinstance(v, Fraction) for v in cex.values())
        at = ", ".join(f"{n} = {format_rational(v) if isinstance(v, Fraction) else v}" for n, v in cex.items())
        out.append(claim(where, False, f"{where}: {q} {rel} bound fails at {at}" + (
            f": {q} = {format_rational(pm.evaluate(c['formulas'][q], cex))}, bound = "
            f"{format_rational(pm.evaluate(bound, cex))}" if exact else "")))
    return out


def check_extra(cert, info) -> list:
    """Return the results of the region and weight-bound claims; info["solver"] lists those resting on Z3."""
    (regions, layer_bounds, param), net = cert.extra, cert.network
    ctx, layers, out = _Context(info, cert.limits.max_seconds), {}, []
    checks = {"pieces": _pieces, "affine": _affine, "sup_error": _sup, "lipschitz": _lipschitz}
    tasks = [(r.where, lambda r=r: [checks[r.kind](r, layers.setdefault(r.f["output"], dense(net, r.f["output"])), ctx)])
             for r in regions]
    if param is not None:
        if param["bounds"]:
            ctx.solver("weight_bounds.parametric", f"Z3 proves {len(param['bounds'])} bound(s) for all parameters")
        tasks.append(("weight_bounds.parametric", lambda: _parametric(param, net, cert.raw["provenance"]["parameters"], ctx)))
    for where, task in tasks:
        ctx.start(where)
        try:
            out += task()
        except TimeoutError as e:  # Z3 unknown: a rejection, or the time budget (exit 2) if that is why
            ctx.tick()
            out.append(claim(where, False, f"{where}: rejected, {e}"))
    return out + [_bound(f"weight_bounds.layers[{l}]", net, [(l + 1, 0, net.sizes[l + 1])], B)
                  for l, B in enumerate(layer_bounds or ())]


def _text(e) -> str:
    """Return a parametric expression in infix notation."""
    if not isinstance(e, tuple):
        return str(format_rational(e))
    op, args = e[0], e[1:]
    if op == "p":
        return args[0]
    if op == "pow":
        return f"{_text(args[0])}^{args[1]}"
    sep = {"add": " + ", "mul": "*", "sub": " - ", "div": "/"}.get(op)
    return f"({sep.join(_text(a) for a in args)})" if sep else f"-{_text(args[0])}" if op == "neg" else \
        f"{op}({', '.join(_text(a) for a in args)})"


def describe(cert) -> list:
    """Return `certify show` lines for the region and weight-bound claims, in the paper's terms."""
    (regions, layer_bounds, param), f, lines = cert.extra, format_rational, []
    for r in regions:
        g, box = r.f, " x ".join(f"[{f(a)}, {f(b)}]" for a, b in zip(*(r.f[k] if r.kind != "pieces" else (r.f[k],)
                                                                        for k in ("lo", "hi"))) if "lo" in r.f)
        n = f"N_{g['output']}"
        if r.kind == "pieces":
            lines.append(f"  on [{f(g['lo'])}, {f(g['hi'])}], {n} has exactly {g['pieces']} affine pieces"
                         + (f", slopes in {{{', '.join(str(f(s)) for s in sorted(g['slopes']))}}}" if "slopes" in g else ""))
        elif r.kind == "affine":
            lines.append(f"  on P = {{x : A x <= b}} ({len(g['b'])} constraints), {n}(x) = "
                         + " + ".join(f"{f(c)}*x_{j}" for j, c in enumerate(g["c"]) if c) + f" + {f(g['e'])}"
                         + (" (pattern hint" + (", Farkas certificates)" if "farkas" in g else ")") if "pattern" in g else ""))
        elif r.kind == "sup_error":
            t = g["target"]
            t = "0" if t is None else " + ".join(f"{f(c)}" + ("", " x", " x^2")[k] for k, c in enumerate(t[1]) if c) \
                if t[0] == "poly" else f"a depth-{len(t[1])} network"
            lines.append(f"  sup over {box} of |{n}(x) - f(x)| <= {f(g['bound'])}, f = {t}"
                         + (f"; = {f(g['attained'])}, attained at {_show(g['argmax'])}" if "attained" in g else ""))
        else:
            lines.append(f"  |{n}(x) - {n}(y)| <= {f(g['bound'])} ||x - y||_{g['norm'][1:]} on {box} "
                         + ("(from every linear region)" if g["method"] == "regions" else "(product of layer norms)"))
    lines += [f"  layer {l}: every weight and bias |w| <= {f(B)}" for l, B in enumerate(layer_bounds or (), 1)]
    if param:
        ranges = ", ".join(f"{'' if lo is None else f'{f(lo)} <= '}{n}{'' if hi is None else f' <= {f(hi)}'}"
                           + (" integer" if is_int else "") for n, (is_int, lo, hi) in param["params"].items())
        lines.append(f"  for all {ranges} (Z3):")
        lines += [f"    {q} {'<=' if rel == 'le' else '='} {_text(b)}, where {q} = {_text(param['formulas'][q])}"
                  for q, rel, b in param["bounds"]]
    return lines
