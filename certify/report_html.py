"""A self-contained HTML report of a certificate: `certify report FILE -o report.html`.

One page, no external resources (inline CSS, figures as base64 PNG data URIs): the kernel's
verdict and every checked claim with its message, the provenance, the domain and the network, the
claims in the paper's terms, the construction steps with their value claims, and the figures of
`certify.plot` (when matplotlib is installed). The verdict comes from the kernel
(`certify.kernel.check`); the figures are drawn from builder-side exact values and are
illustrations only.
"""

from __future__ import annotations

import base64
import html
import json
from pathlib import Path

from . import __version__
from .kernel import Limits, check, parse
from .kernel.errors import CertifyError

VERDICTS = {0: "VERIFIED", 1: "FALSE", 2: "MALFORMED"}
MAX_STEPS = 500
MAX_VALUE_CLAIMS = 20
MAX_RESULTS = 2000

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;
color:#222;line-height:1.4}
h1{font-size:1.5em;margin-bottom:.2em} h2{font-size:1.2em;border-bottom:1px solid #ddd;padding-bottom:.2em;margin-top:1.6em}
.verdict{font-size:1.3em;font-weight:bold;padding:.6em 1em;border-radius:6px;margin:1em 0}
.v0{background:#e3f5e6;color:#14632a;border:1px solid #9bd3a7} .v1{background:#fde8e8;color:#8a1414;border:1px solid #f0a0a0}
.v2,.v3{background:#fff4dd;color:#7a4b00;border:1px solid #f0cf86}
table{border-collapse:collapse;width:100%;font-size:.92em;margin:.5em 0} td,th{border:1px solid #ddd;padding:.3em .5em;
vertical-align:top;text-align:left} th{background:#f5f5f5} code,.mono{font-family:ui-monospace,Menlo,Consolas,monospace;
font-size:.92em;word-break:break-word} tr.fail td{background:#fde8e8} .ok{color:#14632a} .bad{color:#8a1414;font-weight:bold}
figure{margin:1em 0;text-align:center} figure img{max-width:100%;border:1px solid #eee} figcaption{font-size:.9em;color:#555}
.note{color:#666;font-size:.9em} details{margin:.4em 0}
"""


def _e(x) -> str:
    return html.escape(str(x), quote=True)


def _table(rows, header=None, cls=None) -> str:
    out = ["<table>"]
    if header:
        out.append("<tr>" + "".join(f"<th>{_e(h)}</th>" for h in header) + "</tr>")
    for i, row in enumerate(rows):
        klass = f' class="{cls[i]}"' if cls and cls[i] else ""
        out.append(f"<tr{klass}>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>")
    out.append("</table>")
    return "\n".join(out)


def _claims_rows(cert) -> list:
    """Return (claim, meaning) rows in the paper's terms."""
    from .cli import _rational as f, infix
    c, raw = cert.claims, cert.raw["claims"]
    rows = [("depth", f"{c.depth} layers (the linear output layer included)"),
            ("width", f"{c.width} (largest layer)"), ("layer sizes", str(list(c.layer_sizes))),
            ("max_weight", f"every weight and every bias has |v| &le; {_e(f(c.max_weight))}"),
            ("max_abs_weight", f"every weight has |w| &le; {_e(f(c.max_abs_weight))}"),
            ("max_abs_bias", f"every bias has |b| &le; {_e(f(c.max_abs_bias))}")]
    if c.sup_bound is not None:
        text = f"max over the domain and outputs o of |N(x)<sub>o</sub> &minus; f<sub>o</sub>(x)| &le; {_e(f(c.sup_bound))}"
        text += " (exact)" if c.sup_bound == 0 else ""
        text += f"; attained: {_e(f(c.attained))}" if c.attained is not None else ""
        rows.append(("sup_error", text))
    for o, e in enumerate(cert.raw.get("target") or []):
        rows.append((f"target f<sub>{o}</sub>", f"<code>f_{o}(x) = {_e(infix(e))}</code>"))
    rows.append(("steps_cover", "the steps partition the neurons" if c.steps_cover else "not claimed"))
    known = {"depth", "width", "layer_sizes", "max_weight", "max_abs_weight", "max_abs_bias", "sup_error", "steps_cover"}
    for key in sorted(set(raw) - known):
        text = json.dumps(raw[key])
        rows.append((_e(key), f"<code>{_e(text[:600])}{' ...' if len(text) > 600 else ''}</code>"))
    return [(f"<b>{k}</b>" if "<" not in k else k, v) for k, v in rows]


def _steps_html(cert) -> str:
    from .cli import _rational as f, _terms, infix
    rows = []
    for st in cert.steps[:MAX_STEPS]:
        where = "; ".join(f"layer {l}: {a}..{b - 1} ({b - a})" for l, a, b in st.neurons) or "none"
        reads = ", ".join("x" if i == "x" else f"step {i}" for i in st.inputs) or "nothing"
        values = [f"<code>{_e(_terms(vc.terms))} = {_e(infix(vc.raw['equals']))}</code>"
                  for vc in st.values[:MAX_VALUE_CLAIMS]]
        if len(st.values) > MAX_VALUE_CLAIMS:
            values.append(f'<span class="note">... and {len(st.values) - MAX_VALUE_CLAIMS} more</span>')
        rows.append((str(st.id), f"<b>{_e(st.op)}</b>", _e(st.label), _e(where), _e(reads),
                     "-" if st.max_weight is None else _e(f(st.max_weight)), "<br>".join(values) or "-"))
    note = (f'<p class="note">{len(cert.steps) - MAX_STEPS} more steps not shown.</p>'
            if len(cert.steps) > MAX_STEPS else "")
    return _table(rows, ["id", "op", "label", "neurons", "reads", "max |w|", "value claims (at every point)"]) + note


def _results_html(report) -> str:
    results = report.results
    shown = [r for r in results if not r.ok] + [r for r in results if r.ok][:MAX_RESULTS]
    shown.sort(key=results.index)
    rows = [(_e(r.name), '<span class="ok">verified</span>' if r.ok else
             f'<span class="bad">{VERDICTS.get(r.code, "FAILED")}</span>', f'<span class="mono">{_e(r.message)}</span>')
            for r in shown]
    body = _table(rows, ["claim", "result", "kernel message"], ["" if r.ok else "fail" for r in shown])
    if len(shown) < len(results):
        body += f'<p class="note">{len(results) - len(shown)} more verified checks not shown.</p>'
    n_ok = sum(r.ok for r in results)
    return f"<details open><summary>{n_ok} of {len(results)} checks verified</summary>\n{body}\n</details>"


def html_report(source, *, figures: bool = True, limits: Limits | None = None, name: str | None = None):
    """Return (html text, kernel Report) for a certificate given as a path or a dict."""
    report = check(source, limits=limits)
    code = report.exit_code
    name = name or (Path(source).name if isinstance(source, (str, Path)) else "certificate")
    parts = [f"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
             f"<title>certify report: {_e(name)}</title>\n<style>{_CSS}</style>\n</head>\n<body>",
             f"<h1>certify report: <code>{_e(name)}</code></h1>",
             f'<div class="verdict v{code}" id="verdict">{VERDICTS.get(code, "FAILED")} '
             f'<span class="note">(kernel exit code {code})</span></div>']
    if code:
        parts.append(f'<p class="bad" id="first-failure">{_e(report.first_failure)}</p>')
    try:
        cert = parse(source, limits=limits)
    except CertifyError:
        cert = None
    if cert is not None:
        raw, prov, net = cert.raw, cert.raw["provenance"], cert.network
        weights = [w for layer in net.layers for w in layer.weights]
        overview = [("format", _e(raw["format"])), ("construction", f"<b>{_e(prov['construction'])}</b>"),
                    ("parameters", f"<code>{_e(json.dumps(prov['parameters']))}</code>"),
                    ("paper", _e(prov["paper"])), ("theorem", _e(prov["theorem"])), ("tool", _e(prov["tool"])),
                    ("domain", f"{_e(cert.domain.desc)} ({cert.domain.size} points)"),
                    ("network", f"{'paper form (output layer linear, no bias)' if net.form == 'paper' else 'with an output bias (not paper form)'}"
                                f"; input dimension {net.input_dim}; layer sizes {list(net.sizes[1:])}; "
                                f"{len(weights)} non-zero weights"),
                    ("network_sha256", f'<span class="mono">{_e(raw["network_sha256"])}</span>'),
                    ("checked", f"{report.info.get('points', '-')} points; layer paths "
                                f"{_e(', '.join(report.info.get('layer_paths', [])))}")]
        parts += ["<h2>Certificate</h2>", _table([(f"<b>{k}</b>", v) for k, v in overview])]
        parts += ["<h2>Claims</h2>", _table(_claims_rows(cert), ["claim", "meaning"])]
        parts += [f'<h2>Steps ({len(cert.steps)})</h2>', _steps_html(cert)]
    parts += ["<h2>Checks (kernel)</h2>", _results_html(report)]
    if cert is not None and figures:
        parts.append("<h2>Figures</h2>")
        parts.append(_figures_html(cert.raw, name))
    parts.append(f'<p class="note">Generated by certify {__version__}. The verdict and the checks come from the kernel '
                 f'(certify/kernel); the figures are drawn from exact values computed by the builder and are '
                 f'illustrations only.</p>\n</body>\n</html>\n')
    return "\n".join(parts), report


def _figures_html(raw: dict, name: str) -> str:
    try:
        from . import plot
        plot.require_matplotlib()
    except ImportError:
        return '<p class="note">Figures need matplotlib: pip install "certify[plot]".</p>'
    try:
        figs = plot.figures(plot.load(raw, name=Path(name).stem, validated=True))
    except CertifyError as e:
        return f'<p class="note">No figures: {_e(e)}</p>'
    out = []
    for fig in figs:
        data = base64.b64encode(fig.png).decode("ascii")
        out.append(f'<figure id="figure-{_e(fig.suffix)}"><img src="data:image/png;base64,{data}" '
                   f'alt="{_e(fig.caption)}"><figcaption>{_e(fig.caption)}</figcaption></figure>')
    return "\n".join(out)


def write_report(source, out, *, figures: bool = True, limits: Limits | None = None):
    """Write the HTML report of a certificate to `out`; return the kernel's Report."""
    text, report = html_report(source, figures=figures, limits=limits)
    Path(out).write_text(text, encoding="utf-8")
    return report
