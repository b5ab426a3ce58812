"""Fuzzing the kernel (a few thousand cases; benchmarks/fuzz_kernel.py runs 100,000).

Valid certificates are generated with the public builder API, so their claims are true by construction;
they are mutated structurally and byte by byte. The kernel must never raise (the CLI's exit 3), every
rejection must be exit 1 or 2 with a message naming the field, step or point, and whatever the kernel
accepts must be true according to the independent oracle of benchmarks/mutation_kernel.py.
"""

import json
import random
import sys
from pathlib import Path

from hypothesis import HealthCheck, given, settings, strategies as st

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import fuzz_kernel as fz  # noqa: E402
import mutation_kernel as mk  # noqa: E402
from certify.kernel import check  # noqa: E402
from certify.kernel.canonical import canonical_json  # noqa: E402



def fast(n):
    return settings(max_examples=n, deadline=None, database=None, suppress_health_check=list(HealthCheck),
                    derandomize=True)


@fast(60)
@given(fz.certificates())
def test_generated_certificates_verify_and_the_oracle_agrees(data):
    report = check(data)
    assert report.ok, report.first_failure
    assert mk.oracle(data) == (0, "true")
    assert json.loads(canonical_json(data)) == data


@fast(40)
@given(data=fz.certificates(), seed=st.integers(0, 2**32))
def test_mutants_are_rejected_cleanly_or_true(tmp_path_factory, data, seed):
    """35 structural and byte-wise mutants of each certificate (1,400 cases)."""
    rng, tally = random.Random(seed), fz.Tally()
    path = str(tmp_path_factory.mktemp("fuzz") / "case.json")
    fz.fuzz_one(data, rng, 35, tally, path, oracle=mk.oracle)
    assert tally.codes[3] == 0 and not tally.problems, tally.problems[:1]
    assert sum(tally.codes.values()) == 36


@fast(12)
@given(fz.certificates(), st.integers(0, 2**32))
def test_single_mutations_of_generated_certificates_get_the_oracles_verdict(data, seed):
    """Weights nudged, claims tightened and loosened, steps, hints, targets and domains changed: the kernel's
    exit code is the oracle's (0 true, 1 false, 2 malformed), on a sample of 40 mutants per certificate."""
    mutants = list(mk.mutants(data))
    for what, make in random.Random(seed).sample(mutants, min(40, len(mutants))):
        mutant = make()
        expected, why = mk.oracle(mutant)
        report = check(mutant)
        assert report.exit_code == expected, (what, why, report.first_failure)


def test_byte_mutations_of_a_proof():
    """500 byte-wise mutants of a shipped proof: never an internal error, always a named rejection."""
    text = (ROOT / "proofs" / "gadgets" / "sawtooth_6.json").read_bytes()
    rng, tally = random.Random(11), fz.Tally()
    path = str(ROOT / ".pytest_cache" / "fuzz-proof.json") if (ROOT / ".pytest_cache").is_dir() else "/tmp/fuzz-proof.json"
    for _ in range(500):
        blob, kind = fz.bytewise(text, rng)
        code, message = fz.run_case(blob, path)
        tally.add(kind, code, message, blob, None if blob == text else
                  lambda b: mk.oracle(fz.parse_mutant(b)) if fz.parse_mutant(b) else (1, "not JSON"))
    assert tally.codes[3] == 0 and not tally.problems, tally.problems[:1]


def test_the_oracle_is_independent_of_the_kernel():
    """The oracle and the generator import nothing from certify.kernel except the canonical writer
    (the oracle hashes with hashlib and json itself)."""
    import ast
    for path in (ROOT / "benchmarks" / "mutation_kernel.py",):
        tree = ast.parse(path.read_text())
        top = [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
        assert not [n.module for n in top if isinstance(n, ast.ImportFrom) and "kernel" in (n.module or "")]
