"""certify: exact certificates for ReLU-network constructions.

Build a network (the builder records each step), evaluate it exactly on a finite domain,
write a certificate, and let the independent kernel re-verify every claim.
"""

__version__ = "0.1.0"

from .kernel.errors import CertifyError, ClaimError, LimitError, MalformedError  # noqa: E402
from .network import Layer, Network, exact_float  # noqa: E402
from .domain import BooleanCube, Domain, Grid, Points, Product  # noqa: E402
from .evaluate import Evaluation, evaluate  # noqa: E402
from .approximation import SupError, sup_error  # noqa: E402
from .certificate import Certificate, certificate  # noqa: E402
from . import target  # noqa: E402


def check(path_or_dict, **kw):
    """Return the kernel's Report for a certificate file path or dict."""
    from .kernel import check as kernel_check
    return kernel_check(path_or_dict, **kw)


__all__ = ["BooleanCube", "Certificate", "CertifyError", "ClaimError", "Domain", "Evaluation", "Grid", "Layer",
           "LimitError", "MalformedError", "Network", "Points", "Product", "SupError", "certificate", "check",
           "evaluate", "exact_float", "sup_error", "target"]
