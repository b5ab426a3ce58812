"""Every shipped proof verifies, and single corruptions are rejected (or accepted exactly when still true).

Truth of a mutated certificate is decided by the exact core (certify.evaluate / certify.target),
which shares no code with the kernel.
"""

import copy
import json
import random
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest

from certify.domain import domain_from_json
from certify.evaluate import chunk_plan, forward
from certify.kernel import check
from certify.kernel.canonical import network_sha256
from certify.kernel.numbers import format_rational
from certify.network import Network
from certify.target import evaluate_expr
from certify.rigorous import enclose, is_irrational

ROOT = Path(__file__).resolve().parents[1]
PROOFS = sorted((ROOT / "proofs").rglob("*.json"))
BASE_CLAIMS = {"depth", "width", "layer_sizes", "max_weight", "max_abs_weight", "max_abs_bias", "sup_error",
               "steps_cover"}
# The mutation tests below re-check a proof many times; certificates with region / weight-bound
# claims (slow sweeps, mutation-tested in tests/test_region_claims.py) are only checked once here.
SMALL = [p for p in PROOFS if p.stat().st_size < 400_000
         and set(json.loads(p.read_text())["claims"]) <= BASE_CLAIMS]


def load(path):
    return json.loads(path.read_text())


def truth(data) -> bool:
    """Return whether the sup-error and step value claims of a certificate hold (exact core)."""
    net = Network.from_json(data["network"])
    dom = domain_from_json(data["domain"])
    sup = data["claims"]["sup_error"]
    worst = Fraction(0)
    for start in range(0, dom.size, 4096):
        nums, den = dom.chunk(start, min(start + 4096, dom.size))
        layers = forward(net, nums, den, chunk_plan(net, nums, den), all_layers=True)
        for step in data["steps"]:
            for claim in step["claims"]["values"]:
                rn, rd = evaluate_expr(claim["equals"], nums, den, layers)
                for k in range(len(rn)):
                    lhs = sum(Fraction(int(layers[l - 1][0][k, i]), layers[l - 1][1]) * Fraction(c)
                              for l, i, c in claim["terms"])
                    if lhs != Fraction(int(rn[k]), int(rd[k])):
                        return False
        if sup is not None:
            Z, D = layers[-1]
            for o, t in enumerate(data["target"]):
                if is_irrational(t):  # sqrt, sin, ...: a rigorous enclosure of the error (certify.rigorous)
                    for k in range(len(nums)):
                        lo, hi = enclose(t, tuple(Fraction(int(v), den) for v in nums[k]))
                        n = Fraction(int(Z[k, o]), D)
                        worst = max(worst, abs(n - lo), abs(n - hi))
                    continue
                tn, td = evaluate_expr(t, nums, den)
                for k in range(len(tn)):
                    worst = max(worst, abs(Fraction(int(Z[k, o]), D) - Fraction(int(tn[k]), int(td[k]))))
    if sup is not None:
        if worst > Fraction(sup["bound"]) or ("attained" in sup and worst != Fraction(sup["attained"])):
            return False
    return True


def rehash(data):
    data["network_sha256"] = network_sha256(data["network"])
    return data


@pytest.mark.parametrize("path", PROOFS, ids=lambda p: str(p.relative_to(ROOT)))
def test_proof_verifies(path):
    report = check(str(path))
    assert report.ok, report.first_failure


@pytest.mark.parametrize("path", SMALL, ids=lambda p: str(p.relative_to(ROOT)))
def test_claim_tightening_is_rejected(path):
    data = load(path)
    claims = data["claims"]
    mutants = {"depth": claims["depth"] + 1, "width": claims["width"] - 1}
    if Fraction(claims["max_weight"]) > 0:
        mutants["max_weight"] = format_rational(Fraction(claims["max_weight"]) - Fraction(1, 10**9))
    for key, value in mutants.items():
        bad = copy.deepcopy(data)
        bad["claims"][key] = value
        report = check(bad)
        assert not report.ok and key in report.first_failure, (key, report.first_failure)
    if claims["sup_error"] and "attained" in claims["sup_error"]:
        bad = copy.deepcopy(data)
        bad["claims"]["sup_error"]["attained"] = format_rational(Fraction(claims["sup_error"]["attained"]) + Fraction(1, 10**9))
        bad["claims"]["sup_error"]["bound"] = bad["claims"]["sup_error"]["attained"]
        report = check(bad)
        assert not report.ok and "attained" in report.first_failure


@pytest.mark.parametrize("path", SMALL, ids=lambda p: str(p.relative_to(ROOT)))
def test_hash_steps_and_step_claims_are_guarded(path):
    data = load(path)
    bad = copy.deepcopy(data)
    bad["network_sha256"] = "0" * 64
    assert "sha256" in check(bad).first_failure
    bad = copy.deepcopy(data)
    bad["steps"].pop()
    assert not check(bad).ok
    for sid, step in enumerate(data["steps"]):
        if step["claims"]["values"]:
            bad = copy.deepcopy(data)
            claim = bad["steps"][sid]["claims"]["values"][0]
            claim["equals"] = ["add", claim["equals"], 1]
            report = check(bad)
            assert not report.ok and f"step {sid}" in report.first_failure, report.first_failure
            break


@pytest.mark.parametrize("path", SMALL, ids=lambda p: str(p.relative_to(ROOT)))
def test_single_byte_changes_in_network_payload_are_rejected(path):
    text = path.read_text()
    start = text.index('"network":') + len('"network":')
    end = text.index('"network_sha256"')
    rng = random.Random(path.name)
    for pos in rng.sample(range(start, end), min(25, end - start)):
        ch = text[pos]
        new = "7" if ch != "7" else "3"
        mutated = text[:pos] + new + text[pos + 1:]
        try:
            data = json.loads(mutated)
        except json.JSONDecodeError:
            continue
        assert not check(data).ok, f"byte {pos} {ch!r}->{new!r} accepted"


@pytest.mark.parametrize("path", [p for p in SMALL if p.stat().st_size < 60_000], ids=lambda p: str(p.relative_to(ROOT)))
def test_weight_nudges_verdict_matches_the_exact_core(path):
    data = load(path)
    rng = random.Random(path.name)
    layers = data["network"]["layers"]
    picks = [(l, t) for l, layer in enumerate(layers) for t in range(len(layer["weights"]))]
    for l, t in rng.sample(picks, min(4, len(picks))):
        bad = copy.deepcopy(data)
        w = bad["network"]["layers"][l]["weights"][t]
        w[2] = format_rational(Fraction(w[2]) + Fraction(1, 10**9))
        rehash(bad)
        report = check(bad)
        structural_ok = Fraction(data["claims"]["max_weight"]) >= abs(Fraction(w[2]))
        expected = truth(bad) and structural_ok
        if report.ok != expected:
            # the step max_weight claims, the layer_bounds hint (exact maxima, replayed), or a claim this
            # oracle does not model (regions, weight bounds: checked by their own tests) may be what
            # rejects a mutant that is otherwise true
            extensions = [k for k in data["claims"] if k not in BASE_CLAIMS]
            reasons = ["max_weight", "layer_bounds"] + [f"claims.{k}" for k in extensions] + extensions
            assert not report.ok and any(r in report.first_failure for r in reasons), report.first_failure


EXAMPLES = sorted((ROOT / "examples").glob("*.py"))


@pytest.mark.parametrize("script", EXAMPLES, ids=lambda p: p.name)
def test_examples_regenerate_proofs_byte_identically(script):
    before = {p: p.read_bytes() for p in PROOFS}
    subprocess.run([sys.executable, str(script)], check=True, cwd=ROOT, capture_output=True, timeout=600)
    after = {p: p.read_bytes() for p in sorted((ROOT / "proofs").rglob("*.json"))}
    changed = [str(p) for p in before if after.get(p) != before[p]]
    assert not changed, f"{script.name} changed {changed}"
