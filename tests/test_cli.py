"""The `certify` command line: verdicts, exit codes, --json, -q, limits, show and stats."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from certify import cli

FIX = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).parents[1]


def run(capsys, *argv):
    code = cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_check_good_directory(capsys):
    code, out, err = run(capsys, "check", FIX / "good")
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == len(list((FIX / "good").glob("*.json")))
    assert all(line.startswith("VERIFIED ") for line in lines)
    assert lines == sorted(lines)


def test_check_false_claim_prints_the_counterexample(capsys):
    code, out, err = run(capsys, "check", FIX / "bad" / "wrong_step_value.json")
    assert code == 1
    assert out.startswith("FALSE ") and "step 1 (read-out): values[0] at x=(-1)" in out
    assert "expected" in out and "got sum of terms" in out


def test_check_malformed_and_limits(capsys):
    code, out, _ = run(capsys, "check", FIX / "bad" / "zero_denominator.json")
    assert code == 2 and out.startswith("MALFORMED ") and 'zero denominator in "1/0"' in out
    code, out, _ = run(capsys, "check", "--max-points", "10", FIX / "good" / "max2_grid.json")
    assert code == 2 and "more than 10 points" in out
    code, out, _ = run(capsys, "check", "--max-depth-json", "3", "--max-digits", "5", "--max-weights", "2",
                       "--max-file-size", "100000", "--max-expr-nodes", "9", FIX / "good" / "abs_grid.json")
    assert code == 2 and "nesting depth" in out


def test_check_directory_with_bad_files_exits_with_the_worst_code(capsys, tmp_path):
    shutil.copy(FIX / "good" / "abs_grid.json", tmp_path / "a.json")
    (tmp_path / "sub").mkdir()
    shutil.copy(FIX / "bad" / "false_sup_error.json", tmp_path / "sub" / "b.json")
    assert run(capsys, "check", tmp_path)[0] == 1
    shutil.copy(FIX / "bad" / "nan_weight.json", tmp_path / "c.json")
    code, out, _ = run(capsys, "check", tmp_path)
    assert code == 2 and out.count("\n") == 3


def test_check_json_output(capsys):
    code, out, _ = run(capsys, "check", "--json", FIX / "good" / "abs_grid.json", FIX / "bad" / "wrong_attained.json")
    data = json.loads(out)
    assert code == 1 and data["exit_code"] == 1
    assert [f["verdict"] for f in data["files"]] == ["VERIFIED", "FALSE"]
    assert data["files"][1]["first_failure"].startswith("sup_error.attained: the maximum error is 1/4")
    assert all({"name", "ok", "message"} <= set(r) for r in data["files"][0]["results"])


def test_check_quiet(capsys):
    code, out, err = run(capsys, "check", "-q", FIX / "good")
    assert code == 0 and out == "" and err == ""
    code, out, _ = run(capsys, "check", "-q", FIX / "good" / "abs_grid.json", FIX / "bad" / "wrong_depth.json")
    assert code == 1 and out.startswith("FALSE") and out.count("\n") == 1


def test_internal_error_is_one_line_exit_3(capsys, monkeypatch):
    def boom(*a, **k):
        raise RuntimeError("kaboom")
    monkeypatch.setattr(cli, "check", boom)
    code, out, err = run(capsys, "check", FIX / "good" / "abs_grid.json")
    assert code == 3 and "internal error:" in err and "kaboom" in err and "Traceback" not in err
    code, out, err = run(capsys, "check", "--debug", FIX / "good" / "abs_grid.json")
    assert code == 3 and "Traceback" in err


def test_no_files(capsys, tmp_path):
    assert run(capsys, "check", tmp_path)[0] == 2


def test_show_speaks_the_papers_terms(capsys):
    code, out, _ = run(capsys, "show", FIX / "good" / "max2_grid.json")
    assert code == 0
    assert "format certify/v1" in out
    assert "grid I^2, I = {j/4 : -4 <= j <= 4} (81 points)" in out
    assert "f_0(x) = max(x_0, x_1)" in out
    assert "depth 2, width 3, layer sizes [3, 1]" in out
    assert "paper form" in out and "max |weight| 1, max |bias| 0" in out
    order = [out.index(f"  {i}. ") for i in range(3)]
    assert order == sorted(order)
    assert "layer 1 neurons 1..2 (2); reads x" in out
    assert "claim: h[1,1] - h[1,2] = x_1 at every point" in out
    code, out, _ = run(capsys, "show", FIX / "good" / "parity2_cube.json")
    assert "boolean cube {0,1}^2 (4 points)" in out and "(sum_i x_i) mod 2" in out
    assert "claim: h[2,0] = (if x_0 != x_1 then 1 else 0)" in out


def test_show_malformed(capsys):
    code, out, _ = run(capsys, "show", FIX / "bad" / "unknown_version.json")
    assert code == 2 and out.startswith("MALFORMED")


def test_stats(capsys):
    code, out, _ = run(capsys, "stats", FIX / "good" / "bigweights_grid.json")
    assert code == 0
    assert "neurons: 4" in out and "nonzero weights: 6" in out and "5 points" in out
    assert f"largest numerator: {max((2**60).bit_length(), (3**40).bit_length())} bits" in out
    assert f"largest denominator: {(3**40).bit_length()} bits" in out  # 3^40 > 2^60
    assert "bigint, bigint" in out


def test_infix():
    assert cli.infix(["sub", ["x", 0], ["add", ["x", 1], "1/2"]]) == "x_0 - (x_1 + 1/2)"
    assert cli.infix(["mul", "-1/2", ["pow", ["x", 0], 2]]) == "(-1/2) * x_0^2"
    assert cli.infix(["sum_coords", ["pow", ["t"], 2]]) == "sum_i [x_i^2]"


def test_python_dash_m(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "certify", "check", str(FIX / "bad" / "false_sup_error.json")],
                          capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 1 and "FALSE" in proc.stdout and "x=(-1/2)" in proc.stdout
