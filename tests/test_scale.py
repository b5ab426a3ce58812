"""Scale: sparse layers in the kernel, sharded checking (processes, Dask) identical to one pass, progress."""

import json
import random
import sys
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from certify import Network
from certify.cli import main
from certify.kernel import Limits, check
from certify.kernel import network as knet
from certify.kernel.check import check_shard
from certify.kernel.domain import parse_domain
from certify.parallel import Processes, shards, split
from certify.reference import evaluate_layers_point

sys.path.insert(0, str(Path(__file__).parents[1] / "benchmarks"))
from certs import certificate, grid, max_network

GOOD = Path(__file__).parent / "fixtures" / "good"


def wide_sparse(n=20000, nnz=3, seed=7):
    """Return (JSON network, certify.Network): 2 -> n (dense) -> n (nnz per row) -> 2, rational weights."""
    rng = random.Random(seed)
    w = lambda: Fraction(rng.choice([-3, -2, -1, 1, 2, 3]), rng.choice([1, 2, 4]))
    layers = [(n, [(i, j, w()) for i in range(n) for j in range(2)], [w() for _ in range(n)]),
              (n, [(i, j, w()) for i in range(n) for j in sorted(rng.sample(range(n), nnz))], [w() for _ in range(n)]),
              (2, [(o, j, w()) for o in range(2) for j in sorted(rng.sample(range(n), 50))], None)]
    net = Network.from_sparse(2, layers)
    return net.to_json(), net


def test_wide_sparse_layer_is_exact_against_the_reference_without_dense_matrices():
    js, net = wide_sparse()
    kn = knet.parse_network(js, "network", Limits(), 10**7)
    dom = parse_domain({"kind": "grid", "d": 2, "R": 2, "p": 3}, Limits())
    assert knet.prepare(kn, dom.box(), dom.den).chunk == (1 << 22) // 60000  # products held per chunk
    idx = [0, dom.size // 2 + 5, dom.size - 1]
    x = np.concatenate([dom.numerators(k, k + 1) for k in idx], axis=1)
    refs = [evaluate_layers_point(net, [Fraction(int(v), dom.den) for v in x[:, c]]) for c in range(len(idx))]
    saved = knet.EXACT, knet.LIMB
    for exact, limb in ((saved[0], saved[1]), (0, saved[1]), (0, 53)):  # float64, limbs, Python ints
        knet.EXACT, knet.LIMB = exact, limb
        try:
            plan = knet.prepare(kn, dom.box(), dom.den)
        finally:
            knet.EXACT, knet.LIMB = saved
        assert plan.layers[1][0] is None
        assert plan.paths[1] == "float64" if exact else plan.paths[1].endswith("bigint")
        values = knet.forward(plan, x)
        for c, ref in enumerate(refs):
            for l in (1, 2, 3):
                assert [Fraction(int(v), plan.dens[l]) for v in values[l][:, c]] == list(ref[l - 1]), (exact, l, c)


def ref_forward(net, x):
    """The output of a JSON network at x, in Fractions (the oracle)."""
    h = list(x)
    for k, layer in enumerate(net["layers"]):
        z = [Fraction(b) for b in layer["bias"]] if layer["bias"] is not None else [Fraction(0)] * layer["size"]
        for i, j, w in layer["weights"]:
            z[i] += Fraction(w) * h[j]
        h = z if k == len(net["layers"]) - 1 else [max(v, Fraction(0)) for v in z]
    return h


@pytest.mark.parametrize("seed", range(3))
def test_limb_paths_beyond_2_53_agree_with_the_oracle(seed):
    """Bounds past 2^53: float64 products of limbs of the inputs, combined in int64 (< 2^62) or Python ints."""
    rng, seen = random.Random(seed), set()
    for W, R, density in [(2**10, 2**20, 1), (2**14, 2**12, 0.3), (2**20, 2**10, 1), (2**35, 2**30, 0.3),
                          (3, 2**60, 1), (2**38, 2**100, 1)]:
        sizes, layers = [2, 12, 12, 3], []
        for l in range(1, 4):
            trip = [[i, j, rng.randint(-W, W) or 1] for i in range(sizes[l]) for j in range(sizes[l - 1])
                    if rng.random() < density]
            layers.append({"size": sizes[l], "weights": trip,
                           "bias": [rng.randint(-W, W) for _ in range(sizes[l])] if l < 3 else None})
        net = {"form": "paper", "input_dim": 2, "layers": layers}
        axis = sorted({-R, -R + 1, -7, 0, 1, 3, R // 3, R - 1, R})
        dom = parse_domain({"kind": "product", "sets": [axis, axis]}, Limits())
        plan = knet.prepare(knet.parse_network(net, "network", Limits(), 10**6), dom.box(), dom.den)
        x = dom.numerators(0, dom.size)
        y = knet.forward(plan, x)[-1]
        assert all([Fraction(int(v)) for v in y[:, c]] == ref_forward(net, [Fraction(int(t)) for t in x[:, c]])
                   for c in range(dom.size)), plan.paths
        seen.update(plan.paths)
    assert {"float64", "2 x float64", "2 x float64, bigint", "bigint"} <= seen, seen


def in_process(parts):
    """A runner that checks `parts` shards in this process, in reverse order (order must not matter)."""
    return lambda data, cert: [check_shard(data, a, b) for a, b in reversed(shards(cert.domain.size, parts))]


def same(a, b):
    return a.results == b.results and a.info == b.info


@pytest.fixture(scope="module")
def certs():
    ok = certificate(max_network([9, 7]), grid(3000))
    bad = json.loads(json.dumps(ok))
    bad["target"] = [["max", ["x", 0], ["add", ["x", 1], ["if", ["gt", ["x", 0], "1/2"], "1/1000", 0]]]]
    bad["claims"]["sup_error"] = {"bound": "1/2000", "attained": "1/1000"}
    bad["hints"] = {"argmax": [1, 1], "layer_bounds": [1, 1, 1]}
    relu = ["max", ["sub", ["x", 0], ["x", 1]], 0]
    bad["steps"][0]["claims"]["values"] = [{"terms": [[1, 0, 1]], "equals": relu},
                                           {"terms": [[1, 0, 1]], "equals": ["if", ["gt", ["x", 0], "1/3"], 0, relu]}]
    return ok, bad


@pytest.mark.parametrize("parts", [1, 2, 7, 64])
def test_shards_give_identical_reports(certs, parts):
    for c in certs:
        assert same(check(c), check(c, run=in_process(parts)))
    report = check(certs[1], run=in_process(parts))
    assert "sup_error: at x=(14/27,14/27)" in report.first_failure  # the first failing point by index
    failed = {r.name: r.message for r in report.results if not r.ok}
    assert "values[1] at x=(10/27,-1)" in failed["steps[0].claims.values[1]"]
    assert "hints.layer_bounds[0]: at x=(-1,-1)" in failed["hints.layer_bounds[0]"]
    assert "steps[0].claims.values[0]" not in failed and "hints.argmax" not in failed


def test_shards_that_miss_or_repeat_points_are_an_internal_error(certs):
    gap = lambda data, cert: [check_shard(data, 0, 10), check_shard(data, 11, cert.domain.size)]
    with pytest.raises(RuntimeError, match="do not cover"):
        check(certs[0], run=gap)
    twice = lambda data, cert: [check_shard(data, 0, 10), check_shard(data, 5, cert.domain.size)]
    with pytest.raises(RuntimeError, match="do not cover"):
        check(certs[0], run=twice)


def test_a_malformed_point_in_any_shard_is_reported_like_one_pass(certs):
    c = json.loads(json.dumps(certs[0]))
    c["target"] = [["div", 1, ["mul", ["sub", ["x", 0], "1/3"], ["sub", ["x", 0], "2/3"]]]]  # 0 in two shards
    c["claims"]["sup_error"] = {"bound": 100}
    one = check(c)
    assert one.exit_code == 2 and "division by zero at x=(1/3,-1)" in one.first_failure
    assert same(one, check(c, run=in_process(9)))


def test_split_covers_the_domain_in_order():
    for size, workers in [(1, 4), (4095, 2), (10**6, 2), (10**8, 64)]:
        parts = split(size, workers)
        assert parts[0][0] == 0 and parts[-1][1] == size
        assert all(a < b == c for (a, b), (c, _) in zip(parts, parts[1:] + [(size, None)]))


def test_two_processes_give_the_same_report(certs, monkeypatch):
    import certify.parallel as par
    monkeypatch.setattr(par, "MIN_WORK", 0)
    monkeypatch.setattr(par, "SHARD_POINTS", 500)
    for c in certs:
        assert same(check(c), check(c, run=Processes(2)))


def test_cli_jobs_and_quiet(tmp_path, capsys, certs):
    path = tmp_path / "c.json"
    path.write_text(json.dumps(certs[1]))
    assert main(["check", "-q", "--jobs", "2", str(path)]) == 1
    out, err = capsys.readouterr()
    assert out.startswith("FALSE") and err == ""  # no progress bar off a terminal or with -q


def test_dask_local_cluster_gives_the_same_report(certs, tmp_path, capsys):
    pytest.importorskip("distributed")
    from certify.distributed import Dask
    with Dask(local=2) as run:
        for c in certs:
            assert same(check(c), check(c, run=run))
    path = tmp_path / "c.json"
    path.write_text(json.dumps(certs[1]))
    assert main(["check", "--json", "--dask-local", "2", str(path)]) == 1
    rec = json.loads(capsys.readouterr().out)["files"][0]
    assert rec["results"] == [vars(r) for r in check(certs[1]).results]


def test_parallel_and_distributed_import_only_the_kernel():
    import ast
    for name in ("parallel.py", "distributed.py"):
        tree = ast.parse((Path(__file__).parents[1] / "certify" / name).read_text())
        mods = [n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
        assert all(not m.startswith("certify") or m.startswith(("certify.kernel", "certify.parallel")) for m in mods)
