"""Corrupt good certificates one thing at a time: every corruption must be rejected, naming it."""

import copy
import json
import random
from fractions import Fraction as F
from pathlib import Path

import pytest

from certify.kernel import check
from certify.kernel.canonical import canonical_json, network_sha256

GOOD = sorted((Path(__file__).parent / "fixtures" / "good").glob("*.json"))
EPS = F(1, 10**9)


def fmt(q):
    return q.numerator if q.denominator == 1 else f"{q.numerator}/{q.denominator}"


def load(path):
    return json.loads(path.read_text())


def failures(c):
    report = check(c)
    return report, [r.name for r in report.results if not r.ok]


@pytest.mark.parametrize("path", GOOD, ids=lambda p: p.stem)
def test_nudging_any_weight_or_bias_is_caught(path):
    """Nudge one weight or bias by 1/10^9 (and re-hash, as a forger would): a pointwise claim fails."""
    c0 = load(path)
    sites = [(l, "weights", k) for l, layer in enumerate(c0["network"]["layers"]) for k in range(len(layer["weights"]))]
    sites += [(l, "bias", k) for l, layer in enumerate(c0["network"]["layers"]) for k in range(len(layer["bias"] or []))]
    for l, field, k in sites:
        c = copy.deepcopy(c0)
        layer = c["network"]["layers"][l]
        if field == "weights":
            layer["weights"][k][2] = fmt(F(layer["weights"][k][2]) + EPS)
        else:
            layer["bias"][k] = fmt(F(layer["bias"][k]) + EPS)
        c["network_sha256"] = network_sha256(c["network"])
        report, failed = failures(c)
        assert report.exit_code == 1, (l, field, k, report.first_failure)
        assert any(n.startswith(("sup_error", "steps[", "hints.argmax", "max_")) for n in failed), failed


@pytest.mark.parametrize("path", GOOD, ids=lambda p: p.stem)
def test_the_network_without_rehash_is_caught_by_the_hash(path):
    c = load(path)
    c["network"]["layers"][0]["size"] += 0  # unchanged: still verifies
    assert check(c).ok
    c["network"]["layers"][-1]["weights"][0][2] = fmt(F(c["network"]["layers"][-1]["weights"][0][2]) + EPS)
    report = check(c)
    assert report.exit_code == 2 and report.first_failure.startswith("network_sha256: does not match")


@pytest.mark.parametrize("path", GOOD, ids=lambda p: p.stem)
def test_tightening_any_claim_is_caught(path):
    """Every numeric claim in the good fixtures is tight: tightening it makes it false."""
    c0 = load(path)
    cases = {"max_weight": ("max_weight", -EPS), "max_abs_weight": ("max_abs_weight", -EPS),
             "max_abs_bias": ("max_abs_bias", -EPS), "depth": ("depth", 1), "width": ("width", -1)}
    for key, (name, delta) in cases.items():
        c = copy.deepcopy(c0)
        c["claims"][key] = fmt(F(c["claims"][key]) + delta)
        report, failed = failures(c)
        assert report.exit_code == 1 and name in failed, (key, report.first_failure)
    c = copy.deepcopy(c0)
    c["claims"]["layer_sizes"][0] += 1
    assert failures(c)[1] == ["layer_sizes"]
    sup = c0["claims"]["sup_error"]
    c = copy.deepcopy(c0)
    c["claims"]["sup_error"]["bound"] = fmt(F(sup["bound"]) - EPS)
    report, failed = failures(c)
    assert "sup_error" in failed and report.first_failure.startswith("sup_error: at x=(")
    for delta in (EPS, -EPS):
        c = copy.deepcopy(c0)
        c["claims"]["sup_error"]["attained"] = fmt(F(sup["attained"]) + delta)
        assert "sup_error.attained" in failures(c)[1]
    for s in c0["steps"]:
        if s["claims"]["max_weight"] is not None:
            c = copy.deepcopy(c0)
            c["steps"][s["id"]]["claims"]["max_weight"] = fmt(F(s["claims"]["max_weight"]) - EPS)
            assert failures(c)[1] == [f"steps[{s['id']}].claims.max_weight"]


@pytest.mark.parametrize("path", GOOD, ids=lambda p: p.stem)
def test_changing_any_step_value_is_caught(path):
    c0 = load(path)
    for s in c0["steps"]:
        for j, vc in enumerate(s["claims"]["values"]):
            for change in (lambda e: ["add", e, fmt(EPS)], lambda e: ["neg", e]):
                c = copy.deepcopy(c0)
                target = c["steps"][s["id"]]["claims"]["values"][j]
                target["equals"] = change(target["equals"])
                report, failed = failures(c)  # no claimed value is 0 at every point, so -e differs
                assert failed == [f"steps[{s['id']}].claims.values[{j}]"]
                assert report.first_failure.startswith(f"step {s['id']} ({s['label']}): values[{j}] at x=(")


@pytest.mark.parametrize("path", GOOD, ids=lambda p: p.stem)
def test_corrupting_the_hash_or_dropping_a_step_is_caught(path):
    c0 = load(path)
    c = copy.deepcopy(c0)
    h = c["network_sha256"]
    c["network_sha256"] = ("1" if h[0] == "0" else "0") + h[1:]
    report = check(c)
    assert report.exit_code == 2 and "network_sha256" in report.first_failure
    c = copy.deepcopy(c0)
    c["steps"].pop()
    report, failed = failures(c)
    assert not report.ok and "steps_cover" in failed and "no step" in report.first_failure


@pytest.mark.parametrize("path", GOOD, ids=lambda p: p.stem)
def test_single_character_changes_in_the_network_payload_are_rejected(path, tmp_path):
    text = path.read_text()
    start = text.index('"network":') + len('"network":')
    stop = text.index(',"network_sha256"')
    rng = random.Random(path.stem)
    for pos in rng.sample(range(start, stop), min(40, stop - start)):
        for ch in rng.sample('0123456789-/,[]{}":abcnlu ', 3):
            if ch == text[pos]:
                continue
            changed = text[:pos] + ch + text[pos + 1:]
            try:
                value = json.loads(changed)
            except ValueError:
                value = None
            report = check(value) if isinstance(value, dict) else None
            if report is None:  # not even JSON: the file path must be refused as malformed
                (tmp_path / "mutant.json").write_text(changed)
                report = check(tmp_path / "mutant.json")
            assert not report.ok, (pos, text[pos], ch)


def test_mutated_copies_are_plain_json():
    assert canonical_json(load(GOOD[0]))
