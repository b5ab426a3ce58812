"""The trusted kernel: re-verifies every claim of a certificate (docs/format.md).

It imports nothing from the rest of certify.
"""

from .check import check, parse
from .check import Limits
from .report import Report, Result

__all__ = ["check", "parse", "Limits", "Report", "Result"]
