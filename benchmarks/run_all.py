"""Run every benchmark and print one table of ratios measured side by side (markdown).

Run: python benchmarks/run_all.py [--quick] [--write docs/performance.md] [--skip-regions]
     python benchmarks/run_all.py --from results.json [--write ...]   (tables from saved measurements)

- bench_exact.py: exact evaluation (kernel, builder) vs float64 numpy vs naive per-point Fractions;
- bench_proofs.py: kernel check vs builder evaluation, for each certificate in proofs/;
- bench_scale.py: grid size 10^4 .. 10^8 points (peak RSS), --jobs 1 and 2, Dask LocalCluster workers;
- bench_regions.py (the Z3/region benchmarks, if present): its own table, appended verbatim.
Each runs in its own process with one BLAS thread (OMP/OPENBLAS/MKL_NUM_THREADS=1), so float64 and the
exact paths are compared on equal terms and processes do not oversubscribe the cores. --write replaces
the text between the markers <!-- run_all:begin --> and <!-- run_all:end --> of the given file. The raw
measurements are saved as JSON (--save, default benchmarks/results.json) before the tables are made.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent
ENV = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1", CI="1")
BEGIN, END = "<!-- run_all:begin -->", "<!-- run_all:end -->"


def run(script: str, *args: str) -> str:
    """Run a benchmark script; return its stdout (its progress goes to our stderr)."""
    print(f"running {script} {' '.join(args)}", file=sys.stderr, flush=True)
    out = subprocess.run([sys.executable, str(HERE / script), *args], stdout=subprocess.PIPE, env=ENV, text=True)
    if out.returncode != 0:
        raise SystemExit(f"{script} failed (exit {out.returncode})")
    return out.stdout


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() \
        else platform.processor()
    mem = ""
    if Path("/proc/meminfo").exists():
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 2**20:.0f} GiB RAM"
    import numpy
    load = "%.1f" % os.getloadavg()[0] if hasattr(os, "getloadavg") else "?"
    return (f"{cpu}, {os.cpu_count()} cores{mem}; {platform.system()} {platform.release()}; Python "
            f"{platform.python_version()}, numpy {numpy.__version__}; load average {load} at the start")


def fmt_s(t) -> str:
    return "n/a" if t is None else f"{t:.3f} s" if t < 10 else f"{t:.1f} s"


def tables(exact, proofs, scale, regions) -> str:
    """Return the markdown of all results: the summary table of ratios first, then the details."""
    rows = []  # benchmark, measured, ratio, goal, met
    for r in exact:
        small = r["kernel_path"] == "float64" and r["builder_path"] == "float64"
        goal = 1.5 if small else 10
        for who in ("kernel", "builder"):
            ratio = r[f"{who}/float64"]
            rows.append((f"{who} exact (slowest path {r[f'{who}_path']}) vs float64: {r['name']}",
                         f"{fmt_s(r[who])} vs {fmt_s(r['float64'])}", f"{ratio:.2f}x", f"<= {goal}x",
                         "yes" if ratio <= goal else "no"))
    for r in exact:
        rows.append((f"naive Fractions vs kernel: {r['name']}", f"~{r['naive']:.0f} s vs {fmt_s(r['kernel'])}",
                     f"{r['naive/kernel']:,.0f}x faster", ">= 10,000x", "yes" if r["naive/kernel"] >= 1e4 else "no"))
    timed = [p for p in proofs if p["builder"]]
    ratios = sorted(p["sweep/builder"] for p in timed)
    total_sweep, total_builder = sum(p["sweep"] for p in timed), sum(p["builder"] for p in timed)
    over = [p for p in timed if p["sweep/builder"] > 2]
    rows.append((f"kernel pass over the domain vs builder, all {len(timed)} proofs (total)",
                 f"{fmt_s(total_sweep)} vs {fmt_s(total_builder)}", f"{total_sweep / total_builder:.2f}x", "<= 2x",
                 "yes" if total_sweep <= 2 * total_builder else "no"))
    rows.append(("kernel vs builder, per proof: median / worst", f"{len(over)} of {len(timed)} proofs over 2x",
                 f"{ratios[len(ratios) // 2]:.2f}x / {ratios[-1]:.2f}x", "<= 2x each",
                 "yes" if not over else "no (see below)"))
    big = [s for s in scale["by_size"] if s["points"] >= 9 * 10**7]
    for s in big:
        rows.append((f"peak RSS, {s['points']:,d}-point check (--jobs {s['jobs']}, all processes)",
                     f"{s['rss'] / 2**20:.0f} MiB", "", "< 1 GiB", "yes" if s["rss"] < 2**30 else "no"))
    j = {r["jobs"]: r for r in scale["by_jobs"]}
    if 1 in j and 2 in j:
        wall = j[1]["seconds"] / j[2]["seconds"]
        ideal = 2 * j[1]["cpu"] / j[2]["cpu"]
        rows.append((f"speed-up 1 -> 2 processes, {j[1]['points']:,d} points (wall clock)",
                     f"{fmt_s(j[1]['seconds'])} vs {fmt_s(j[2]['seconds'])}", f"{wall:.2f}x", ">= 1.8x",
                     "yes" if wall >= 1.8 else "no"))
        rows.append(("  same, from CPU time: 2 x CPU(1 process) / CPU(2 processes)",
                     f"{j[1]['cpu']:.1f} s vs {j[2]['cpu']:.1f} s CPU", f"{ideal:.2f}x", "(on idle cores)",
                     "yes" if ideal >= 1.8 else "no"))
    d = {r["workers"]: r for r in scale["by_dask"]}
    for w, r in sorted(d.items()):
        if w in j:
            rows.append((f"Dask LocalCluster of {w} worker(s): time relative to --jobs {w}, {r['points']:,d} points",
                         f"{fmt_s(r['seconds'])} ({fmt_s(r['check_seconds'])} checking) vs {fmt_s(j[w]['seconds'])}",
                         f"{r['seconds'] / j[w]['seconds']:.2f}x", "", ""))
    rows.append(("reports identical across --jobs 1, --jobs 2 and Dask (bit for bit)",
                 "yes" if scale["identical"] else "NO", "", "identical", "yes" if scale["identical"] else "no"))
    out = ["| benchmark | measured | ratio | goal | met |", "|---|---|---|---|---|"]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    out += ["", "Exact evaluation, side by side (same network, same points, same chunks):", "",
            "| network | points | float64 | kernel (slowest path) | builder (slowest path) | naive Fractions (extrapolated) |",
            "|---|---|---|---|---|---|"]
    out += [f"| {r['name']} | {r['points']:,d} | {fmt_s(r['float64'])} | {fmt_s(r['kernel'])} ({r['kernel_path']}) | "
            f"{fmt_s(r['builder'])} ({r['builder_path']}) | ~{r['naive']:,.0f} s |" for r in exact]
    out += ["", "Grid size (one process below 10^8 points; RSS summed over all processes):", "",
            "| points | --jobs | wall | per point | peak RSS |", "|---|---|---|---|---|"]
    out += [f"| {s['points']:,d} | {s['jobs']} | {fmt_s(s['seconds'])} | {s['seconds'] / s['points'] * 1e6:.2f} us | "
            f"{s['rss'] / 2**20:.0f} MiB |" for s in scale["by_size"]]
    out += ["", "Processes and Dask workers (same certificate; wall clock of the whole command, CPU summed over "
            "its processes):", "", "| runner | points | wall | checking | CPU | peak RSS |", "|---|---|---|---|---|---|"]
    out += [f"| --jobs {r['jobs']} | {r['points']:,d} | {fmt_s(r['seconds'])} | {fmt_s(r['check_seconds'])} | "
            f"{r['cpu']:.1f} s | {r['rss'] / 2**20:.0f} MiB |" for r in scale["by_jobs"]]
    out += [f"| --dask-local {r['workers']} | {r['points']:,d} | {fmt_s(r['seconds'])} | {fmt_s(r['check_seconds'])} | "
            f"{r['cpu']:.1f} s | {r['rss'] / 2**20:.0f} MiB |" for r in scale["by_dask"]]
    out += ["", "Kernel vs builder for each proof (the kernel's pass over the domain; the whole check also parses and "
            "runs region and SMT claims):", "", "| proof | points | kernel check | kernel pass | builder | pass/builder |",
            "|---|---|---|---|---|---|"]
    out += [f"| {p['proof']} | {p['points'] or 0:,d} | {fmt_s(p['check'])} | {fmt_s(p['sweep'])} | {fmt_s(p['builder'])} | "
            + (f"{p['sweep/builder']:.2f}x |" if p["builder"] else f"n/a ({p.get('builder_error', '')}) |")
            for p in proofs]
    if regions:
        out += ["", "Z3 / region benchmarks (benchmarks/bench_regions.py --quick, its own output):", "", "```",
                regions.rstrip(), "```"]
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small sizes everywhere (minutes)")
    ap.add_argument("--write", metavar="MARKDOWN", help="put the results between the run_all markers of this file")
    ap.add_argument("--skip-regions", action="store_true", help="do not run bench_regions.py")
    ap.add_argument("--max-points", default=str(10**8), help="largest grid of the size sweep (default 10^8)")
    ap.add_argument("--save", default=str(HERE / "results.json"), help="where to save the raw measurements")
    ap.add_argument("--from", dest="source", metavar="JSON", help="make the tables from saved measurements")
    args = ap.parse_args()
    quick = ["--quick"] if args.quick else []
    if args.source:
        saved = json.loads(Path(args.source).read_text())
    else:
        saved = {"head": f"Measured {datetime.date.today().isoformat()} on {machine()}.",
                 "exact": json.loads(run("bench_exact.py", *quick)), "proofs": json.loads(run("bench_proofs.py", *quick)),
                 "scale": json.loads(run("bench_scale.py", *quick, "--max-points", args.max_points)), "regions": None}
        Path(args.save).write_text(json.dumps(saved, indent=1))
        if not args.skip_regions and (HERE / "bench_regions.py").exists():
            saved["regions"] = run("bench_regions.py", "--quick")
            Path(args.save).write_text(json.dumps(saved, indent=1))
    text = saved["head"] + "\n\n" + tables(saved["exact"], saved["proofs"], saved["scale"], saved["regions"])
    print(text)
    if args.write:
        path = Path(args.write)
        doc = path.read_text()
        if BEGIN not in doc or END not in doc:
            raise SystemExit(f"{path}: no {BEGIN} ... {END} markers")
        path.write_text(doc[:doc.index(BEGIN) + len(BEGIN)] + "\n" + text + "\n" + doc[doc.index(END):])


if __name__ == "__main__":
    main()
