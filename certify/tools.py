"""Builder-side commands of `certify`: plot, report and export.

They use the exact core, matplotlib and the interop modules, so they live outside certify/cli.py:
the CLI loads this module by name only when one of these commands runs, and `certify check`,
`show` and `stats` keep loading nothing but the kernel. Verdicts still come from the kernel.
"""

import os
import sys
from fractions import Fraction
from pathlib import Path

from certify.cli import _limits, _load, _rational
from certify.kernel import check, parse


def cmd_plot(args) -> int:
    """Write PNG figures of a certificate (matplotlib: pip install "certify[plot]")."""
    cert = _load(args)
    if cert is None:
        return 2
    try:
        from certify.plot import plot_certificate, require_matplotlib
        require_matplotlib()
    except ImportError as e:
        print(f"certify plot: {e}", file=sys.stderr)
        return 2
    for path in plot_certificate(cert.raw, args.out, prefix=Path(args.file).stem, dpi=args.dpi, validated=True):
        print(path)
    return 0


def cmd_report(args) -> int:
    """Write a self-contained HTML report; return the kernel's verdict code (0 verified, 1 false, 2 malformed)."""
    from certify.report_html import write_report
    out = args.out or str(Path(args.file).with_suffix(".html").name)
    report = write_report(args.file, out, figures=not args.no_figures, limits=_limits(args))
    verdict = {0: "VERIFIED", 1: "FALSE", 2: "MALFORMED"}[report.exit_code]
    print(f"{verdict} {args.file}: report written to {out}")
    return report.exit_code


def cmd_export(args) -> int:
    """Export a verified certificate's network to ONNX and its grid claim to VNN-LIB (docs/interop.md)."""
    if not (args.onnx or args.vnnlib or args.vnnlib_dir):
        print("certify export: give --onnx FILE, --vnnlib FILE and/or --vnnlib-dir DIR", file=sys.stderr)
        return 2
    report = check(args.file, limits=_limits(args))
    if not report.ok and not args.force:
        verdict = {1: "FALSE", 2: "MALFORMED"}[report.exit_code]
        print(f"{verdict} {args.file}: {report.first_failure} (not exported; --force exports anyway)")
        return report.exit_code
    from certify.kernel.errors import CertifyError
    from certify.network import Network
    raw = parse(args.file, limits=_limits(args)).raw
    try:
        if args.onnx:
            from certify.interop.onnx_io import save_onnx
            info = save_onnx(Network.from_json(raw["network"]), args.onnx, dtype=args.dtype)
            exact = "exact" if info.exact else (f"{info.inexact_values} values rounded to {info.dtype}, "
                                                f"max error {_rational(info.max_rounding_error)}")
            print(f"wrote {args.onnx}: ONNX, {args.dtype} ({exact})")
        margin = Fraction(args.margin)
        if args.vnnlib:
            from certify.interop.vnnlib import write_vnnlib
            out = write_vnnlib(args.file, args.vnnlib, margin=margin, max_points=args.vnnlib_max_points)
            print(f"wrote {args.vnnlib}: VNN-LIB, {out['points']} points ({'exact' if out['exact'] else 'rounded outward'})")
        if args.vnnlib_dir:
            from certify.interop.vnnlib import write_vnnlib_per_point
            name = os.path.relpath(args.onnx, args.vnnlib_dir) if args.onnx else None  # as VNN-COMP's instances.csv
            out = write_vnnlib_per_point(args.file, args.vnnlib_dir, onnx_name=name, margin=margin,
                                         max_points=args.vnnlib_max_points)
            print(f"wrote {args.vnnlib_dir}: {out['points']} VNN-LIB files"
                  + (" and instances.csv" if name else "") + (" (exact)" if out["exact"] else " (rounded outward)"))
    except ImportError as e:
        print(f"certify export: {e}", file=sys.stderr)
        return 2
    except CertifyError as e:
        print(f"certify export: {e}", file=sys.stderr)
        return 2
    return 0
