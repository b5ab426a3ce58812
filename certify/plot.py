"""Figures of a certificate (PNG, matplotlib): `certify plot FILE`.

* 1-D input: for each output, the network and the target over the domain's interval, the domain
  points, the network's breakpoints (exact, from `certify.regions.regions_1d`), and below it the
  error |N(x) - f(x)| at every domain point with the claimed bound eps. A network whose slope
  changes more than MAX_SAMPLED_KINKS times among 2^16 exact pseudo-random samples (a deep
  sawtooth has millions of pieces) is drawn through those samples and its breakpoints are not
  swept; the figure says so.
* 2-D input: heat maps of the network's output and of the error over the domain.
* more inputs: a histogram of the error over the domain.
* every network: per-layer histograms of log10 |weight| and log10 |bias| (non-zero ones).

The values are computed exactly with the builder-side evaluator (certify.evaluate, certify.target)
and rounded to floats only for drawing; the data are returned by `function_1d`, `grid_2d` and
`weight_magnitudes` so they can be tested without pictures. Plots are illustrations: the verdict
belongs to the kernel (`certify check`). An irrational target (sin, sqrt, ...) is drawn from rational
approximations within 2^-40 (certify.rigorous), and its errors are marked "~".
matplotlib is an optional extra: pip install "certify[plot]".
Each PNG carries a tEXt `Description` that says what it shows (read it with PIL: Image.open(f).text).
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import numpy as np

from . import __version__
from .approximation import exact_argmax
from .domain import Domain, domain_from_json
from .evaluate import CHUNK, evaluate_chunk, plan_for_box
from .kernel.errors import CertifyError, MalformedError
from .network import Network
from .target import evaluate_expr

MAX_BREAKPOINTS_DRAWN = 2000
MAX_EXACT_BREAKPOINTS = 10000
DENSE = 801


def require_matplotlib():
    """Return matplotlib.figure.Figure, or raise ImportError with the install hint."""
    try:
        from matplotlib.figure import Figure
    except ImportError as e:  # pragma: no cover - exercised only without the extra
        raise ImportError('certify plot needs matplotlib: pip install "certify[plot]"') from e
    return Figure


# ---- loading -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Parts:
    """What the figures need from a certificate: its JSON, network, domain, targets and bound."""

    raw: dict
    network: Network
    domain: Domain
    target: list | None
    bound: Fraction | None
    name: str = "certificate"


def load(source, *, name: str | None = None, validated: bool = False) -> Parts:
    """Return the Parts of a certificate (path or dict), validated by the kernel's parser first
    (validated=True: `source` is the `raw` dict of a certificate the kernel has already parsed)."""
    from .kernel import parse
    raw = source if validated else parse(source).raw
    name = name or (Path(source).stem if isinstance(source, (str, Path)) else str(raw["provenance"]["construction"]))
    sup = raw["claims"].get("sup_error")
    bound = None if sup is None else Fraction(sup["bound"])
    return Parts(raw, Network.from_json(raw["network"]), domain_from_json(raw["domain"]), raw.get("target"), bound, name)


def _to_float(num, den) -> np.ndarray:
    """Return num/den as floats for drawing (exact division of big integers where floats would overflow)."""
    num, den = np.asarray(num), np.asarray(den)
    with np.errstate(all="ignore"):
        out = np.asarray(num.astype(float) / den.astype(float), dtype=float)
    if not np.all(np.isfinite(out)):
        out = np.array([float(Fraction(int(n), int(d))) for n, d in np.broadcast(num, den)], dtype=float)
    return out


APPROX_TOL = Fraction(1, 2**40)
MAX_IRRATIONAL_POINTS = 20000


def _irrational(ast) -> bool:
    try:
        from .rigorous import is_irrational
    except ImportError:  # pragma: no cover - older trees without irrational targets
        return False
    return is_irrational(ast)


def target_values(ast, nums, den):
    """Return (numerators, denominators) of the target at the points nums/den: exact, or for an irrational
    target (sin, sqrt, ...) rational approximations within APPROX_TOL (certify.rigorous)."""
    if not _irrational(ast):
        return evaluate_expr(ast, nums, den)
    from .rigorous import approximate
    qs = [approximate(ast, tuple(Fraction(int(v), den) for v in row), APPROX_TOL) for row in nums]
    tn, td = np.empty(len(qs), dtype=object), np.empty(len(qs), dtype=object)
    tn[:], td[:] = [q.numerator for q in qs], [q.denominator for q in qs]
    return tn, td


@dataclass
class Values:
    """Network outputs, targets and errors at every domain point (floats), with the exact max error."""

    points: np.ndarray                 # (n, d) floats
    network: np.ndarray                # (n, outputs)
    target: np.ndarray | None          # (n, outputs)
    error: np.ndarray | None           # (n, outputs)
    max_error: list = field(default_factory=list)   # exact Fraction per output
    argmax: list = field(default_factory=list)      # index of the first point attaining it


def domain_values(parts: Parts, max_points: int = 10**6) -> Values:
    """Return the network, the target and the error at every point of the domain (exact, then floats)."""
    net, dom = parts.network, parts.domain
    if dom.size > max_points:
        raise MalformedError(f"the domain has {dom.size} points; plotting is limited to {max_points}")
    if parts.target is not None and dom.size > MAX_IRRATIONAL_POINTS and any(map(_irrational, parts.target)):
        raise MalformedError(f"the target is irrational and the domain has {dom.size} points; plotting approximates "
                             f"it point by point, up to {MAX_IRRATIONAL_POINTS} points")
    lo, hi = dom.bounding_box()
    pts, outs, tgts, errs = [], [], [], []
    m = net.output_dim
    best = [(Fraction(-1), -1)] * m
    plan, plan_den = None, None
    for start, stop in dom.chunks(CHUNK):
        nums, den = dom.chunk(start, stop)
        if den != plan_den:
            plan, plan_den = plan_for_box(net, lo, hi, den), den
        Z, D = evaluate_chunk(net, nums, den, plan)
        pts.append(_to_float(nums, den))
        outs.append(np.stack([_to_float(Z[:, o], D) for o in range(m)], axis=1))
        if parts.target is None:
            continue
        tcols, ecols = [], []
        for o, ast in enumerate(parts.target):
            tn, td = target_values(ast, nums, den)
            en, ed = np.abs(Z[:, o].astype(object) * td - tn * D), td * D
            tcols.append(_to_float(tn, td))
            ecols.append(_to_float(en, ed))
            k = exact_argmax(en, ed)
            e = Fraction(int(en[k]), int(ed[k]))
            if e > best[o][0]:
                best[o] = (e, start + k)
        tgts.append(np.stack(tcols, axis=1))
        errs.append(np.stack(ecols, axis=1))
    cat = lambda xs: np.concatenate(xs) if xs else None
    return Values(cat(pts), cat(outs), cat(tgts), cat(errs), [b[0] for b in best] if tgts else [],
                  [b[1] for b in best] if tgts else [])


# ---- 1-D ---------------------------------------------------------------------------------------

@dataclass
class Function1D:
    """One output of a one-input network over [lo, hi]: exact knots of N, breakpoints, domain values."""

    output: int
    lo: Fraction
    hi: Fraction
    knots_x: np.ndarray    # N is exactly the polyline through (knots_x, knots_y) (floats for drawing)
    knots_y: np.ndarray
    breakpoints: list      # interior breakpoints (where N's slope changes), exact; the first MAX_EXACT_BREAKPOINTS
    n_breakpoints: int     # how many interior breakpoints there are (a lower bound when not exact_knots)
    points: np.ndarray     # domain points (floats)
    network: np.ndarray
    target: np.ndarray | None
    error: np.ndarray | None
    max_error: Fraction | None
    argmax: int | None
    dense_x: np.ndarray | None = None   # the target between domain points (drawn dashed), if it evaluates
    dense_target: np.ndarray | None = None
    exact_knots: bool = True            # False: too many pieces; knots are SAMPLES exact values, no breakpoints


def breakpoints_1d(net: Network, lo, hi, output: int = 0):
    """Return (knots_x, knots_y as floats, the first MAX_EXACT_BREAKPOINTS interior breakpoints exactly, their
    number) of output `output` of a one-input network on [lo, hi] (certify.regions.regions_1d: exact sweep)."""
    from .regions import regions_1d
    regions = regions_1d(net, lo, hi, output)
    n = len(regions) - 1
    exact = [regions.x(k) for k in range(1, min(n, MAX_EXACT_BREAKPOINTS) + 1)]
    return _to_float(regions.xn, regions.xd), _to_float(regions.yn, regions.yd), exact, n


SAMPLES = 2**16
MAX_SAMPLED_KINKS = 20000


def _sampled(net: Network, lo: Fraction, hi: Fraction, output: int, n: int = SAMPLES):
    """Return (x, N(x) as floats, number of slope changes seen) at n pseudo-random points of [lo, hi] (and its
    ends), evaluated exactly. Random, not evenly spaced: even spacing aliases periodic functions (a sawtooth
    sampled at any fixed step looks like a slower sawtooth). A triple of consecutive samples that is not
    collinear has a breakpoint between its ends."""
    den = math.lcm(lo.denominator, hi.denominator) * 2**24
    a, b = int(lo * den), int(hi * den)
    rng = np.random.default_rng(20240601)
    inner = rng.integers(0, 2**62, size=n, dtype=np.int64).astype(object) * (b - a) // 2**62 + a
    xs = np.array(sorted({a, b, *inner}), dtype=object)
    Z, D = evaluate_chunk(net, xs.reshape(-1, 1), den)
    y = Z[:, output].astype(object)
    dx, dy = xs[1:] - xs[:-1], y[1:] - y[:-1]
    kinks = int(np.count_nonzero(dy[1:] * dx[:-1] - dy[:-1] * dx[1:]))
    return _to_float(xs, den), _to_float(Z[:, output], D), kinks


def _dense_target(ast, lo: Fraction, hi: Fraction, n: int = DENSE):
    """Return (x, f(x)) floats at n evenly spaced rational points of [lo, hi], or (None, None)."""
    den = math.lcm(lo.denominator, hi.denominator) * (n - 1)
    a, b = int(lo * den), int(hi * den)
    nums = np.array([[a + (b - a) * k // (n - 1)] for k in range(n)], dtype=object)
    try:
        tn, td = target_values(ast, nums, den)
    except (CertifyError, ZeroDivisionError, ValueError, ArithmeticError):
        return None, None
    return _to_float(nums[:, 0], den), _to_float(tn, td)


def function_1d(parts: Parts, values: Values | None = None) -> list[Function1D]:
    """Return one Function1D per output of a one-input certificate."""
    net, dom = parts.network, parts.domain
    if net.input_dim != 1:
        raise MalformedError(f"function_1d needs a one-input network, got input_dim {net.input_dim}")
    values = values or domain_values(parts)
    (lo,), (hi,) = dom.bounding_box()
    out = []
    for o in range(net.output_dim):
        exact = True
        if lo < hi:
            sx, sy, kinks = _sampled(net, lo, hi, o)
            if kinks > MAX_SAMPLED_KINKS:  # about a million pieces would take minutes and show nothing more
                kx, ky, bps, nb, exact = sx, sy, [], kinks // 2, False
            else:
                kx, ky, bps, nb = breakpoints_1d(net, lo, hi, o)
        else:  # a one-point domain
            kx, ky, bps, nb = values.points[:, 0], values.network[:, o], [], 0
        f = Function1D(o, lo, hi, kx, ky, bps, nb, values.points[:, 0], values.network[:, o],
                       None if values.target is None else values.target[:, o],
                       None if values.error is None else values.error[:, o],
                       values.max_error[o] if values.max_error else None,
                       values.argmax[o] if values.argmax else None, exact_knots=exact)
        if parts.target is not None and lo < hi and exact:  # (an evenly spaced curve would alias where N does)
            f.dense_x, f.dense_target = _dense_target(parts.target[o], lo, hi)
        out.append(f)
    return out


# ---- 2-D ---------------------------------------------------------------------------------------

@dataclass
class Grid2D:
    """One output of a two-input network on its domain: a rectangular table if the domain is one."""

    output: int
    xs: np.ndarray | None           # axis values of x_0 and x_1 when the domain is a product
    ys: np.ndarray | None
    network: np.ndarray             # (len(xs), len(ys)) table, or per point for other domains
    error: np.ndarray | None
    points: np.ndarray              # (n, 2) floats
    max_error: Fraction | None
    argmax: int | None


def grid_2d(parts: Parts, values: Values | None = None) -> list[Grid2D]:
    """Return one Grid2D per output of a two-input certificate."""
    if parts.network.input_dim != 2:
        raise MalformedError("grid_2d needs a two-input network")
    values = values or domain_values(parts)
    pts = values.points
    xs, ys = np.unique(pts[:, 0]), np.unique(pts[:, 1])
    rect = len(xs) * len(ys) == len(pts) and parts.raw["domain"]["kind"] != "points"
    out = []
    for o in range(parts.network.output_dim):
        shape = lambda a: None if a is None else (a[:, o].reshape(len(xs), len(ys)) if rect else a[:, o])
        out.append(Grid2D(o, xs if rect else None, ys if rect else None, shape(values.network), shape(values.error),
                          pts, values.max_error[o] if values.max_error else None,
                          values.argmax[o] if values.argmax else None))
    return out


# ---- weights -----------------------------------------------------------------------------------

def _log10(q: Fraction) -> float:
    return math.log10(abs(q.numerator)) - math.log10(q.denominator)


def weight_magnitudes(net: Network) -> list[tuple[list[float], list[float], Fraction]]:
    """Return per layer (log10 |w| of the non-zero weights, log10 |b| of the non-zero biases, max |w or b|)."""
    out = []
    for layer in net.sparse_layers:
        ws = [w for row in layer.rows for _, w in row]
        bs = [b for b in layer.bias or () if b]
        out.append(([_log10(w) for w in ws], [_log10(b) for b in bs], max(map(abs, ws + bs), default=Fraction(0))))
    return out


# ---- drawing -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Figure:
    """One rendered PNG: a file-name suffix, a caption, and the bytes."""

    suffix: str
    caption: str
    png: bytes


def _approx(parts) -> str:
    """Return "~" when the target is irrational (errors are approximations within APPROX_TOL), else ""."""
    return "~" if parts.target is not None and any(map(_irrational, parts.target)) else ""


def _fmt(q) -> str:
    if q is None:
        return "-"
    q = Fraction(q)
    s = str(q)
    return s if len(s) <= 24 and q.denominator <= 10**6 else f"{float(q):.6g}"


def _png(fig, description: str, dpi: int) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, metadata={"Description": description, "Software": f"certify {__version__}"})
    return buf.getvalue()


def draw_function_1d(f: Function1D, parts: Parts, dpi: int = 100) -> Figure:
    """Return the figure of one output of a one-input network: N, f, breakpoints, and the error."""
    Fig = require_matplotlib()
    has_err = f.error is not None
    fig = Fig(figsize=(8, 6.5 if has_err else 4.5))
    fig.subplots_adjust(left=0.11, right=0.98, top=0.94, bottom=0.08 if has_err else 0.12, hspace=0.08)
    axes = fig.subplots(2, 1, sharex=True, height_ratios=[2, 1]) if has_err else [fig.subplots()]
    ax = axes[0]
    ax.plot(f.knots_x, f.knots_y, "-", color="C0", lw=1.6 if f.exact_knots else 0.6,
            label="network N(x) (exact: polyline through its breakpoints)" if f.exact_knots else
            f"network N(x) at {len(f.knots_x)} sample points (exact values)")
    if f.dense_x is not None:
        ax.plot(f.dense_x, f.dense_target, "--", color="C1", lw=1, label="target f(x)")
    if f.target is not None:
        ax.plot(f.points, f.target, "o", color="C1", ms=3, label="f at the domain points")
    bps, nb = f.breakpoints, f.n_breakpoints
    if not f.exact_knots:
        ax.plot([], [], " ", label=f"at least {nb} breakpoints (not computed: too many)")
    elif nb and nb <= MAX_BREAKPOINTS_DRAWN:
        ax.plot(f.knots_x[1:-1], f.knots_y[1:-1], "|", color="C3", ms=12, mew=1.5, label=f"breakpoints of N ({nb})")
    elif nb:
        ax.plot([], [], " ", label=f"{nb} breakpoints (too many to mark)")
    title = f"{parts.name}: output {f.output} over [{_fmt(f.lo)}, {_fmt(f.hi)}], {len(f.points)} domain points"
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=8, loc="best")
    ax.grid(alpha=0.3)
    if has_err:
        ax2 = axes[1]
        ax2.plot(f.points, f.error, "o-", color="C2", ms=3, lw=0.8, label="|N(x) - f(x)| at the domain points")
        if parts.bound is not None:
            ax2.axhline(float(parts.bound), color="C3", ls=":", label=f"claimed bound eps = {_fmt(parts.bound)}")
        if f.argmax is not None:
            ax2.plot([f.points[f.argmax]], [f.error[f.argmax]], "*", color="C3", ms=12,
                     label=f"max error {_approx(parts)}{_fmt(f.max_error)} at x = {f.points[f.argmax]:.6g}")
        ax2.set_xlabel("x")
        ax2.set_ylabel("error")
        ax2.legend(fontsize=8, loc="best")
        ax2.grid(alpha=0.3)
    else:
        ax.set_xlabel("x")
    desc = (f"certify plot: function 1-D; output {f.output}; interval [{f.lo}, {f.hi}]; points {len(f.points)}; "
            + (f"breakpoints {nb}: {', '.join(map(str, bps[:50]))}{' ...' if nb > 50 else ''}; " if f.exact_knots else
               f"breakpoints at least {nb} (sampled at {len(f.knots_x)} points, not computed); ")
            + f"max error {_approx(parts)}{_fmt(f.max_error)}; bound {_fmt(parts.bound)}")
    caption = (f"Output {f.output}: the network (blue, "
               + (f"exact polyline with {nb} breakpoints{' marked red' if 0 < nb <= MAX_BREAKPOINTS_DRAWN else ''}) "
                  if f.exact_knots else f"exact values at {len(f.knots_x)} sample points; at least {nb} breakpoints) ")
               + ("and the target (orange) " if f.target is not None else "")
               + f"on [{_fmt(f.lo)}, {_fmt(f.hi)}]"
               + (f"; below, the error at each of the {len(f.points)} domain points, max {_fmt(f.max_error)}"
                  f" (bound {_fmt(parts.bound)})." if has_err else "."))
    return Figure(f"function_{f.output}" if parts.network.output_dim > 1 else "function", caption,
                  _png(fig, desc, dpi))


def draw_grid_2d(g: Grid2D, parts: Parts, dpi: int = 100) -> Figure:
    """Return the heat maps of one output of a two-input network and of its error."""
    Fig = require_matplotlib()
    panels = [("network N(x)", g.network, "viridis")] + ([("error |N(x) - f(x)|", g.error, "magma")]
                                                         if g.error is not None else [])
    fig = Fig(figsize=(5.2 * len(panels), 4.6))
    fig.subplots_adjust(left=0.08, right=0.97, top=0.88, bottom=0.12, wspace=0.25)
    axes = np.atleast_1d(fig.subplots(1, len(panels)))
    for ax, (label, data, cmap) in zip(axes, panels):
        if g.xs is not None:
            dx = (g.xs[-1] - g.xs[0]) / max(len(g.xs) - 1, 1) / 2 or 0.5
            dy = (g.ys[-1] - g.ys[0]) / max(len(g.ys) - 1, 1) / 2 or 0.5
            im = ax.imshow(data.T, origin="lower", cmap=cmap, aspect="auto",
                           extent=(g.xs[0] - dx, g.xs[-1] + dx, g.ys[0] - dy, g.ys[-1] + dy))
        else:
            im = ax.scatter(g.points[:, 0], g.points[:, 1], c=data, cmap=cmap, s=12)
        fig.colorbar(im, ax=ax)
        ax.set_xlabel("x_0")
        ax.set_ylabel("x_1")
        ax.set_title(label, fontsize=10)
    if g.error is not None and g.argmax is not None:
        x0, x1 = g.points[g.argmax]
        axes[-1].plot([x0], [x1], "*", color="cyan", ms=12, mec="k", label=f"max error {_approx(parts)}{_fmt(g.max_error)}")
        axes[-1].legend(fontsize=8, loc="upper right")
    fig.suptitle(f"{parts.name}: output {g.output} on {parts.domain.size} points"
                 + (f", bound eps = {_fmt(parts.bound)}" if parts.bound is not None else ""), fontsize=10)
    shape = f"{len(g.xs)}x{len(g.ys)}" if g.xs is not None else f"{len(g.points)} scattered"
    desc = (f"certify plot: heatmap 2-D; output {g.output}; points {len(g.points)}; table {shape}; "
            f"max error {_approx(parts)}{_fmt(g.max_error)}; bound {_fmt(parts.bound)}")
    caption = (f"Output {g.output}: heat map of the network over the {shape} domain"
               + (f" and of the error (max {_fmt(g.max_error)}, star)." if g.error is not None else "."))
    return Figure(f"heatmap_{g.output}" if parts.network.output_dim > 1 else "heatmap", caption, _png(fig, desc, dpi))


def draw_error_histogram(parts: Parts, values: Values, dpi: int = 100) -> Figure:
    """Return a histogram of the error over the domain (inputs of dimension > 2)."""
    Fig = require_matplotlib()
    fig = Fig(figsize=(7, 4))
    fig.subplots_adjust(left=0.1, right=0.97, top=0.9, bottom=0.13)
    ax = fig.subplots()
    m = values.error.shape[1]
    for o in range(min(m, 8)):
        ax.hist(values.error[:, o], bins=40, alpha=0.6, label=f"output {o}")
    if parts.bound is not None:
        ax.axvline(float(parts.bound), color="C3", ls=":", label=f"bound eps = {_fmt(parts.bound)}")
    ax.set_xlabel("|N(x) - f(x)|")
    ax.set_ylabel("domain points")
    ax.legend(fontsize=8)
    worst = max(values.max_error)
    ax.set_title(f"{parts.name}: error over {parts.domain.size} points (input dimension {parts.network.input_dim}), "
                 f"max {_fmt(worst)}", fontsize=10)
    desc = f"certify plot: error histogram; points {parts.domain.size}; max error {_fmt(worst)}; bound {_fmt(parts.bound)}"
    return Figure("error", f"Histogram of the error over the {parts.domain.size} domain points, max {_fmt(worst)}.",
                  _png(fig, desc, dpi))


def draw_weights(parts: Parts, dpi: int = 100) -> Figure:
    """Return per-layer histograms of log10 |weight| (blue) and log10 |bias| (orange), one row per layer."""
    Fig = require_matplotlib()
    mags = weight_magnitudes(parts.network)
    k = len(mags)
    every = [v for ws, bs, _ in mags for v in ws + bs]
    lo, hi = (min(every), max(every)) if every else (0.0, 0.0)
    width = max(hi - lo, 1.0) / 24
    bins = np.arange(lo - width / 2, hi + width, width)
    fig = Fig(figsize=(8, 1.2 + 0.55 * k))
    fig.subplots_adjust(left=0.14, right=0.72, top=1 - 0.45 / (1.2 + 0.55 * k), bottom=0.5 / (1.2 + 0.55 * k))
    ax = fig.subplots()
    for l, (ws, bs, top) in enumerate(mags, 1):
        cw, _ = np.histogram(ws, bins=bins)
        cb, _ = np.histogram(bs, bins=bins)
        scale = 0.85 / max((cw + cb).max(), 1)
        y0 = k - l  # layer 1 at the top
        ax.bar(bins[:-1], cw * scale, width=width, bottom=y0, align="edge", color="C0", edgecolor="none",
               label="weights" if l == 1 else None)
        ax.bar(bins[:-1], cb * scale, width=width, bottom=y0 + cw * scale, align="edge", color="C1",
               edgecolor="none", label="biases" if l == 1 else None)
        ax.axhline(y0, color="0.8", lw=0.5)
        ax.text(1.01, y0 + 0.4, f"{len(ws)} w, {len(bs)} b, max {_fmt(top)}", transform=ax.get_yaxis_transform(),
                fontsize=8, va="center")
    ax.set_yticks([k - l + 0.4 for l in range(1, k + 1)])
    ax.set_yticklabels([f"layer {l}" + (" (out)" if l == k else "") for l in range(1, k + 1)], fontsize=8)
    ax.set_ylim(-0.1, k)
    ax.set_xlabel("log10 |value| (non-zero weights and biases; bar height: count, scaled per layer)")
    ax.legend(fontsize=8, loc="lower left", bbox_to_anchor=(1.0, 1.0), ncols=2, frameon=False)
    net = parts.network
    ax.set_title(f"{parts.name}: weight magnitudes, depth {net.depth}, max |w or b| {_fmt(net.max_weight)}",
                 fontsize=10, loc="left")
    desc = (f"certify plot: weights; layers {k}; max weight {_fmt(net.max_weight)}; "
            f"nonzero weights per layer {[len(m[0]) for m in mags]}")
    caption = (f"Histograms of log10 |weight| (blue) and log10 |bias| (orange), non-zero ones, one row for each of the "
               f"{k} layers; the largest is {_fmt(net.max_weight)}.")
    return Figure("weights", caption, _png(fig, desc, dpi))


MAX_FIGURE_OUTPUTS = 8


def figures(source, *, dpi: int = 100, max_points: int = 10**6) -> list[Figure]:
    """Return every figure of a certificate (path, dict or Parts), rendered as PNG bytes."""
    parts = source if isinstance(source, Parts) else load(source)
    out = []
    d = parts.network.input_dim
    if d <= 2 or parts.target is not None:
        values = domain_values(parts, max_points)
        if d == 1:
            out += [draw_function_1d(f, parts, dpi) for f in function_1d(parts, values)[:MAX_FIGURE_OUTPUTS]]
        elif d == 2:
            out += [draw_grid_2d(g, parts, dpi) for g in grid_2d(parts, values)[:MAX_FIGURE_OUTPUTS]]
        else:
            out.append(draw_error_histogram(parts, values, dpi))
    out.append(draw_weights(parts, dpi))
    return out


def plot_certificate(source, out_dir=".", *, prefix: str | None = None, dpi: int = 100,
                     max_points: int = 10**6, validated: bool = False) -> list[Path]:
    """Write the figures of a certificate as PNG files `<prefix>_<kind>.png` in out_dir; return their paths.
    (validated=True: `source` is the raw dict of a certificate the kernel has already parsed.)"""
    parts = load(source, name=prefix, validated=validated)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    prefix = prefix or parts.name
    paths = []
    for fig in figures(parts, dpi=dpi, max_points=max_points):
        path = out_dir / f"{prefix}_{fig.suffix}.png"
        path.write_bytes(fig.png)
        paths.append(path)
    return paths
