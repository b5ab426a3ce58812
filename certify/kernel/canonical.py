"""Canonical JSON serialisation and the network hash (shared by the writer and the kernel)."""

import hashlib
import json

FORMAT = "certify/v1"


def canonical_json(obj) -> str:
    """Return the canonical serialisation of a JSON value (sorted keys, no spaces, ASCII)."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False)


def network_sha256(network_obj) -> str:
    """Return the hex SHA-256 of the canonical serialisation of a `network` JSON value."""
    return hashlib.sha256(canonical_json(network_obj).encode("ascii")).hexdigest()
