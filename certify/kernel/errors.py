"""The error hierarchy shared by the whole package (the kernel owns it).

Exit codes: 1 a claim is false, 2 malformed input or a refused limit, 3 internal error.
"""


class CertifyError(ValueError):
    """Root of every error certify raises on purpose."""

    exit_code = 2


class MalformedError(CertifyError):
    """Input that does not follow the format (wrong type, shape, number, version...)."""


class LimitError(MalformedError):
    """Input refused because it exceeds a configured resource limit."""


class ClaimError(CertifyError):
    """A claim in a certificate is false; the message carries the counterexample."""

    exit_code = 1
