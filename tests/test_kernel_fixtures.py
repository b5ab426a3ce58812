"""Every good fixture verifies; every bad fixture is rejected with its expected first error."""

import json
import re
from pathlib import Path

import pytest

from certify.kernel import check
from certify.kernel.canonical import canonical_json

FIXTURES = Path(__file__).parent / "fixtures"
GOOD = sorted((FIXTURES / "good").glob("*.json"))
BAD = sorted((FIXTURES / "bad").glob("*.json"))
ROOT = Path(__file__).parents[1]


def test_enough_fixtures():
    assert len(GOOD) >= 5 and len(BAD) >= 25


@pytest.mark.parametrize("path", GOOD, ids=lambda p: p.stem)
def test_good_fixture_verifies(path):
    report = check(path)
    assert report.ok and report.exit_code == 0 and report.first_failure is None, report.first_failure
    assert all(r.ok for r in report.results) and len(report.results) > 5


@pytest.mark.parametrize("path", GOOD, ids=lambda p: p.stem)
def test_good_fixture_is_canonical(path):
    text = path.read_text()
    assert text == canonical_json(json.loads(text)) + "\n"


@pytest.mark.parametrize("path", BAD, ids=lambda p: p.stem)
def test_bad_fixture_rejected(path):
    expected = path.with_suffix(".expected").read_text().strip()
    report = check(path)
    assert not report.ok and report.exit_code in (1, 2)
    assert expected in report.first_failure, report.first_failure


def test_exit_codes_of_bad_fixtures():
    """Malformed input is exit 2; a false claim is exit 1."""
    assert check(FIXTURES / "bad" / "zero_denominator.json").exit_code == 2
    assert check(FIXTURES / "bad" / "grid_too_large.json").exit_code == 2
    assert check(FIXTURES / "bad" / "division_by_zero_in_target.json").exit_code == 2
    assert check(FIXTURES / "bad" / "false_sup_error.json").exit_code == 1
    assert check(FIXTURES / "bad" / "wrong_step_value.json").exit_code == 1
    assert check(FIXTURES / "bad" / "steps_overlapping.json").exit_code == 1


def test_worked_example_of_the_spec_is_the_abs_fixture():
    """The JSON in docs/format.md (with its hash) is exactly the abs_grid fixture."""
    doc = (ROOT / "docs" / "format.md").read_text()
    block = re.search(r"## A worked example.*?```json\n(.*?)```", doc, re.S).group(1)
    assert json.loads(block) == json.loads((FIXTURES / "good" / "abs_grid.json").read_text())
    assert check(json.loads(block)).ok


def test_good_fixtures_match_the_json_schema():
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((ROOT / "certify" / "schema" / "certificate-v1.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    for path in GOOD:
        errors = [e.message for e in validator.iter_errors(json.loads(path.read_text()))]
        assert not errors, (path.name, errors[:3])
    for name in ("unknown_top_key", "unknown_layer_key", "ragged_triplet", "missing_claims"):
        assert not validator.is_valid(json.loads((FIXTURES / "bad" / f"{name}.json").read_text()))
