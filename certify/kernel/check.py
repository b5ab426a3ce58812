"""The kernel's entry point: load, parse, check every claim, report."""

from dataclasses import dataclass

from .certificate import parse_certificate
from .claims import static_claims
from .errors import CertifyError
from .jsonload import load
from .region_claims import check_extra
from .report import Report, Result
from .sweep import sweep


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
    max_value_bits: int = 1 << 18  # of any numerator or denominator computed (domain, network, expression)
    max_seconds: float = 3600.0  # time budget of each pass over the domain (all pointwise claims)


def parse(source, *, limits=None):
    """Return the parsed Certificate of a path or dict; raise MalformedError/LimitError if it is bad."""
    return parse_certificate(load(source, limits or Limits()), limits or Limits())


def check(source, *, limits=None) -> Report:
    """Return the Report of checking a certificate (a path or a dict). Bad input never raises:
    it gives a Report with exit code 2 whose message names the field."""
    results, info = [], {}
    try:
        cert = parse(source, limits=limits)
        results.append(Result("format", True, "the certificate is well-formed and network_sha256 matches"))
        results += static_claims(cert)
        more, info = sweep(cert)
        results += more + check_extra(cert, info)
    except CertifyError as e:
        results.append(Result("malformed", False, str(e), e.exit_code))
    except RecursionError:
        results.append(Result("malformed", False, "input nested too deeply to check (limit)", 2))
    return Report(results, info)
