"""Strict JSON loading: file size and nesting limits, no duplicate keys, no floats."""

import json
import os
import re
import sys

import numpy as np

from .canonical import canonical_json
from .errors import LimitError, MalformedError

_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')


def nesting_depth(data: bytes, block: int = 1 << 24) -> int:
    """Return the largest bracket nesting depth of JSON text (brackets inside strings ignored)."""
    codes, depth, best = np.frombuffer(_STRING.sub(b'""', data), dtype=np.uint8), 0, 0
    for start in range(0, len(codes), block):
        b = codes[start:start + block]
        run = np.cumsum(((b == 91) | (b == 123)).astype(np.int64) - ((b == 93) | (b == 125))) + depth
        best, depth = max(best, int(run.max())), int(run[-1])
    return best


def _pairs(pairs) -> dict:
    """Return a dict from JSON object pairs, rejecting a repeated key."""
    if len({key for key, _ in pairs}) < len(pairs):
        seen = [key for key, _ in pairs]
        raise MalformedError(f"duplicate key {next(k for k in seen if seen.count(k) > 1)!r} in a JSON object")
    return dict(pairs)


def _no_float(text):
    """Refuse a JSON float or NaN/Infinity (never returns)."""
    raise MalformedError(f"JSON number {text[:40]} is rejected: floats are not allowed (write \"n/d\")")


def read(source, limits) -> bytes:
    """Return the bytes of a certificate given as bytes, a path or a dict (re-serialised)."""
    if isinstance(source, bytes):
        return source
    if isinstance(source, dict):
        try:
            return canonical_json(source).encode("ascii")
        except (TypeError, ValueError) as e:
            raise MalformedError(f"certificate is not JSON data: {e}") from None
    try:
        size = os.stat(source).st_size
        if size > limits.max_file_size:
            raise LimitError(f"file is {size} bytes, over the {limits.max_file_size}-byte limit")
        with open(source, "rb") as f:
            return f.read(limits.max_file_size + 1)
    except OSError as e:
        raise MalformedError(f"cannot read {source}: {e.strerror or e}") from None


def load(source, limits) -> dict:
    """Return the certificate object from bytes, a path or a dict, enforcing the lexical rules and limits."""
    data = read(source, limits)
    if len(data) > limits.max_file_size:
        raise LimitError(f"input is over the {limits.max_file_size}-byte limit")
    depth = nesting_depth(data)
    if depth > limits.max_json_depth:
        raise LimitError(f"JSON nesting depth {depth} exceeds the limit {limits.max_json_depth}")
    if 0 < sys.get_int_max_str_digits() < max(limits.max_digits, limits.max_value_bits) + 10:  # messages print values
        sys.set_int_max_str_digits(max(limits.max_digits, limits.max_value_bits) + 10)

    def parse_int(text):
        if len(text.lstrip("-")) > limits.max_digits:
            raise LimitError(f"JSON integer with {len(text)} digits exceeds the {limits.max_digits}-digit limit")
        return int(text)

    try:
        obj = json.loads(data.decode("utf-8"), object_pairs_hook=_pairs, parse_float=_no_float,
                         parse_constant=_no_float, parse_int=parse_int)
    except UnicodeDecodeError as e:
        raise MalformedError(f"file is not UTF-8: {e}") from None
    except json.JSONDecodeError as e:
        raise MalformedError(f"invalid JSON: {e}") from None
    if not isinstance(obj, dict):
        raise MalformedError("certificate: expected a JSON object at the top level")
    return obj
