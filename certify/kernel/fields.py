"""Typed access to JSON fields; every error names the field."""

from .errors import MalformedError
from .numbers import parse_rational


def kind(value) -> str:
    """Return the JSON name of a value's type."""
    names = {dict: "an object", list: "a list", str: "a string", bool: "a boolean", int: "an integer"}
    return names.get(type(value), "null" if value is None else type(value).__name__)


def typed(value, where, cls):
    """Return `value` if it is an instance of `cls` (str, dict, list or bool)."""
    if not isinstance(value, cls):
        raise MalformedError(f"{where}: expected {kind(cls())}, got {kind(value)}")
    return value


def string(value, where) -> str:
    """Return `value` if it is a string."""
    return typed(value, where, str)


def obj(value, where, required, optional=()) -> dict:
    """Return `value` if it is an object with every required key and no other key."""
    unknown = [key for key in typed(value, where, dict) if key not in required and key not in optional]
    missing = [key for key in required if key not in value]
    if unknown:
        raise MalformedError(f"{where}: unknown key {unknown[0]!r}")
    if missing:
        raise MalformedError(f"{where}: missing key {missing[0]!r}")
    return value


def lst(value, where, min_len=0, length=None) -> list:
    """Return `value` if it is a list of at least `min_len` (or exactly `length`) items."""
    if len(typed(value, where, list)) < min_len or (length is not None and len(value) != length):
        raise MalformedError(f"{where}: expected {length or f'at least {min_len}'} items, got {len(value)}")
    return value


def integer(value, where, lo=None, hi=None) -> int:
    """Return `value` if it is a JSON integer within [lo, hi]."""
    if type(value) is not int:
        raise MalformedError(f"{where}: expected an integer, got {kind(value)}")
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        raise MalformedError(f"{where}: {value} is outside the range {lo}..{'' if hi is None else hi}")
    return value


def rational(value, where, limits):
    """Return a canonical rational field as a Fraction."""
    return parse_rational(value, where, canonical=True, max_digits=limits.max_digits)


def rationals(value, where, limits, length=None) -> tuple:
    """Return a list field of canonical rationals as a tuple of Fractions."""
    return tuple(rational(v, f"{where}[{k}]", limits) for k, v in enumerate(lst(value, where, 0, length)))
