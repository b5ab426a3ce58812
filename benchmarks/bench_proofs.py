"""Kernel check time against builder evaluation time, for every certificate in proofs/.

Run: python benchmarks/bench_proofs.py [--quick]

kernel: the whole `certify.kernel.check` (parse, static claims, the pass over the domain, region and
SMT claims) and its pass over the domain alone (certify.kernel.sweep.sweep on the parsed certificate:
network values, sup_error, step values, layer bounds at every point).
builder: what the certificate writer computes for the same pointwise claims (certify/certificate.py):
every step value claim checked at every point with the builder's exact evaluator (_verify_steps, which
also gives the layer bounds) plus the exact sup_error against the target (certify.approximation.sup_error).
Best of 3 (1 with --quick). Most proofs have small domains, so fixed costs weigh; the totals over all
proofs are the fairer figure.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).parents[1]


def best(fn, repeat):
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def measure(quick: bool = False) -> list[dict]:
    from fractions import Fraction
    from types import SimpleNamespace

    from certify import Network
    from certify.approximation import sup_error
    from certify.certificate import _verify_steps
    from certify.domain import domain_from_json
    from certify.kernel import check, parse
    from certify.kernel.sweep import sweep

    repeat, rows = 1 if quick else 3, []
    for path in sorted((ROOT / "proofs").rglob("*.json")):
        raw = json.loads(path.read_text())
        t_check = best(lambda path=path: check(path), repeat)
        verdict = check(path).exit_code
        if verdict != 0:  # not VERIFIED by this kernel: no pass to time
            rows.append({"proof": str(path.relative_to(ROOT / "proofs")), "points": None, "check": t_check,
                         "sweep": None, "builder": None, "builder_error": f"kernel exit code {verdict}"})
            print(f"  {rows[-1]['proof']:50s} kernel exit code {verdict}: skipped", file=sys.stderr, flush=True)
            continue
        cert = parse(path)
        t_sweep = best(lambda cert=cert: sweep(cert), repeat)
        try:
            net, dom = Network.from_json(raw["network"]), domain_from_json(raw["domain"])
            steps = [SimpleNamespace(label=st["label"], values=[([(l, i, Fraction(c)) for l, i, c in v["terms"]],
                                                                  v["equals"]) for v in st["claims"]["values"]])
                     for st in raw["steps"]]
            block = SimpleNamespace(network=net, steps=steps)

            def builder(block=block, net=net, dom=dom, raw=raw):
                _verify_steps(block, dom)
                if raw["target"] is not None:
                    sup_error(net, dom, raw["target"])
            t_builder = best(builder, repeat)
        except Exception as e:  # a target the builder's evaluator does not take (e.g. irrational)
            t_builder, why = None, f"{type(e).__name__}: {str(e)[:60]}"
        row = {"proof": str(path.relative_to(ROOT / "proofs")), "points": cert.domain.size, "check": t_check,
               "sweep": t_sweep, "builder": t_builder, "sweep/builder": t_builder and t_sweep / t_builder,
               "check/builder": t_builder and t_check / t_builder}
        if t_builder is None:
            row["builder_error"] = why
        rows.append(row)
        ratio = f"{row['sweep/builder']:.2f}" if t_builder else "n/a"
        print(f"  {row['proof']:50s} {row['points']:>8d} points  check {t_check:7.3f} s  sweep {t_sweep:7.3f} s  "
              f"builder {t_builder or float('nan'):7.3f} s  sweep/builder {ratio}", file=sys.stderr, flush=True)
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="one run each")
    print(json.dumps(measure(ap.parse_args().quick), indent=1))


if __name__ == "__main__":
    main()
