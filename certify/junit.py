"""JUnit XML for CI: one <testsuite> per certificate, one <testcase> per checked claim.

Written by `certify check --junit FILE` from the per-file records that `check` also prints with
`--json`. A false claim (exit 1) or a malformed certificate (exit 2) is a <failure> whose message
is the kernel's text: the counterexample, or the field and the reason. A crash of the kernel
(exit 3) is an <error>. Standard library only (xml.etree), like the rest of the checking side.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import PurePath

FAILURE_TYPES = {1: "FALSE", 2: "MALFORMED"}


def _classname(path: str) -> str:
    """Return proofs/gadgets/abs.json as proofs.gadgets.abs (how CI servers group test cases)."""
    p = PurePath(path)
    parts = [q for q in p.with_suffix("").parts if q not in ("/", ".", "..")]
    return ".".join(parts) or p.name


def junit_tree(records: list) -> ET.ElementTree:
    """Return the JUnit XML tree of `certify check` records (dicts: path, exit_code, results, ...)."""
    root = ET.Element("testsuites", name="certify check")
    totals = {"tests": 0, "failures": 0, "errors": 0}
    total_time = 0.0
    for rec in records:
        path, seconds = str(rec["path"]), float(rec.get("seconds") or 0.0)
        suite = ET.SubElement(root, "testsuite", name=path, time=f"{seconds:.3f}")
        props = ET.SubElement(suite, "properties")
        ET.SubElement(props, "property", name="verdict", value=str(rec.get("verdict", "")))
        for key, value in (rec.get("info") or {}).items():
            ET.SubElement(props, "property", name=str(key),
                          value=", ".join(map(str, value)) if isinstance(value, (list, tuple)) else str(value))
        counts = {"tests": 0, "failures": 0, "errors": 0}
        results = rec.get("results")
        if rec.get("exit_code") == 3 or results is None:
            results = [{"name": "internal-error", "ok": False, "code": 3,
                        "message": f"internal error: {rec.get('error', 'unknown')}"}]
        for r in results:
            case = ET.SubElement(suite, "testcase", classname=_classname(path), name=str(r["name"]), file=path)
            counts["tests"] += 1
            if r["ok"]:
                continue
            code = r.get("code", 1)
            if code in FAILURE_TYPES:
                counts["failures"] += 1
                node = ET.SubElement(case, "failure", type=FAILURE_TYPES[code], message=str(r["message"]))
            else:
                counts["errors"] += 1
                node = ET.SubElement(case, "error", type="INTERNAL", message=str(r["message"]))
            node.text = f"{FAILURE_TYPES.get(code, 'INTERNAL ERROR')} {path}: {r['message']}"
        for key, n in counts.items():
            suite.set(key, str(n))
            totals[key] += n
        total_time += seconds
    for key, n in totals.items():
        root.set(key, str(n))
    root.set("time", f"{total_time:.3f}")
    ET.indent(root)
    return ET.ElementTree(root)


def write_junit(path, records: list) -> None:
    """Write the JUnit XML report of `certify check` records to `path` (UTF-8, with an XML declaration)."""
    junit_tree(records).write(path, encoding="utf-8", xml_declaration=True)
