"""Scaling of `certify check`: grid size (10^4 .. 10^8 points), processes (--jobs 1, 2) and Dask
LocalCluster workers (--dask-local 1, 2), with wall time and peak memory of the whole process tree.

Run: python benchmarks/bench_scale.py [--quick] [--max-points N]

The certificate (benchmarks/certs.py) is a network of hidden widths [32, 32] computing max(x_0, x_1)
exactly on the 2-D grid, plus random neurons that cancel in pairs, so the sup-error claim (0, attained)
holds on every grid and every neuron is evaluated at every point. Each run is a fresh `certify check`
process; RSS and CPU time are sampled every 0.05 s over the process and all its descendants (psutil;
installed with dask[distributed]) and summed.
Reports of different runs on the same certificate are compared: they must be identical.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from certs import certificate, max_network

WIDTHS = [32, 32]
ENV = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1", CI="1")


def grid_with(points: int) -> dict:
    """Return the largest 2-D grid (R = 1) with at most `points` points (10^8 -> 9999^2)."""
    side = int(points ** 0.5)
    side -= 1 - side % 2  # odd: 2p + 1
    return {"kind": "grid", "d": 2, "R": 1, "p": (side - 1) // 2}


def write_cert(folder: Path, points: int) -> tuple[Path, int]:
    dom = grid_with(points)
    path = folder / f"max_{points}.json"
    if not path.exists():
        path.write_text(json.dumps(certificate(max_network(WIDTHS), dom)))
    return path, (2 * dom["p"] + 1) ** 2


def _tree(pid: int) -> dict:
    """Return {pid: (rss bytes, cpu seconds)} of a process and all its descendants (psutil)."""
    import psutil
    try:
        p = psutil.Process(pid)
        procs = [p] + p.children(recursive=True)
    except psutil.Error:
        return {}
    out = {}
    for q in procs:
        try:
            with q.oneshot():
                t = q.cpu_times()
                out[q.pid] = (q.memory_info().rss, t.user + t.system)
        except psutil.Error:
            pass
    return out


def run_check(path: Path, *flags: str) -> dict:
    """Run `certify check --json` on one file; return wall seconds (of the command, and of the check alone),
    CPU seconds of all its processes, peak RSS of the process tree (bytes, summed) and the report.
    Memory and CPU are sampled every 0.05 s (psutil; the CPU of a process is its last sample)."""
    cmd = [sys.executable, "-m", "certify.cli", "check", "--json", str(path), *flags]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=ENV, text=True)
    peak, cpu = [0], {}

    def sample():
        while proc.poll() is None:
            tree = _tree(proc.pid)
            peak[0] = max(peak[0], sum(rss for rss, _ in tree.values()))
            cpu.update({p: c for p, (_, c) in tree.items()})
            time.sleep(0.05)
    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    seconds = time.perf_counter() - start
    sampler.join()
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)}: exit {proc.returncode}\n{err[-2000:]}")
    report = json.loads(out)["files"][0]
    return {"seconds": seconds, "check_seconds": report.pop("seconds"), "cpu": sum(cpu.values()), "rss": peak[0],
            "report": report}


def load() -> str:
    return "%.1f" % os.getloadavg()[0] if hasattr(os, "getloadavg") else "?"


def measure(quick: bool = False, max_points: int = 10**8, folder: Path | None = None) -> dict:
    """Return the measurements: by grid size (one process), by processes and Dask workers at 10^7 (10^6
    with quick) points, and whether every report on the same certificate is identical."""
    folder = Path(folder or tempfile.mkdtemp(prefix="certify-bench-"))
    sizes = [p for p in (10**4, 10**5, 10**6, 10**7, 10**8) if p <= (10**6 if quick else max_points)]
    out = {"by_size": [], "by_jobs": [], "by_dask": [], "identical": True, "load": []}
    for points in sizes:
        path, n = write_cert(folder, points)
        flags = ("--jobs", "2") if points >= 10**8 else ("--jobs", "1")
        r = run_check(path, *flags)
        out["by_size"].append({"points": n, "jobs": int(flags[1]), "seconds": r["seconds"], "cpu": r["cpu"],
                               "rss": r["rss"], "verdict": r["report"]["verdict"]})
        out["load"].append(load())
        print(f"  size {n:>11,d} points, --jobs {flags[1]}: {r['seconds']:8.1f} s, RSS {r['rss'] / 2**20:7.0f} MiB, "
              f"{r['report']['verdict']} (load {out['load'][-1]})", file=sys.stderr, flush=True)
    path, n = write_cert(folder, 10**6 if quick else 10**7)
    reports = []
    for jobs in (1, 2):
        r = run_check(path, "--jobs", str(jobs))
        reports.append(r["report"])
        out["by_jobs"].append({"points": n, "jobs": jobs, "seconds": r["seconds"], "check_seconds": r["check_seconds"],
                               "cpu": r["cpu"], "rss": r["rss"]})
        print(f"  {n:,d} points, --jobs {jobs}: {r['seconds']:.1f} s, RSS {r['rss'] / 2**20:.0f} MiB (load {load()})",
              file=sys.stderr, flush=True)
    try:
        import distributed  # noqa: F401
        for workers in (1, 2):
            r = run_check(path, "--dask-local", str(workers))
            reports.append(r["report"])
            out["by_dask"].append({"points": n, "workers": workers, "seconds": r["seconds"],
                                   "check_seconds": r["check_seconds"], "cpu": r["cpu"], "rss": r["rss"]})
            print(f"  {n:,d} points, --dask-local {workers}: {r['seconds']:.1f} s, of which checking "
                  f"{r['check_seconds']:.1f} s (load {load()})", file=sys.stderr, flush=True)
    except ImportError:
        print("  dask distributed is not installed: no Dask rows", file=sys.stderr)
    out["identical"] = all(rep == reports[0] for rep in reports)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="grids up to 10^6 points; processes at 10^6")
    ap.add_argument("--max-points", type=int, default=10**8)
    args = ap.parse_args()
    print(json.dumps(measure(args.quick, args.max_points), indent=1))


if __name__ == "__main__":
    main()
