"""docs/tutorial.md stays true: its scripts run, and the output it quotes is what the kernel prints."""

import re
import runpy
import subprocess
from pathlib import Path

from certify import cli

DOC = Path(__file__).parents[1] / "docs" / "tutorial.md"


def test_tutorial_scripts_and_quoted_output(tmp_path, monkeypatch, capsys):
    text = DOC.read_text()
    scripts = re.findall(r"```python\n(.*?)```", text, re.S)
    assert len(scripts) == 2
    monkeypatch.chdir(tmp_path)
    (tmp_path / "proofs").mkdir()
    for k, code in enumerate(scripts):
        (tmp_path / f"s{k}.py").write_text(code)
        runpy.run_path(str(tmp_path / f"s{k}.py"), run_name="__main__")
    assert cli.main(["check", "proofs/"]) == 0
    assert capsys.readouterr().out.splitlines() == ["VERIFIED proofs/max2.json", "VERIFIED proofs/square.json"]
    (sed,) = re.findall(r"^(sed .*tampered\.json)$", text, re.M)
    subprocess.run(sed, shell=True, check=True, cwd=tmp_path)
    assert cli.main(["check", "tampered.json"]) == 1
    quoted = re.search(r"^(FALSE tampered\.json: .*)$", text, re.M).group(1)
    assert capsys.readouterr().out.strip() == quoted
