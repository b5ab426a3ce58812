"""CI integration: the pytest plugin (`pytest --certify PATHS`) and `certify check --junit`.

The plugin runs in an inner pytest session (pytester, in-process) in a temporary directory, and its
results are read back from --junitxml.
"""

import json
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from importlib.metadata import entry_points
from pathlib import Path

from certify import check, cli

pytest_plugins = ["pytester"]

FIX = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).parents[1]


def _plugin_args() -> list:
    """Return [] when the pytest11 entry point is installed, else the flag that loads the plugin."""
    names = {ep.value for ep in entry_points(group="pytest11")}
    return [] if "certify.pytest_plugin" in names else ["-p", "certify.pytest_plugin"]


def run_pytest(pytester, *args):
    """Run pytest in pytester's directory; return (exit code, output, {node id: (outcome, message)})."""
    xml = pytester.path / "junit.xml"
    xml.unlink(missing_ok=True)
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", *_plugin_args(), f"--junitxml={xml}",
                                          *map(str, args))
    cases = {}
    if xml.exists():
        for case in ET.parse(xml).getroot().iter("testcase"):
            bad = case.find("failure")
            outcome = "failed" if bad is not None else "skipped" if case.find("skipped") is not None else "passed"
            cases[f"{case.get('classname')}::{case.get('name')}"] = (outcome, None if bad is None else bad.get("message"))
    return int(result.ret), result.stdout.str() + result.stderr.str(), cases


def _certs(tmp_path: Path) -> Path:
    d = tmp_path / "certs"
    d.mkdir()
    shutil.copy(FIX / "good" / "abs_grid.json", d / "abs_grid.json")
    shutil.copy(FIX / "bad" / "wrong_step_value.json", d / "wrong_step_value.json")
    shutil.copy(FIX / "bad" / "zero_denominator.json", d / "zero_denominator.json")
    return d


def test_entry_point_is_declared():
    text = (ROOT / "pyproject.toml").read_text()
    assert '[project.entry-points.pytest11]\ncertify = "certify.pytest_plugin"' in text


def test_plugin_one_test_per_claim_with_the_counterexample(pytester):
    d = _certs(pytester.path)
    code, out, cases = run_pytest(pytester, "--certify", d)
    assert code == 1, out
    good = {k: v for k, v in cases.items() if "abs_grid" in k}
    assert len(good) > 10 and all(v[0] == "passed" for v in good.values())
    assert any(k.endswith("::sup_error") for k in good) and any(k.endswith("::depth") for k in good)
    failed = {k: v for k, v in cases.items() if v[0] == "failed"}
    assert set(failed) == {"certs.wrong_step_value.json::steps[1].claims.values[0]",
                           "certs.zero_denominator.json::malformed"}, failed
    (_, msg), = [v for k, v in failed.items() if "wrong_step_value" in k]
    assert msg.startswith("FALSE wrong_step_value.json: step 1 (read-out): values[0] at x=(-1)")
    assert "expected" in msg and "got sum of terms" in msg
    assert 'MALFORMED zero_denominator.json: network.layers[1].weights[1]: zero denominator in "1/0"' in out


def test_plugin_per_file_and_keyword_selection(pytester):
    d = _certs(pytester.path)
    code, out, cases = run_pytest(pytester, "--certify", "--certify-per-file", d)
    assert code == 1 and len(cases) == 3, out
    assert sorted(v[0] for v in cases.values()) == ["failed", "failed", "passed"]
    code, out, cases = run_pytest(pytester, "--certify", d / "abs_grid.json", "-k", "sup_error")
    assert code == 0 and set(k.split("::")[1] for k in cases) == {"sup_error", "sup_error.attained"}, out


def test_plugin_is_inactive_without_the_flag(pytester):
    d = _certs(pytester.path)
    pytester.makepyfile(test_plain="def test_one():\n    assert True\n")
    code, out, cases = run_pytest(pytester, d, pytester.path / "test_plain.py")
    assert code == 0 and list(cases) == ["test_plain::test_one"], out  # the JSON files are left alone


def test_cli_junit_one_testcase_per_claim(tmp_path, capsys):
    report = tmp_path / "report.xml"
    code = cli.main(["check", "-q", "--junit", str(report), str(FIX / "good" / "abs_grid.json"),
                     str(FIX / "bad" / "wrong_step_value.json"), str(FIX / "bad" / "nan_weight.json")])
    capsys.readouterr()
    assert code == 2
    root = ET.parse(report).getroot()
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert [Path(s.get("name")).name for s in suites] == ["abs_grid.json", "wrong_step_value.json", "nan_weight.json"]
    assert int(root.get("tests")) == sum(len(s.findall("testcase")) for s in suites)
    assert root.get("failures") == "2" and root.get("errors") == "0"
    good, false, malformed = suites
    assert good.get("failures") == "0" and len(good.findall("testcase")) > 10
    assert {p.get("name"): p.get("value") for p in good.iter("property")}["verdict"] == "VERIFIED"
    (fail,) = false.iter("failure")
    assert fail.get("type") == "FALSE" and fail.get("message").startswith("step 1 (read-out): values[0] at x=(-1)")
    (fail,) = malformed.iter("failure")
    assert fail.get("type") == "MALFORMED"


def test_cli_junit_internal_error_is_an_error(tmp_path, capsys, monkeypatch):
    def boom(*a, **k):
        raise RuntimeError("kaboom")
    monkeypatch.setattr(cli, "check", boom)
    report = tmp_path / "r.xml"
    assert cli.main(["check", "--junit", str(report), str(FIX / "good" / "abs_grid.json")]) == 3
    capsys.readouterr()
    (err,) = ET.parse(report).getroot().iter("error")
    assert err.get("type") == "INTERNAL" and "kaboom" in err.get("message")


def test_check_with_junit_loads_only_the_kernel(tmp_path):
    code = ("import sys; from certify import cli; "
            f"code = cli.main(['check', '-q', '--junit', {str(tmp_path / 'r.xml')!r}, {str(FIX / 'good' / 'abs_grid.json')!r}]); "
            "bad = [m for m in sys.modules if m.startswith('certify.') and not m.startswith(('certify.kernel', 'certify.cli', "
            "'certify.parallel', 'certify.distributed'))]; "  # the shard transport: kernel and standard library only
            "print(bad); sys.exit(code or bool(bad))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr
    assert ET.parse(tmp_path / "r.xml").getroot().get("tests") == str(len(check(FIX / "good" / "abs_grid.json").results))


def test_cli_json_records_time(capsys):
    code = cli.main(["check", "--json", str(FIX / "good" / "abs_grid.json")])
    data = json.loads(capsys.readouterr().out)
    assert code == 0 and data["files"][0]["seconds"] >= 0


def test_precommit_hook_and_workflow_files():
    hooks = (ROOT / ".pre-commit-hooks.yaml").read_text()
    assert "- id: certify-check" in hooks and "entry: certify check" in hooks and "files: ^proofs/.*\\.json$" in hooks
    workflow = (ROOT / ".github" / "workflows" / "certify.yml").read_text()
    assert "certify check" in workflow and "--junit" in workflow
