"""Checking on every core: the domain's points, split into shards of consecutive indices, are checked by
worker processes.

Trust: this module only moves the certificate's bytes and index ranges between processes. Each worker
runs the kernel (certify.kernel.check.check_shard: parse the bytes, evaluate and check the points of
one index range) and the kernel merges the shards and verifies that they cover the domain exactly once
(certify.kernel.sweep.sweep). Merging keeps the first failure by index and the maximum error at the
least index, so the report is identical, bit for bit, whatever the number of processes. Like the CLI,
this module imports only the kernel and the standard library (rich is imported for the progress bar).
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager

from certify.kernel.check import check_shard
from certify.kernel.sweep import scan

THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "VECLIB_MAXIMUM_THREADS",
                    "NUMEXPR_NUM_THREADS")
MIN_WORK = 1 << 32  # points x (weights + neurons) below which a check stays in this process (~5 s)
SHARD_POINTS = 1 << 12  # no shard is smaller than this (unless the domain is)


def cores() -> int:
    """Return the number of cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def work(cert) -> int:
    """Return a rough cost of checking a certificate: points x (weights + neurons)."""
    net = cert.network
    return cert.domain.size * (sum(len(layer.weights) for layer in net.layers) + sum(net.sizes))


def shards(size: int, parts: int) -> list[tuple[int, int]]:
    """Return `parts` (at most `size`) consecutive non-empty index ranges [a, b) covering range(size)."""
    parts = max(1, min(parts, size))
    return [(size * k // parts, size * (k + 1) // parts) for k in range(parts)]


def split(size: int, workers: int) -> list[tuple[int, int]]:
    """Return the shards for `workers` workers: about 16 per worker (load balance, progress), each of at
    least SHARD_POINTS points."""
    return shards(size, min(16 * workers, -(-size // SHARD_POINTS)))


@contextmanager
def progress_bar(total: int, enabled: bool, label: str = "checking"):
    """Yield tick(n), which advances a progress bar with an ETA on stderr by n points (None if disabled)."""
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn,
                               TimeRemainingColumn)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TextColumn("points"),
               TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(label, total=total)
        yield lambda n: bar.advance(task, n)


def show_progress(quiet: bool = False) -> bool:
    """Return whether to draw progress bars: stderr is a terminal, not quiet, not in CI."""
    return not quiet and sys.stderr.isatty() and not os.environ.get("CI")


_DATA, _LIMITS = None, None


def _init(data: bytes, limits) -> None:
    global _DATA, _LIMITS
    _DATA, _LIMITS = data, limits


def _work(start: int, stop: int) -> tuple:
    return check_shard(_DATA, start, stop, _LIMITS)


@contextmanager
def one_blas_thread():
    """Set the BLAS thread variables to 1 while worker processes start (each reads them when it imports
    numpy), then restore them."""
    saved = {k: os.environ.get(k) for k in THREAD_VARIABLES}
    os.environ.update({k: "1" for k in THREAD_VARIABLES})
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                del os.environ[k]
            else:
                os.environ[k] = v


def _context():
    """Return the 'forkserver' context (workers fork from a clean server that has imported the kernel once;
    no BLAS thread is running there), or 'spawn' where there is no forkserver."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["certify.parallel"])
    return context


class Processes:
    """A runner for certify.kernel.check(run=...): shards on `jobs` processes (default: every core), started
    by a fork server (else 'spawn') with one BLAS thread each. jobs=1, or a check whose work is below MIN_WORK (process start-up
    would cost more than it saves), runs in this process. A worker that dies breaks the pool: an error, not
    a hang."""

    def __init__(self, jobs: int | None = None, limits=None, progress: bool = False):
        self.jobs, self.limits, self.progress = max(1, jobs) if jobs else cores(), limits, progress

    def __call__(self, data: bytes, cert) -> list:
        size = cert.domain.size
        with progress_bar(size, self.progress) as tick:
            if self.jobs == 1 or work(cert) < MIN_WORK:
                return [scan(cert, 0, size, tick)]
            context, results = _context(), []
            with one_blas_thread(), ProcessPoolExecutor(self.jobs, context, _init, (data, self.limits)) as pool:
                for future in as_completed([pool.submit(_work, a, b) for a, b in split(size, self.jobs)]):
                    results.append(future.result())
                    if tick and len(results[-1]) == 4:
                        tick(results[-1][1] - results[-1][0])
            return results

    def close(self) -> None:
        """Nothing to stop: each large check starts and ends its own pool."""
