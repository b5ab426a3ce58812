"""The grid claim of a certificate as VNN-LIB properties, for cross-checking with other verifiers.

A certificate's sup-error claim says: at every domain point x and for every output o,
|N(x)_o - f_o(x)| <= eps. VNN-LIB states the *negation* of a property over a box of inputs and
linear constraints on the outputs; a verifier answers "unsat" (holds) or "sat" (a counterexample).
What VNN-LIB can express of the claim, and what this module writes:

* per point: for each domain point x_k, the input box {x_k} (lower = upper bound) and the
  violation "Y_o >= f_o(x_k) + eps + margin  or  Y_o <= f_o(x_k) - eps - margin". `write_vnnlib`
  puts all points in one file (a disjunction of input boxes, each with its own output constraint,
  as in VNN-COMP's format); `write_vnnlib_per_point` writes one file per point plus instances.csv.
* the margin: VNN-LIB has only non-strict comparisons (<=, >=), so a claim that is attained
  exactly (every exact construction: eps = 0) would be "violated" at its own bound. A small margin
  (default 1/10^6) turns the violation strict; it also absorbs the float rounding of verifiers.
* numbers are decimals: a rational that is not a finite decimal (1/3) is written rounded outward
  (bounds of a box widened, output bounds loosened) to 20 significant digits, and the header says
  the file is not exact. A grid j/p with p = 2^a 5^b is written exactly.
* not expressible: the target between grid points (the claim is about the finite domain only;
  non-linear targets such as x^2 are not linear output constraints over a box), and targets that
  depend on x within a box (there is one constant bound per point). Claims about steps,
  weights and regions have no VNN-LIB form. Limit: max_points (default 10^4) points per export.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Context, Decimal
from fractions import Fraction
from pathlib import Path


from ..kernel.errors import MalformedError

DIGITS = 20


def decimal(q: Fraction, rounding: str = "nearest") -> tuple[str, bool]:
    """Return (decimal text, exact?) of a rational; inexact ones rounded "down", "up" or to "nearest"."""
    q = Fraction(q)
    d, twos, fives = q.denominator, 0, 0
    while d % 2 == 0:
        d, twos = d // 2, twos + 1
    while d % 5 == 0:
        d, fives = d // 5, fives + 1
    if d == 1:
        k = max(twos, fives)
        n = q.numerator * 10**k // q.denominator
        sign, digits = ("-" if n < 0 else ""), str(abs(n)).rjust(k + 1, "0")
        text = digits if k == 0 else f"{digits[:-k]}.{digits[-k:]}".rstrip("0").rstrip(".")
        return sign + text, True
    mode = {"down": ROUND_FLOOR, "up": ROUND_CEILING}.get(rounding, "ROUND_HALF_EVEN")
    ctx = Context(prec=DIGITS, rounding=mode)
    value = ctx.divide(Decimal(q.numerator), Decimal(q.denominator))
    return format(value, "f"), False


@dataclass(frozen=True)
class PointProperty:
    """At domain point `point` (index `index`), output o must lie in [lower[o], upper[o]]."""

    index: int
    point: tuple
    lower: tuple
    upper: tuple


def grid_properties(source, *, margin=Fraction(1, 10**6), max_points: int = 10**4) -> tuple[list, dict]:
    """Return (the per-point properties of a certificate's sup-error claim, facts about the certificate)."""
    from ..domain import domain_from_json
    from ..kernel import parse
    from ..target import evaluate_expr
    cert = parse(source)
    raw = cert.raw
    sup = raw["claims"].get("sup_error")
    if sup is None or raw.get("target") is None:
        raise MalformedError("the certificate makes no sup_error claim: there is no grid property to export")
    eps, margin = Fraction(sup["bound"]), Fraction(margin)
    dom = domain_from_json(raw["domain"])
    if dom.size > max_points:
        raise MalformedError(f"the domain has {dom.size} points; VNN-LIB export is limited to {max_points} "
                             f"(raise max_points)")
    props = []
    for start, stop in dom.chunks(1 << 14):
        nums, den = dom.chunk(start, stop)
        values = [evaluate_expr(ast, nums, den) for ast in raw["target"]]
        for k in range(stop - start):
            f = [Fraction(int(tn[k]), int(td[k])) for tn, td in values]
            props.append(PointProperty(start + k, tuple(Fraction(int(v), den) for v in nums[k]),
                                       tuple(v - eps - margin for v in f), tuple(v + eps + margin for v in f)))
    facts = {"sha256": raw["network_sha256"], "domain": cert.domain.desc, "eps": eps, "margin": margin,
             "construction": raw["provenance"]["construction"], "d": dom.d, "m": len(raw["target"])}
    return props, facts


def _box(point) -> tuple[list[str], bool]:
    """Return the input constraints pinning X to the point (a tiny box if a coordinate is no finite decimal)."""
    out, exact = [], True
    for i, v in enumerate(point):
        lo, ok = decimal(v, "down")
        hi, _ = decimal(v, "up")
        exact &= ok
        out += [f"(>= X_{i} {lo})", f"(<= X_{i} {hi})"]
    return out, exact


def _disjuncts(prop) -> tuple[list[str], bool]:
    box, exact = _box(prop.point)
    out = []
    for o, (lo, hi) in enumerate(zip(prop.lower, prop.upper)):
        up, e1 = decimal(hi, "up")
        down, e2 = decimal(lo, "down")
        exact &= e1 and e2
        out.append(f"(and {' '.join(box)} (>= Y_{o} {up}))")
        out.append(f"(and {' '.join(box)} (<= Y_{o} {down}))")
    return out, exact


def _header(facts, what: str, exact: bool) -> list[str]:
    return [f"; VNN-LIB property exported by certify from certificate {facts['construction']!r}",
            f"; network_sha256 {facts['sha256']}",
            f"; domain: {facts['domain']}",
            f"; claim: |N(x)_o - f_o(x)| <= eps = {facts['eps']} at every domain point; margin {facts['margin']}",
            f"; {what}",
            "; this file states the VIOLATION: 'unsat' means the property holds",
            "; numbers: " + ("exact decimals" if exact else
                             f"NOT exact: some rationals are rounded outward to {DIGITS} significant digits"),
            ""]


def _declarations(d: int, m: int) -> list[str]:
    return [f"(declare-const X_{i} Real)" for i in range(d)] + [f"(declare-const Y_{o} Real)" for o in range(m)] + [""]


def vnnlib_text(props, facts, what: str) -> tuple[str, bool]:
    """Return (the VNN-LIB text of the violation of these point properties, exact?)."""
    parts, exact = [], True
    for prop in props:
        ds, ok = _disjuncts(prop)
        parts += ds
        exact &= ok
    lines = _header(facts, what, exact) + _declarations(facts["d"], facts["m"])
    lines += ["(assert (or"] + [f"  {p}" for p in parts] + ["))", ""]
    return "\n".join(lines), exact


def write_vnnlib(source, path, *, margin=Fraction(1, 10**6), max_points: int = 10**4) -> dict:
    """Write one VNN-LIB file with every domain point; return {"points", "exact", "path"}."""
    props, facts = grid_properties(source, margin=margin, max_points=max_points)
    text, exact = vnnlib_text(props, facts, f"{len(props)} domain points, one input box each (a disjunction)")
    Path(path).write_text(text, encoding="ascii")
    return {"points": len(props), "exact": exact, "path": Path(path)}


def write_vnnlib_per_point(source, folder, *, onnx_name: str | None = None, timeout: int = 60,
                           margin=Fraction(1, 10**6), max_points: int = 10**4) -> dict:
    """Write one VNN-LIB file per domain point (prop_000000.vnnlib, ...) and, given the ONNX file's name,
    a VNN-COMP style instances.csv (onnx, vnnlib, timeout). Return {"points", "exact", "files"}."""
    props, facts = grid_properties(source, margin=margin, max_points=max_points)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    width = max(6, len(str(len(props))))
    files, exact = [], True
    for prop in props:
        text, ok = vnnlib_text([prop], facts, f"domain point {prop.index}: x = ({', '.join(map(str, prop.point))})")
        exact &= ok
        path = folder / f"prop_{prop.index:0{width}d}.vnnlib"
        path.write_text(text, encoding="ascii")
        files.append(path)
    if onnx_name:
        (folder / "instances.csv").write_text("".join(f"{onnx_name},{p.name},{timeout}\n" for p in files))
    return {"points": len(props), "exact": exact, "files": files}


# ---- reading back (for tests and for cross-checking a file against a network) -------------------

def _tokens(text: str):
    for line in text.splitlines():
        line = line.split(";", 1)[0]
        yield from line.replace("(", " ( ").replace(")", " ) ").split()


def _sexprs(text: str) -> list:
    stack = [[]]
    for tok in _tokens(text):
        if tok == "(":
            stack.append([])
        elif tok == ")":
            done = stack.pop()
            stack[-1].append(done)
        else:
            stack[-1].append(tok)
    if len(stack) != 1:
        raise MalformedError("vnnlib: unbalanced parentheses")
    return stack[0]


def read_violations(text: str) -> list[list[tuple[str, str, Fraction]]]:
    """Return the disjuncts of a VNN-LIB violation as lists of (variable, ">=" or "<=", exact value)."""
    out = []
    for e in _sexprs(text):
        if e[0] != "assert":
            continue
        body = e[1]
        for conj in (body[1:] if body[0] == "or" else [body]):
            atoms = conj[1:] if conj[0] == "and" else [conj]
            out.append([(a[1], a[0], Fraction(Decimal(a[2]))) for a in atoms])
    return out


def violated(disjuncts, evaluate) -> list[int]:
    """Return the indices of the disjuncts that `evaluate` (point of Fractions -> outputs) satisfies.

    The input box of each disjunct is evaluated at its lower corner (a point, for our files)."""
    bad = []
    for k, atoms in enumerate(disjuncts):
        lows = {v: c for v, op, c in atoms if v.startswith("X_") and op == ">="}
        x = [lows[f"X_{i}"] for i in range(len(lows))]
        y = evaluate(x)
        ok = all((y[int(v[2:])] >= c) if op == ">=" else (y[int(v[2:])] <= c) for v, op, c in atoms if v.startswith("Y_"))
        if ok:
            bad.append(k)
    return bad
