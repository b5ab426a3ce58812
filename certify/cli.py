"""The `certify` command: check, show and stats. It uses only the kernel and the standard library,
so that checking stays independent of the code that builds certificates. The builder-side tools
plot, report and export live in certify/tools.py, which is loaded by name only when one of them runs."""

import argparse
import importlib
import json
import sys
import time
import traceback
import xml.etree.ElementTree as ET
from fractions import Fraction
from pathlib import Path

from certify.kernel import Limits, check, parse
from certify.kernel.errors import CertifyError
from certify.kernel.network import prepare
from certify.kernel.region_claims import describe

_LIMITS = {"max_file_size": "--max-file-size", "max_json_depth": "--max-depth-json", "max_digits": "--max-digits",
           "max_points": "--max-points", "max_weights": "--max-weights", "max_expr_nodes": "--max-expr-nodes",
           "max_neurons": "--max-neurons", "max_value_bits": "--max-value-bits", "max_seconds": "--max-seconds"}
_INFIX = {"add": (" + ", 1), "sub": (" - ", 1), "mul": (" * ", 2), "div": (" / ", 2), "lt": (" < ", 0),
          "le": (" <= ", 0), "gt": (" > ", 0), "ge": (" >= ", 0), "eq": (" = ", 0), "ne": (" != ", 0),
          "and": (" and ", 0), "or": (" or ", 0)}


def infix(e, prec=0, t="t") -> str:
    """Return an expression (JSON form) in readable infix notation."""
    if not isinstance(e, list) or not e:
        s = str(e)
        return f"({s})" if prec >= 2 and ("/" in s or s.startswith("-")) else s
    op, args = e[0], e[1:]
    if op in _INFIX:
        sep, p = _INFIX[op]
        parts = [infix(a, p + (k > 0 and op in ("sub", "div")), t) for k, a in enumerate(args)]
        return f"({sep.join(parts)})" if p < prec or (p == 0 and prec > 0) else sep.join(parts)
    one = lambda a: infix(a, 0, t)
    simple = {"x": lambda: f"x_{args[0]}", "v": lambda: f"h[{args[0]},{args[1]}]", "t": lambda: t,
              "neg": lambda: f"-{infix(args[0], 3, t)}",
              "pow": lambda: f"{infix(args[0], 4, t)}^{args[1]}", "abs": lambda: f"|{one(args[0])}|",
              "norm2sq": lambda: "||x||^2", "parity": lambda: "(sum_i x_i) mod 2",
              "ip_mod2": lambda: "(sum_{i<d/2} x_i x_{i+d/2}) mod 2", "not": lambda: f"not {infix(args[0], 3, t)}",
              "sum_coords": lambda: f"sum_i [{infix(args[0], 0, 'x_i')}]",
              "prod_coords": lambda: f"prod_i [{infix(args[0], 0, 'x_i')}]",
              "if": lambda: f"(if {one(args[0])} then {one(args[1])} else {one(args[2])})",
              "network": lambda: f"output {args[1]} of a network of depth {len(args[0].get('layers', []))}"}
    if op in simple:
        return simple[op]()
    return f"{op}({', '.join(one(a) for a in args)})"


def _rational(q) -> str:
    """Return a Fraction written as an integer or n/d."""
    return str(q.numerator) if q.denominator == 1 else f"{q.numerator}/{q.denominator}"


def _terms(terms) -> str:
    """Return sum c * h[l,i] written like h[1,0] - 2*h[1,1] (layer 0 is the input x)."""
    out = ""
    for l, i, c in terms:
        name = f"x_{i}" if l == 0 else f"h[{l},{i}]"
        size = "" if abs(c) == 1 else f"{_rational(abs(c))}*"
        out += (" - " if c < 0 else " + ") * bool(out) + ("-" if c < 0 and not out else "") + size + name
    return out or "0"


def _files(paths) -> list:
    """Return the files to check: the given files, and every *.json under the given directories, sorted."""
    out = []
    for p in map(Path, paths):
        out += sorted(p.rglob("*.json")) if p.is_dir() else [p]
    return out


def _limits(args) -> Limits:
    """Return the Limits given by the command-line flags (defaults for the others)."""
    return Limits(**{k: getattr(args, k) for k in _LIMITS if getattr(args, k) is not None})


def cmd_check(args) -> int:
    """Check every certificate; return the worst exit code."""
    files, worst, reports = _files(args.paths), 0, []
    if not files:
        print("certify: no certificate files found", file=sys.stderr)
        return 2
    run = _runner(args)
    for path in files:
        start = time.perf_counter()
        try:
            report = check(path, limits=_limits(args), run=run)
        except Exception as e:  # a bug in the kernel, never a verdict
            print(f"internal error: {path}: {type(e).__name__}: {e}", file=sys.stderr)
            if args.debug:
                traceback.print_exc()
            worst = 3
            reports.append({"path": str(path), "exit_code": 3, "verdict": "INTERNAL ERROR", "error": str(e)})
            continue
        code = report.exit_code
        worst = max(worst, code)
        verdict = {0: "VERIFIED", 1: "FALSE", 2: "MALFORMED"}[code]
        reports.append({"path": str(path), "verdict": verdict, "exit_code": code, "first_failure": report.first_failure,
                        "info": report.info, "results": [vars(r) for r in report.results],
                        "seconds": round(time.perf_counter() - start, 3)})
        if args.json or (args.quiet and code == 0):
            continue
        print(f"VERIFIED {path}" if code == 0 else f"{verdict} {path}: {report.first_failure}")
        if not args.quiet:
            failures = [r.message for r in report.results if not r.ok][1:]
            for message in failures:
                print(f"  also: {message}", file=sys.stderr)
            if code == 0:
                print(f"  {len(report.results)} checks on {report.info.get('points')} points "
                      f"(layer paths: {', '.join(report.info.get('layer_paths', []))})", file=sys.stderr)
                for note in report.info.get("solver", []):
                    print(f"  rests on a bare Z3 answer: {note}", file=sys.stderr)
    run.close()
    if args.json:
        print(json.dumps({"exit_code": worst, "files": reports}, indent=1, default=str))
    if args.junit:
        _junit(reports).write(args.junit, encoding="utf-8", xml_declaration=True)
    return worst


def _runner(args):
    """Return the runner of the domain's shards: --jobs processes (certify/parallel.py) or a Dask cluster
    (--scheduler, --dask-local; certify/distributed.py). Both only carry bytes and index ranges: the kernel
    checks each shard and that the shards cover the domain once. Loaded by name, like certify/tools.py."""
    parallel = importlib.import_module("certify.parallel")
    progress = parallel.show_progress(args.quiet or args.json)
    if args.scheduler or args.dask_local:
        return importlib.import_module("certify.distributed").Dask(args.scheduler, args.dask_local, _limits(args),
                                                                   progress)
    return parallel.Processes(args.jobs, _limits(args), progress)


def _junit(records) -> ET.ElementTree:
    """Return JUnit XML of check records: a <testsuite> per certificate, a <testcase> per checked claim; a false
    claim or a malformed certificate is a <failure> (type FALSE or MALFORMED, message = the kernel's text), a
    kernel crash an <error> (type INTERNAL). docs/ci.md."""
    root, totals = ET.Element("testsuites", name="certify check"), {"tests": 0, "failures": 0, "errors": 0}
    for rec in records:
        path, seconds = str(rec["path"]), float(rec.get("seconds") or 0)
        suite = ET.SubElement(root, "testsuite", name=path, time=f"{seconds:.3f}")
        props = ET.SubElement(suite, "properties")
        for key, value in {"verdict": rec["verdict"], **(rec.get("info") or {})}.items():
            value = ", ".join(map(str, value)) if isinstance(value, (list, tuple)) else str(value)
            ET.SubElement(props, "property", name=str(key), value=value)
        results = rec.get("results") or [{"name": "internal-error", "ok": False, "code": 3,
                                          "message": f"internal error: {rec.get('error')}"}]
        counts = {"tests": len(results), "failures": 0, "errors": 0}
        classname = ".".join(Path(path).with_suffix("").parts).lstrip("./") or path
        for r in results:
            case = ET.SubElement(suite, "testcase", classname=classname, name=str(r["name"]), file=path)
            if not r["ok"]:
                kind = {1: "FALSE", 2: "MALFORMED"}.get(r["code"], "INTERNAL")
                counts["failures" if kind != "INTERNAL" else "errors"] += 1
                node = ET.SubElement(case, "failure" if kind != "INTERNAL" else "error", type=kind,
                                     message=str(r["message"]))
                node.text = f"{kind} {path}: {r['message']}"
        for key, n in counts.items():
            suite.set(key, str(n))
            totals[key] += n
    for key, n in totals.items():
        root.set(key, str(n))
    ET.indent(root)
    return ET.ElementTree(root)


def _load(args):
    """Return the parsed certificate, or print why it is malformed and return None."""
    try:
        return parse(args.file, limits=_limits(args))
    except CertifyError as e:
        print(f"MALFORMED {args.file}: {e}")
        return None


def _network_lines(net) -> list:
    """Return the lines of `show` that describe the network."""
    weights = [w for layer in net.layers for w in layer.weights]
    biases = [b for layer in net.layers for b in layer.bias or ()]
    form = "paper form (output layer linear, no bias)" if net.form == "paper" else \
        "with an output bias (not paper form)"
    return [f"network: {form}; input dimension {net.input_dim}",
            f"  depth {len(net.layers)}, width {max(net.sizes[1:])}, layer sizes {net.sizes[1:]}",
            f"  max |weight| {_rational(max(map(abs, weights), default=Fraction(0)))}, "
            f"max |bias| {_rational(max(map(abs, biases), default=Fraction(0)))}, {len(weights)} nonzero weights"]


def cmd_show(args) -> int:
    """Print what a certificate claims, in the paper's terms."""
    cert = _load(args)
    if cert is None:
        return 2
    raw, c, prov = cert.raw, cert.claims, cert.raw["provenance"]
    lines = [f"format {raw['format']}: {args.file}",
             f"provenance: construction {prov['construction']!r}, parameters {json.dumps(prov['parameters'])}",
             f"  paper: {prov['paper']}; theorem: {prov['theorem']}; tool: {prov['tool']}",
             f"domain: {cert.domain.desc} ({cert.domain.size} points)"] + _network_lines(cert.network)
    for o, e in enumerate(raw["target"] or []):
        lines.append(f"target f_{o}(x) = {infix(e)}")
    f = _rational
    lines += ["claims:", f"  depth {c.depth}, width {c.width}, layer sizes {list(c.layer_sizes)}",
              f"  every weight and bias |w| <= {f(c.max_weight)}; weights <= {f(c.max_abs_weight)}; "
              f"biases <= {f(c.max_abs_bias)}"]
    if c.sup_bound is not None:
        lines.append(f"  max over the domain and outputs o of |N(x)_o - f_o(x)| <= {f(c.sup_bound)}"
                     + (" (exact)" if c.sup_bound == 0 else "")
                     + (f", attained: {f(c.attained)}" if c.attained is not None else ""))
    lines.append(f"  the steps partition the neurons: {'claimed' if c.steps_cover else 'not claimed'}")
    lines += describe(cert)
    lines.append(f"steps ({len(cert.steps)}):")
    for st in cert.steps:
        where = "; ".join(f"layer {l} neurons {a}..{b - 1} ({b - a})" for l, a, b in st.neurons) or "no neurons"
        reads = ", ".join("x" if i == "x" else f"step {i}" for i in st.inputs) or "nothing"
        lines.append(f"  {st.id}. {st.op}: {st.label}")
        bound = "" if st.max_weight is None else f"; weights and biases <= {f(st.max_weight)}"
        lines.append(f"     {where}; reads {reads}{bound}")
        for vc in st.values:
            terms = _terms(vc.terms)
            lines.append(f"     claim: {terms} = {infix(vc.raw['equals'])} at every point")
    hints = raw.get("hints", {})
    if hints:
        lines.append(f"hints: {json.dumps(hints)[:200]}")
    print("\n".join(lines))
    return 0


def cmd_stats(args) -> int:
    """Print the sizes of a certificate."""
    cert = _load(args)
    if cert is None:
        return 2
    net, dom = cert.network, cert.domain
    values = [v for layer in net.layers for v in layer.weights + (layer.bias or ())]
    plan = prepare(net, dom.box(), dom.den)
    print("\n".join([
        f"neurons: {sum(net.sizes[1:])} (layer sizes {net.sizes[1:]}, input dimension {net.input_dim})",
        f"depth: {len(net.layers)}, width: {max(net.sizes[1:])}",
        f"nonzero weights: {sum(len(layer.weights) for layer in net.layers)}",
        f"biases: {sum(len(layer.bias or ()) for layer in net.layers)}",
        f"domain: {dom.desc}, {dom.size} points",
        f"largest numerator: {max((abs(v.numerator).bit_length() for v in values), default=0)} bits",
        f"largest denominator: {max((v.denominator.bit_length() for v in values), default=0)} bits",
        f"steps: {len(cert.steps)}, value claims: {sum(len(st.values) for st in cert.steps)}",
        f"evaluation path per layer: {', '.join(plan.paths)}"]))
    return 0


_ROLES = {
    "numpy": "exact integer arrays; float64 matrix products only on layers where exact interval bounds prove every "
             "input, weight and partial sum below 2^53 in magnitude, so that float64 is exact (the path of each "
             "layer, float64, int64 or bigint, is reported by `certify check`)",
    "z3": "decides only the region claims without replayable hints: claims.regions `affine` without `farkas` hints, "
          "`sup_error` and `lipschitz` (method regions) on boxes of dimension >= 3, and weight_bounds.parametric; "
          "`unknown` or a timeout rejects. Claims on the finite domain, `pieces`, 1-D/2-D sweeps and Farkas "
          "replays do not use it",
    "flint": "arb ball arithmetic for sup_error against targets with irrational operators (sqrt, sin, cos, exp, pi); "
             "a ball that cannot decide the claim at 4096 bits is exit 2"}


def cmd_trust(args) -> int:
    """Print the trusted base: every component a verdict of `certify check` depends on."""
    import ast
    import hashlib
    import importlib.metadata
    import platform
    kernel = Path(__file__).resolve().parent / "kernel"
    files, users, digest = sorted(kernel.glob("*.py")), {}, hashlib.sha256()
    lines = ["A verdict of `certify check` depends on exactly these components (nothing else is trusted: not the",
             "builder, the gadgets, the evaluators or any hint in a certificate, which the kernel replays).",
             f"Python {platform.python_version()} ({platform.python_implementation()}): exact int and "
             "fractions.Fraction arithmetic, json (strict loading), hashlib (network_sha256)",
             f"certify/cli.py ({len(Path(__file__).read_text().splitlines())} lines): arguments and printing; "
             "it imports only the kernel",
             "certify/parallel.py, certify/distributed.py (check --jobs/--scheduler/--dask-local): transport only, they "
             "carry the certificate's bytes and index ranges to worker processes or Dask workers, which run this kernel;"
             " the kernel verifies that the shards cover the domain once (the workers are trusted to run it unaltered)",
             "the kernel, certify/kernel/ (it imports nothing else from certify):"]
    for f in files:
        text = f.read_text()
        digest.update(f.name.encode() + b"\0" + text.encode())
        tree = ast.parse(text)
        for n in ast.walk(tree):
            names = [a.name for a in n.names] if isinstance(n, ast.Import) else \
                [n.module] if isinstance(n, ast.ImportFrom) and not n.level else []
            for m in (m.split(".")[0] for m in names if m.split(".")[0] not in sys.stdlib_module_names):
                users.setdefault(m, set()).add(f.name)
        doc = (ast.get_docstring(tree) or "").split("\n")[0]
        lines.append(f"  {f.name:18s} {len(text.splitlines()):5d} lines  {doc}")
    lines.append(f"  total {sum(len(f.read_text().splitlines()) for f in files)} lines in {len(files)} modules; "
                 f"sha256 of the sources {digest.hexdigest()[:16]}")
    for m in sorted(users):
        dist = {"z3": "z3-solver", "flint": "python-flint"}.get(m, m)
        try:
            version = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            version = "not installed"
        lines.append(f"{dist} {version} (imported by {', '.join(sorted(users[m]))}): {_ROLES.get(m, 'see the modules')}")
    print("\n".join(lines))
    return 0


def _tool(name):
    """Return the builder-side command `name` (plot, report, export) of certify/tools.py, imported by name only
    when it runs: check, show and stats load nothing but the kernel."""
    def run(args):
        return getattr(importlib.import_module("certify.tools"), f"cmd_{name}")(args)
    return run


def _more_arguments(parsers) -> None:
    """Add the options of plot, report and export."""
    e = parsers["export"]
    e.add_argument("--onnx", metavar="FILE", help="write the network as ONNX (Gemm/Relu)")
    e.add_argument("--dtype", choices=["float64", "float32"], default="float64", help="ONNX weight type (default float64)")
    e.add_argument("--vnnlib", metavar="FILE", help="write the grid claim as one VNN-LIB file (all points)")
    e.add_argument("--vnnlib-dir", metavar="DIR", help="write one VNN-LIB file per point (and instances.csv with --onnx)")
    e.add_argument("--margin", default="1/1000000", help="slack added to eps in VNN-LIB (default 1/1000000)")
    e.add_argument("--vnnlib-max-points", type=int, default=10**4, metavar="N", help="refuse larger domains")
    e.add_argument("--force", action="store_true", help="export even if the kernel does not verify the certificate")
    parsers["plot"].add_argument("-o", "--out", default=".", metavar="DIR", help="folder for the PNG files (default .)")
    parsers["plot"].add_argument("--dpi", type=int, default=100, help="resolution of the PNG files (default 100)")
    parsers["report"].add_argument("-o", "--out", metavar="HTML", help="output file (default: FILE's name with .html)")
    parsers["report"].add_argument("--no-figures", action="store_true", help="leave the figures out")


def _parser() -> argparse.ArgumentParser:
    """Return the argument parser of the subcommands."""
    parser = argparse.ArgumentParser(prog="certify", description="Check certificates of ReLU-network constructions.")
    sub = parser.add_subparsers(dest="command", required=True)
    commands = {"check": (cmd_check, "verify every claim of certificates (files or directories)"),
                "show": (cmd_show, "print what a certificate claims, in the paper's terms"),
                "stats": (cmd_stats, "print the sizes of a certificate"),
                "plot": (_tool("plot"), "write PNG figures of a certificate (needs matplotlib)"),
                "report": (_tool("report"), "write a self-contained HTML report: claims, steps, figures, verdict"),
                "export": (_tool("export"), "export a verified network to ONNX and its grid claim to VNN-LIB"),
                "trust": (cmd_trust, "print the trusted base: what a verdict depends on")}
    for name, (func, help_text) in commands.items():
        p = sub.add_parser(name, help=help_text)
        p.set_defaults(func=func)
        if name == "check":
            p.add_argument("paths", nargs="+", metavar="FILE_OR_DIR")
            p.add_argument("--json", action="store_true", help="print a machine-readable report on stdout")
            p.add_argument("-q", "--quiet", action="store_true", help="print only failures")
            p.add_argument("--junit", metavar="XML", help="also write a JUnit XML report (one test case per claim)")
            p.add_argument("-j", "--jobs", type=int, metavar="N", help="processes (default: every core; small "
                           "checks stay in one process)")
            p.add_argument("--scheduler", metavar="tcp://HOST:PORT", help="check on this Dask cluster "
                           "(docs/distributed.md)")
            p.add_argument("--dask-local", type=int, metavar="N", help="check on a Dask LocalCluster of N workers")
        elif name != "trust":
            p.add_argument("file", metavar="FILE")
        p.add_argument("--debug", action="store_true", help="print tracebacks of internal errors")
        for key, flag in _LIMITS.items():
            default = getattr(Limits(), key)
            p.add_argument(flag, dest=key, type=type(default), metavar="N", help=f"limit (default {default})")
    _more_arguments(sub.choices)
    return parser


def main(argv=None) -> int:
    """Run the command line; return the exit code (0 verified, 1 false, 2 malformed, 3 internal error)."""
    args = _parser().parse_args(argv)
    try:
        return args.func(args)
    except Exception as e:
        print(f"internal error: {type(e).__name__}: {e}", file=sys.stderr)
        if args.debug:
            traceback.print_exc()
        return 3


if __name__ == "__main__":
    sys.exit(main())
