"""The writer: turn a block (or a bare network), a domain and a target into a v1 certificate.

The writer computes every claim with the exact core and verifies each step's claims on the
whole domain before writing, so it never emits a false certificate; the kernel re-checks all of it.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from . import __version__
from .approximation import sup_error, target_asts
from .build.block import Block
from .domain import Domain, as_domain
from .evaluate import CHUNK, forward, plan_for_box
from .kernel.canonical import FORMAT, canonical_json, network_sha256
from .kernel.errors import ClaimError, MalformedError
from .kernel.numbers import format_rational
from .network import Network
from .target import evaluate_expr


@dataclass(frozen=True)
class Certificate:
    """A v1 certificate as a JSON-ready dict; `text` is its canonical serialisation."""

    data: dict

    @property
    def text(self) -> str:
        """Return the canonical file contents (one line of JSON and a newline)."""
        return canonical_json(self.data) + "\n"

    def save(self, path) -> None:
        """Write the certificate atomically (temporary file in the same directory, then rename)."""
        save_text(path, self.text)

    def check(self):
        """Return the kernel's report on this certificate."""
        from .kernel import check
        return check(self.data)


def save_text(path, text: str) -> None:
    """Write text to path atomically: a partial file is never left behind."""
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".part")  # not *.json: `certify check DIR` skips it
    try:
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            umask = os.umask(0o22)
            os.umask(umask)
            os.fchmod(fh.fileno(), 0o666 & ~umask)  # mkstemp makes 0600; a certificate is as readable as any file
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def json_value(v):
    """Return v as a JSON value with exact numbers (Fractions -> "n/d"); floats are refused."""
    if isinstance(v, bool) or v is None or isinstance(v, str):
        return v
    if isinstance(v, (int, Fraction)):
        return format_rational(v)
    if isinstance(v, dict):
        return {str(k): json_value(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [json_value(x) for x in v]
    raise MalformedError(f"parameter value {v!r} ({type(v).__name__}) is not exact JSON")


def neuron_ranges(neurons) -> list[list[int]]:
    """Return the sorted [layer, start, stop) ranges covering a set of (layer, index)."""
    out: list[list[int]] = []
    for l, i in sorted(neurons):
        if out and out[-1][0] == l and out[-1][2] == i:
            out[-1][2] = i + 1
        else:
            out.append([l, i, i + 1])
    return out


def step_max_weight(net: Network, neurons) -> Fraction:
    """Return the largest |weight| or |bias| entering the given neurons."""
    best = Fraction(0)
    for l, i in neurons:
        layer = net.sparse_layers[l - 1]
        best = max([best, *(abs(w) for _, w in layer.rows[i])])
        if layer.bias is not None:
            best = max(best, abs(layer.bias[i]))
    return best


def _verify_steps(block: Block, domain: Domain) -> list[Fraction]:
    """Check every step claim at every point; return max |value| per layer (the layer_bounds hint)."""
    net = block.network
    lo, hi = domain.bounding_box()
    bounds = [Fraction(0)] * net.depth
    plan, plan_den = None, None
    for start, stop in domain.chunks(CHUNK):
        nums, den = domain.chunk(start, stop)
        if den != plan_den:
            plan, plan_den = plan_for_box(net, lo, hi, den), den
        layers = forward(net, nums, den, plan, all_layers=True)
        for l, (Z, D) in enumerate(layers):
            bounds[l] = max(bounds[l], Fraction(int(np.abs(Z).max()), D))
        for sid, step in enumerate(block.steps):
            for terms, expr in step.values:
                lhs_den = np.prod([c.denominator for _, _, c in terms], dtype=object) * layers[-1][1]
                lhs_num = sum((layers[l - 1][0][:, i].astype(object) * (c.numerator * (lhs_den // (c.denominator * layers[l - 1][1])))
                               for l, i, c in terms), np.zeros(stop - start, dtype=object))
                rn, rd = evaluate_expr(expr, nums, den, layers)
                bad = np.flatnonzero(lhs_num * rd != rn * lhs_den)
                if bad.size:
                    k = bad[0]
                    point = tuple(str(Fraction(int(v), den)) for v in nums[k])
                    raise ClaimError(f"step {sid} ({step.label}), point x=({', '.join(point)}): "
                                     f"{terms_text(terms)} = {Fraction(int(lhs_num[k]), int(lhs_den))}, "
                                     f"claimed {Fraction(int(rn[k]), int(rd[k]))}")
    return bounds


def terms_text(terms) -> str:
    """Return a readable form of a neuron combination."""
    return " + ".join(f"{c}*n[{l},{i}]" if c != 1 else f"n[{l},{i}]" for l, i, c in terms)


def certificate(block, domain, target=None, *, construction: str, parameters=None, paper: str = "-",
                theorem: str = "-", eps=None, attained: bool = True, hints: bool = True,
                extra_claims=None) -> Certificate:
    """Return the certificate of `block` (or a Network) on `domain` against `target`.

    eps=None claims the exact sup-error the writer computes; a given eps must hold (else
    ClaimError). Every step claim is verified on the domain before anything is written.
    extra_claims: a dict merged into `claims` (region and weight-bound claims: certify.extra_claims).
    """
    if isinstance(block, Network):
        block = Block.single(block, op="network", label="the network", params={})
    net, domain = block.network, as_domain(domain)
    if domain.d != net.input_dim:
        raise MalformedError(f"domain has dimension {domain.d}, network reads {net.input_dim} inputs")
    layer_bounds = _verify_steps(block, domain)
    claims = {"depth": net.depth, "width": net.width, "layer_sizes": net.layer_sizes,
              "max_weight": format_rational(net.max_weight), "max_abs_weight": format_rational(net.max_abs_weight),
              "max_abs_bias": format_rational(net.max_abs_bias), "steps_cover": True, "sup_error": None}
    claims.update(extra_claims or {})
    hint_obj = {"layer_bounds": [format_rational(b) for b in layer_bounds]}
    target_json = None
    if target is not None:
        asts = target_asts(target, net.output_dim)
        err = sup_error(net, domain, asts)
        value = err.value if err.upper is None else err.upper  # irrational target: a rigorous upper bound
        bound = value if eps is None else Fraction(eps)
        if value > bound:
            raise ClaimError(f"sup_error: at x={tuple(str(v) for v in err.point)} output {err.output}: "
                             f"|N(x) - f(x)| {'=' if err.upper is None else 'may be up to'} {value} > eps = {bound}")
        claims["sup_error"] = {"bound": format_rational(bound)}
        if attained and err.upper is None:  # irrational targets: bound only, no attained, no argmax
            claims["sup_error"]["attained"] = format_rational(err.value)
        if err.upper is None:
            hint_obj["argmax"] = [format_rational(v) for v in err.point]
        target_json = asts
    steps = []
    for sid, s in enumerate(block.steps):
        steps.append({"id": sid, "op": s.op, "label": s.label, "params": json_value(s.params),
                      "neurons": neuron_ranges(s.neurons),
                      "inputs": list(s.inputs),
                      "claims": {"max_weight": format_rational(step_max_weight(net, s.neurons)) if s.neurons else None,
                                 "values": [{"terms": [[l, i, format_rational(c)] for l, i, c in terms],
                                             "equals": expr} for terms, expr in s.values]}})
    network_obj = net.to_json()
    data = {"format": FORMAT,
            "provenance": {"construction": construction, "parameters": json_value(parameters or {}),
                           "paper": paper, "theorem": theorem, "tool": f"certify {__version__}"},
            "domain": domain.to_json(), "network": network_obj, "network_sha256": network_sha256(network_obj),
            "target": target_json, "claims": claims, "steps": steps}
    if hints:
        data["hints"] = hint_obj
    return Certificate(data)
