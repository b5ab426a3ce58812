"""The kernel's entry point: load, parse, check every claim, report."""

from dataclasses import dataclass
from functools import lru_cache

from .certificate import parse_certificate
from .claims import static_claims
from .errors import CertifyError
from .jsonload import load, read
from .region_claims import check_extra
from .report import Report, Result
from .sweep import scan, sweep


@dataclass(frozen=True)
class Limits:
    """Resource limits (docs/format.md, *Limits*), checked before any heavy work (exit 2)."""
    max_file_size: int = 256 * 2**20
    max_json_depth: int = 200
    max_digits: int = 20000
    max_points: int = 10**8
    max_weights: int = 10**7
    max_expr_nodes: int = 10**5
    max_neurons: int = 10**6  # in the network and in every network nested in an expression, each
    max_value_bits: int = 1 << 17  # of any numerator or denominator computed (domain, network, expression)
    max_seconds: float = 3600.0  # time budget of each pass over the domain (all pointwise claims)


def parse(source, *, limits=None):
    """Return the parsed Certificate of bytes, a path or a dict; raise MalformedError/LimitError if it is bad."""
    return parse_certificate(load(source, limits or Limits()), limits or Limits())


_parsed = lru_cache(maxsize=2)(parse)


def check_shard(data: bytes, start: int, stop: int, limits=None) -> tuple:
    """Return the shard (sweep.scan) of points start..stop-1 of the certificate with these bytes: the work
    of one process or Dask task (the parsed certificate is kept for the next shard). An error is returned
    as (start, exception): sweep raises the one of the least index, whichever worker failed first."""
    try:
        return scan(_parsed(data, limits=limits or Limits()), start, stop)
    except Exception as e:  # noqa: BLE001 -- re-raised by sweep
        return start, e


def check(source, *, limits=None, run=None) -> Report:
    """Return the Report of checking a certificate (bytes, a path or a dict). Bad input never raises:
    it gives a Report with exit code 2 whose message names the field. run(data, cert), if given, checks
    the domain's points in shards elsewhere (certify.parallel, certify.distributed): it returns the shards
    check_shard(data, start, stop, limits) of index ranges covering the domain, which sweep verifies."""
    results, info = [], {}
    try:
        data = read(source, limits or Limits())
        cert = parse(data, limits=limits)
        results.append(Result("format", True, "the certificate is well-formed and network_sha256 matches"))
        results += static_claims(cert)
        more, info = sweep(cert, run and (lambda size: run(data, cert)))
        results += more + check_extra(cert, info)
    except CertifyError as e:
        results.append(Result("malformed", False, str(e), e.exit_code))
    except RecursionError:
        results.append(Result("malformed", False, "input nested too deeply to check (limit)", 2))
    return Report(results, info)
