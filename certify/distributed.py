"""Checking on a Dask distributed cluster (optional extra: pip install "certify[distributed]").

The same shards as certify.parallel (consecutive index ranges of the domain) become Dask tasks. The
certificate's bytes are scattered once to every worker; each task runs the kernel's check_shard on one
index range; the kernel merges the shards and verifies that they cover the domain exactly once. So the
report is identical, bit for bit, to a local run. Dask is only transport: the trusted base is the kernel
(run on the workers and here) plus the honesty of the workers and of the network between them.
docs/distributed.md says how to start a cluster and point `certify check --scheduler` at it.
"""

from __future__ import annotations

from certify.kernel.check import check_shard
from certify.parallel import progress_bar, split


class Dask:
    """A runner for certify.kernel.check(run=...) on a Dask cluster: `scheduler` is an address like
    tcp://host:8786; without it, a LocalCluster of `local` worker processes (one thread each) is started
    and stopped with this object. Use it as a context manager, or call close()."""

    def __init__(self, scheduler: str | None = None, local: int | None = None, limits=None, progress: bool = False):
        try:
            from distributed import Client, LocalCluster
        except ImportError as e:
            raise RuntimeError('Dask checking needs the optional extra: pip install "certify[distributed]"') from e
        self.limits, self.progress, self.cluster = limits, progress, None
        if scheduler is None:
            self.cluster = LocalCluster(n_workers=local or 1, threads_per_worker=1, processes=True,
                                        dashboard_address=None)
        self.client = Client(scheduler or self.cluster)

    def workers(self) -> int:
        """Return the number of workers (threads) in the cluster, at least 1."""
        return max(1, sum(self.client.nthreads().values()))

    def __call__(self, data: bytes, cert) -> list:
        from distributed import as_completed
        size = cert.domain.size
        with progress_bar(size, self.progress, "checking (dask)") as tick:
            shared = self.client.scatter(data, broadcast=True)
            futures = [self.client.submit(check_shard, shared, a, b, self.limits, pure=False)
                       for a, b in split(size, self.workers())]
            results = []
            for future in as_completed(futures):
                results.append(future.result())
                if tick and len(results[-1]) == 4:
                    tick(results[-1][1] - results[-1][0])
            self.client.cancel(shared)
            return results

    def close(self) -> None:
        """Close the client, and the LocalCluster if this object started one."""
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
