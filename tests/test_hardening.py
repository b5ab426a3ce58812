"""Hardening (issue #11): resource limits, hostile certificates, no execution of data, atomic and
deterministic output, and the trusted-base report."""

import ast
import copy
import dataclasses
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from fractions import Fraction as F
from pathlib import Path

import pytest

from certify import cli
from certify.kernel import Limits, check
from certify.kernel.canonical import canonical_json, network_sha256

ROOT = Path(__file__).resolve().parents[1]
PKG = ROOT / "certify"
GOOD = ROOT / "tests" / "fixtures" / "good"


def good(name="abs_grid"):
    return json.loads((GOOD / f"{name}.json").read_text())


def rehash(c):
    c["network_sha256"] = network_sha256(c["network"])
    return c


def refused(c, *, limits=None, within=5.0):
    """Return the message of a certificate that the kernel refuses as malformed or over a limit (exit 2)
    within `within` seconds."""
    t0 = time.perf_counter()
    report = check(c, limits=limits)
    assert time.perf_counter() - t0 < within, f"took {time.perf_counter() - t0:.1f} s"
    assert report.exit_code == 2, (report.exit_code, report.first_failure)
    return report.first_failure


# ---------------------------------------------------------------- limits: every one, exit 2, named

def _pow_tower(levels):
    e = 10
    for _ in range(levels):
        e = ["pow", e, 64]
    return e


def _coprime_denominators(bits):
    """Return powers of 3, 5, 7, 11, 13 and 17 of about `bits` bits each (pairwise coprime)."""
    return [p ** (bits // p.bit_length()) for p in (3, 5, 7, 11, 13, 17)]


def _slow_certificate():
    """A certificate whose pointwise claims take well over a second (a 2-D grid of 160,801 points)."""
    c = good("max2_grid")
    c["domain"] = {"kind": "grid", "d": 2, "R": 2, "p": 100}
    c.pop("hints", None)
    return c


LIMIT_CASES = {
    "max_file_size": (lambda: good(), Limits(max_file_size=100), "-byte limit"),
    "max_json_depth": (lambda: good(), Limits(max_json_depth=5), "nesting depth"),
    "max_digits": (lambda: good("bigweights_grid"), Limits(max_digits=10), "10-digit limit"),
    "max_points": (lambda: dict(good(), domain={"kind": "grid", "d": 3, "R": 10**10, "p": 10**20}), None,
                   "domain: more than 100000000 points (limit)"),
    "max_weights": (lambda: good("max2_grid"), Limits(max_weights=3), "7 weights, over the limit of 3"),
    "max_neurons": (lambda: good("max2_grid"), Limits(max_neurons=3), "network: 4 neurons, over the limit of 3"),
    "max_expr_nodes": (lambda: good("max2_grid"), Limits(max_expr_nodes=3), "expression nodes"),
    "max_value_bits": (lambda: dict(good(), target=[["add", ["abs", ["x", 0]], ["mul", 0, _pow_tower(4)]]]), None,
                       "target[0]: an intermediate value may need more than 131072 bits (limit)"),
    "max_seconds": (_slow_certificate, Limits(max_seconds=0.05), "time budget"),
}


def test_every_limit_is_tested():
    assert set(LIMIT_CASES) == {f.name for f in dataclasses.fields(Limits)}


@pytest.mark.parametrize("name", sorted(LIMIT_CASES))
def test_each_limit_is_refused_with_exit_2_and_named(name):
    make, limits, expected = LIMIT_CASES[name]
    message = refused(make(), limits=limits)
    assert expected in message, message
    assert "limit" in message


@pytest.mark.parametrize("name", sorted(LIMIT_CASES))
def test_each_limit_is_a_flag_of_certify_check(name, tmp_path, capsys):
    make, limits, expected = LIMIT_CASES[name]
    path = tmp_path / "c.json"
    path.write_text(canonical_json(make()) + "\n")
    flag = cli._LIMITS[name]
    args = [] if limits is None else [flag, str(getattr(limits, name))]
    assert cli.main(["check", *args, str(path)]) == 2
    out = capsys.readouterr().out
    assert out.startswith("MALFORMED") and expected in out, out


def test_raising_a_limit_lets_the_certificate_through(tmp_path, capsys):
    path = tmp_path / "c.json"
    path.write_text(canonical_json(good("max2_grid")) + "\n")
    assert cli.main(["check", "--max-neurons", "3", str(path)]) == 2
    assert cli.main(["check", "--max-neurons", "4", "--max-seconds", "60", "--max-value-bits", "64", str(path)]) == 0


def test_a_grid_of_10_to_the_30_points_is_refused_at_once():
    c = good()
    c["domain"] = {"kind": "grid", "d": 1, "R": 5 * 10**29, "p": 1}
    assert "more than 100000000 points" in refused(c, within=0.5)
    c["domain"] = {"kind": "boolean_cube", "d": 100}
    c["network"]["input_dim"] = 100
    assert "more than 100000000 points" in refused(rehash(c), within=0.5)


def test_an_output_layer_of_10_to_the_30_neurons_is_refused_before_it_is_built():
    c = good()
    c["network"]["layers"][-1]["size"] = 10**30  # paper form: the output layer has no bias list
    assert "neurons, over the limit of 1000000" in refused(rehash(c), within=0.5)


def test_nested_networks_share_the_neuron_budget():
    c = good()
    c["target"] = [["network", {"form": "paper", "input_dim": 1, "layers": [
        {"size": 10**6, "weights": [], "bias": None}]}, 0]]
    assert refused(c).startswith("target[0][1]: 1000000 neurons, over the limit of 999997")


def test_tower_of_powers_is_refused_before_it_is_computed():
    """10^(64^k): evaluating it would take hours or all the memory; the bound refuses it at once."""
    c = good()
    for levels in (3, 4, 8, 30):
        c["target"] = [["add", ["abs", ["x", 0]], ["mul", 0, _pow_tower(levels)]]]
        assert "intermediate value may need more than" in refused(c, within=1.0)
    c["target"] = [["add", ["abs", ["x", 0]], ["mul", 0, _pow_tower(2)]]]  # 10^4096: fine
    assert check(c).ok


def test_long_products_of_big_constants_are_refused():
    big = int("9" * 19_000)
    c = good()
    c["target"] = [["add", ["abs", ["x", 0]], ["mul", 0, *([big] * 20)]]]
    assert "intermediate value" in refused(c, within=2.0)


def test_a_huge_common_denominator_of_the_domain_is_refused():
    dens = _coprime_denominators(60_000)  # under 15,000 digits each; their lcm has about 290,000 bits
    c = good()
    c["domain"] = {"kind": "points", "points": [[f"1/{q}"] for q in dens]}
    assert "common denominator of the points has over 131072 bits" in refused(c, within=5.0)


def test_step_terms_with_many_big_coefficients_are_refused():
    """30 coefficients 1/p^k of ~8,000 bits: their common denominator would have 240,000 bits at every point
    (12 s on 81 points before the guard)."""
    c = good("max2_grid")
    dens = [p ** (9000 // p.bit_length()) for p in (3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61,
                                                     67, 71, 73, 79, 83, 89, 97, 101, 103, 107, 109, 113, 127)]
    c["steps"][0]["claims"]["values"][0]["terms"] = [[1, 0, 1]] + [[1, 1, f"1/{d}"] for d in dens]
    assert refused(c, within=1.0).startswith(
        "steps[0].claims.values[0].terms: the sum of the terms may need more than 131072 bits (limit)")


def _deep_big_network(depth, digits):
    w = 10 ** digits
    layers = [{"size": 1, "weights": [[0, 0, w]], "bias": [0]} for _ in range(depth - 1)]
    return {"form": "paper", "input_dim": 1, "layers": layers + [{"size": 1, "weights": [[0, 0, 1]], "bias": None}]}


def test_network_values_over_the_bit_limit_are_refused_before_the_layer_runs():
    """Five layers of weight 10^19999 (each within the digit limit): the values would reach 330,000 bits
    at every point; the exact bounds refuse layer 1 (133,000 bits) before anything is evaluated."""
    c = good()
    c["network"] = _deep_big_network(5, 19_999)
    c["claims"].update(depth=5, layer_sizes=[1] * 5, width=1, max_weight=10**19_999, max_abs_weight=10**19_999,
                       sup_error=None)
    c["target"], c["steps"], c["claims"]["steps_cover"] = None, [], False
    c["steps"] = [{"id": 0, "op": "n", "label": "n", "params": {}, "neurons": [], "inputs": ["x"],
                   "claims": {"max_weight": None, "values": [{"terms": [[5, 0, 1]], "equals": 0}]}}]
    c.pop("hints", None)
    assert refused(rehash(c), within=2.0).startswith("network.layers[1]: its values may need more than 131072 bits")
    d = good()
    d["target"] = [["network", _deep_big_network(5, 19_999), 0]]
    assert "its values may need more than 131072 bits" in refused(d, within=2.0)


def _overlapping_steps(n, steps):
    """A network with a hidden layer of n neurons and `steps` steps that each claim a weight bound on all of
    them (steps may overlap when steps_cover is false): the structural checks cost n per step."""
    net = {"form": "paper", "input_dim": 1, "layers": [
        {"size": n, "weights": [[i, 0, 1] for i in range(n)], "bias": [0] * n},
        {"size": 1, "weights": [[0, 0, 1]], "bias": None}]}
    st = [{"id": s, "op": "o", "label": "l", "params": {}, "neurons": [[1, 0, n]], "inputs": ["x"],
           "claims": {"max_weight": 1, "values": []}} for s in range(steps)]
    return {"format": "certify/v1", "provenance": good()["provenance"], "domain": {"kind": "points", "points": [[0]]},
            "network": net, "network_sha256": network_sha256(net), "target": None,
            "claims": {"depth": 2, "width": n, "layer_sizes": [n, 1], "max_weight": 1, "max_abs_weight": 1,
                       "max_abs_bias": 0, "sup_error": None, "steps_cover": False}, "steps": st}


def test_steps_naming_too_many_neurons_in_all_are_refused():
    """300 steps over the same 100,000 neurons would cost 3 * 10^7 Fraction comparisons (minutes)."""
    assert refused(_overlapping_steps(100_000, 300), within=10).startswith(
        "steps: their ranges name 30000000 neurons in all, over the limit of 1000000")


def test_the_time_budget_covers_the_structural_checks():
    c = _overlapping_steps(20_000, 40)
    assert "the time budget of 0.2 s is spent" in refused(c, limits=Limits(max_seconds=0.2), within=5)


def test_the_time_budget_is_per_pass_and_names_the_claim():
    c = _slow_certificate()
    message = refused(c, limits=Limits(max_seconds=0.05))
    assert "time budget" in message
    assert check(c, limits=Limits(max_seconds=600)).ok


# ---------------------------------------------------------------- strict JSON, documented fields only

def _objects(o, path=()):
    if isinstance(o, dict):
        yield path, o
        for k, v in o.items():
            yield from _objects(v, path + (k,))
    elif isinstance(o, list):
        for k, v in enumerate(o):
            yield from _objects(v, path + (k,))


FREE = ("parameters", "params")  # free-form objects: the provenance's parameters, a step's params


@pytest.mark.parametrize("name", ["abs_grid", "max2_grid", "network_target", "two_outputs_points"])
def test_an_unknown_key_in_any_object_is_refused(name):
    c0 = good(name)
    count = 0
    for path, o in _objects(c0):
        if path and path[-1] in FREE:
            continue
        c = copy.deepcopy(c0)
        node = c
        for k in path:
            node = node[k]
        node["zzz"] = 1
        if path[:1] == ("network",):
            rehash(c)
        message = refused(c)
        assert "unknown key 'zzz'" in message or "expected an expression" in message, (path, message)
        count += 1
    assert count >= 8


@pytest.mark.parametrize("where", ['"domain":{', '"claims":{', '"network":{', '"hints":{', '"sup_error":{'])
def test_a_duplicate_key_at_any_depth_is_refused(where):
    text = (GOOD / "max2_grid.json").read_text()
    key = {'"domain":{': '"kind":"grid",', '"claims":{': '"depth":2,', '"network":{': '"form":"paper",',
           '"hints":{': '"argmax":[1,1],', '"sup_error":{': '"bound":0,'}[where]
    bad = text.replace(where, where + key, 1)
    report = check_text(bad)
    assert report.exit_code == 2 and report.first_failure.startswith("duplicate key"), report.first_failure


def check_text(text, tmp=Path(os.environ.get("TMPDIR", "/tmp"))):
    path = tmp / f"certify-hardening-{os.getpid()}.json"
    path.write_text(text)
    try:
        return check(path)
    finally:
        path.unlink()


@pytest.mark.parametrize("number", ["0.5", "1e3", "1E-2", "-0.0", "NaN", "Infinity", "-Infinity", "1.0"])
def test_floats_are_refused_anywhere(number):
    text = (GOOD / "abs_grid.json").read_text().replace('"max_weight":1', f'"max_weight":{number}')
    report = check_text(text)
    assert report.exit_code == 2 and ("floats are not allowed" in report.first_failure
                                      or "JSON number" in report.first_failure), report.first_failure


# ---------------------------------------------------------------- no execution of data

FORBIDDEN_CALLS = {"eval", "exec", "compile", "__import__", "execfile", "input"}
FORBIDDEN_ATTRS = {("pickle", "load"), ("pickle", "loads"), ("marshal", "load"), ("marshal", "loads"),
                   ("yaml", "load"), ("yaml", "unsafe_load"), ("yaml", "full_load"), ("sympy", "sympify"),
                   ("sympy", "parse_expr"), ("dill", "load"), ("dill", "loads"), ("shelve", "open"),
                   ("jsonpickle", "decode"), ("os", "system"), ("os", "popen")}
FORBIDDEN_MODULES = {"pickle", "marshal", "dill", "shelve", "jsonpickle", "cloudpickle", "yaml", "code", "codeop"}


def _violations(path: Path):
    tree = ast.parse(path.read_text(), str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            f = node.func
            if isinstance(f, ast.Name) and f.id in FORBIDDEN_CALLS | {"sympify", "parse_expr"} - (
                    {"parse_expr"} if "kernel" in path.parts else set()):
                yield node.lineno, f.id
            if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) and (f.value.id, f.attr) in FORBIDDEN_ATTRS:
                yield node.lineno, f"{f.value.id}.{f.attr}"
            if isinstance(f, ast.Attribute) and f.attr in ("sympify", "unsafe_load"):
                yield node.lineno, f.attr
            if isinstance(f, ast.Attribute) and f.attr == "load" and any(
                    k.arg == "allow_pickle" and not (isinstance(k.value, ast.Constant) and k.value.value is False)
                    for k in node.keywords):
                yield node.lineno, "numpy.load(allow_pickle=...)"
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            for m in names:
                if m.split(".")[0] in FORBIDDEN_MODULES:
                    yield node.lineno, f"import {m}"
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sympy") and \
                    any(a.name in ("sympify", "parse_expr", "S") for a in node.names):
                yield node.lineno, f"from {node.module} import sympify/parse_expr"


def test_no_eval_exec_pickle_sympify_or_yaml_load_anywhere():
    """Certificates and targets are parsed, never executed: no such call anywhere in certify/."""
    found = [(str(p.relative_to(ROOT)), line, what) for p in sorted(PKG.rglob("*.py")) for line, what in _violations(p)]
    assert not found, found


def test_the_scanner_finds_what_it_looks_for(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("import pickle\nimport yaml\nfrom sympy import sympify\nx = eval('1')\nexec('y=1')\n"
                   "yaml.load(s)\nsympy.sympify('x')\ncompile('1', 'f', 'eval')\nnumpy.load(f, allow_pickle=True)\n"
                   "marshal.loads(b)\n__import__('os')\n")
    kinds = {what for _, what in _violations(bad)}
    assert {"import pickle", "import yaml", "eval", "exec", "yaml.load", "sympify", "compile",
            "numpy.load(allow_pickle=...)", "marshal.loads", "__import__"} <= kinds, kinds


CODE = ["__import__('os').system('touch PWNED')", "!!python/object/apply:os.system ['touch PWNED']",
        "${touch PWNED}", "`touch PWNED`", "$(touch PWNED)", "os.system('touch PWNED')"]


def test_code_in_a_certificate_is_data(tmp_path, monkeypatch):
    """Code in every string a certificate may hold (labels, ops, provenance, params, operators, numbers)
    is never run: no file appears, and the verdict is a clean 0, 1 or 2."""
    monkeypatch.chdir(tmp_path)
    for code in CODE:
        c = good("max2_grid")
        c["provenance"] = {k: code for k in c["provenance"]} | {"parameters": {code: code}}
        for st in c["steps"]:
            st["label"], st["op"], st["params"] = code, code, {code: [code]}
        assert check(c).exit_code == 0  # free text stays free text
        for mutate in (lambda d: d["target"].__setitem__(0, [code, ["x", 0]]),
                       lambda d: d["target"].__setitem__(0, code),
                       lambda d: d["claims"].__setitem__("max_weight", code),
                       lambda d: d["domain"].__setitem__("kind", code)):
            d = copy.deepcopy(c)
            mutate(d)
            assert check(d).exit_code == 2
    assert not list(tmp_path.iterdir())


# ---------------------------------------------------------------- atomic, deterministic output

def _writer_script(target: Path, size: int) -> str:
    return (f"import os, sys, time\nfrom certify.certificate import save_text\n"
            f"real = os.fsync\n"
            f"def slow(fd):\n    print('writing', flush=True)\n    time.sleep(60)\n"
            f"os.fsync = slow\nsave_text({str(target)!r}, 'x' * {size})\n")


@pytest.mark.parametrize("how", ["SIGKILL", "SIGINT", "SIGTERM"])
def test_a_killed_generation_leaves_no_partial_certificate(tmp_path, how):
    """A writer killed while its data is on the way to the disk (inside fsync) leaves the old file
    intact and no *.json file behind: `certify check DIR` sees only complete certificates."""
    target = tmp_path / "proof.json"
    target.write_text(canonical_json(good()) + "\n")
    old = target.read_bytes()
    proc = subprocess.Popen([sys.executable, "-c", _writer_script(target, 5_000_000)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "writing"
    proc.send_signal(getattr(signal, how))
    proc.wait(timeout=30)
    assert target.read_bytes() == old
    assert sorted(p.name for p in tmp_path.glob("*.json")) == ["proof.json"]
    if how == "SIGINT":  # KeyboardInterrupt: the writer cleans up after itself
        assert [p.name for p in tmp_path.iterdir()] == ["proof.json"]
    assert check(tmp_path / "proof.json").ok


def test_an_exception_during_the_write_leaves_nothing(tmp_path, monkeypatch):
    from certify.certificate import save_text

    def boom(fd):
        raise OSError("no space left on device")

    monkeypatch.setattr(os, "fsync", boom)
    with pytest.raises(OSError):
        save_text(tmp_path / "new.json", "partial contents")
    assert not list(tmp_path.iterdir())


def test_a_written_certificate_has_the_usual_permissions(tmp_path):
    """mkstemp creates the temporary file 0600; the certificate gets 0666 minus the umask, like any file."""
    from certify.certificate import save_text
    umask = os.umask(0o22)
    try:
        save_text(tmp_path / "c.json", "{}")
        assert (tmp_path / "c.json").stat().st_mode & 0o777 == 0o644
    finally:
        os.umask(umask)


FAST_EXAMPLES = ["gadget_maximum", "gadget_sawtooth", "threshold_gates"]


def test_regenerating_examples_twice_gives_byte_identical_files(tmp_path):
    """Run some example scripts twice, in fresh interpreters with different hash seeds, in a copy of
    the tree: every file they write is byte-identical between the runs and to the committed proof."""
    outputs = []
    for run, seed in enumerate(("0", "4242")):
        base = tmp_path / f"run{run}"
        (base / "examples").mkdir(parents=True)
        for name in FAST_EXAMPLES:
            shutil.copy(ROOT / "examples" / f"{name}.py", base / "examples")
            subprocess.run([sys.executable, str(base / "examples" / f"{name}.py")], check=True, cwd=base,
                           capture_output=True, timeout=600, env=dict(os.environ, PYTHONHASHSEED=seed))
        outputs.append({p.relative_to(base): p.read_bytes() for p in sorted((base / "proofs").rglob("*.json"))})
    assert outputs[0] and outputs[0] == outputs[1]
    for rel, data in outputs[0].items():
        committed = ROOT / rel
        if committed.exists():
            assert committed.read_bytes() == data, rel


# ---------------------------------------------------------------- the trusted base

def test_certify_trust_lists_the_trusted_base(capsys):
    import numpy
    assert cli.main(["trust"]) == 0
    out = capsys.readouterr().out
    for path in sorted((PKG / "kernel").glob("*.py")):
        lines = len(path.read_text().splitlines())
        assert any(line.split()[:3] == [path.name, str(lines), "lines"] for line in out.splitlines()), path.name
    total = sum(len(p.read_text().splitlines()) for p in (PKG / "kernel").glob("*.py"))
    assert f"total {total} lines" in out
    assert f"Python {sys.version.split()[0]}" in out and f"numpy {numpy.__version__}" in out
    assert "2^53" in out and "float64" in out
    z3 = pytest.importorskip("z3")
    assert f"z3-solver {z3.get_version_string()}" in out or "z3-solver" in out
    assert "affine" in out and "parametric" in out


def test_docs_trust_names_every_kernel_module_and_every_limit_flag():
    doc = (ROOT / "docs" / "trust.md").read_text()
    missing = [p.name for p in sorted((PKG / "kernel").glob("*.py")) if p.name != "__init__.py" and p.name not in doc]
    assert not missing, f"docs/trust.md does not say what these kernel modules do: {missing}"
    assert all(flag in doc for flag in cli._LIMITS.values())
    assert all(m in doc for m in ("numpy", "z3", "flint", "float64", "2^53"))
