"""Exact number parsing and formatting: integers and "n/d" strings, never floats."""

import json
import re
import sys
from fractions import Fraction

from .errors import LimitError, MalformedError

MAX_DIGITS = 20000  # default cap on the digits of a numerator or denominator
_RATIONAL = re.compile(r"-?[0-9]+(/[0-9]+)?")

if 0 < sys.get_int_max_str_digits() < 10 * MAX_DIGITS:
    sys.set_int_max_str_digits(10 * MAX_DIGITS)


def parse_rational(value, where: str, *, canonical: bool = False, max_digits: int = MAX_DIGITS) -> Fraction:
    """Return `value` (int, Fraction or "n/d" string) as a Fraction; reject anything else.

    With canonical=True, only the form `format_rational` writes is accepted: an int for an
    integer, otherwise "n/d" in lowest terms with d > 1.
    """
    if isinstance(value, bool):
        raise MalformedError(f"{where}: expected a rational (int or \"n/d\" string), got a boolean")
    if isinstance(value, int):
        if value.bit_length() > max_digits * 3.33:
            raise LimitError(f"{where}: integer has more than {max_digits} digits")
        return Fraction(value)
    if isinstance(value, Fraction) and not canonical:
        return value
    if isinstance(value, str):
        if len(value) > 2 * max_digits + 2:
            raise LimitError(f"{where}: number string longer than the {max_digits}-digit limit")
        if not _RATIONAL.fullmatch(value):
            raise MalformedError(f"{where}: \"{value[:40]}\" is not an exact rational \"n\" or \"n/d\"")
        num, _, den = value.partition("/")
        if len(num.lstrip("-")) > max_digits or len(den) > max_digits:
            raise LimitError(f"{where}: numerator or denominator has more than {max_digits} digits")
        if den and int(den) == 0:
            raise MalformedError(f"{where}: zero denominator in \"{value[:40]}\"")
        q = Fraction(int(num), int(den) if den else 1)
        if canonical and (not den or format_rational(q) != value):
            raise MalformedError(f"{where}: \"{value[:40]}\" is not canonical (write {json.dumps(format_rational(q))})")
        return q
    kind = type(value).__name__
    raise MalformedError(f"{where}: expected a rational (int or \"n/d\" string), got {kind} {str(value)[:40]}")


def format_rational(q) -> int | str:
    """Return the canonical JSON form of a rational: an int, or "n/d" in lowest terms."""
    q = Fraction(q)
    return q.numerator if q.denominator == 1 else f"{q.numerator}/{q.denominator}"
