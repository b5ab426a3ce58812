"""pytest plugin: `pytest --certify proofs/` checks certificates as tests.

Registered through the `pytest11` entry point, so it is loaded by every pytest run, but it does
nothing unless `--certify` is given: then every `*.json` file under the paths on the command line
is a certificate, checked once by the kernel, and each checked claim (the kernel's results:
`format`, `depth`, `sup_error`, `steps[3].claims.values[0]`, ...) is one test item. A failing
item's text is the kernel's message: the counterexample (point, expected, got) for a false claim,
the field and the reason for a malformed certificate. `--certify-per-file` gives one item per
certificate instead. The verdict is the kernel's; nothing here evaluates a network.

    pytest --certify proofs/                      # one test per claim
    pytest --certify proofs/ --junitxml=out.xml   # the same as JUnit XML
    pytest --certify proofs/ -k sup_error         # only the sup-error claims
"""

from __future__ import annotations

import pytest

VERDICTS = {0: "VERIFIED", 1: "FALSE", 2: "MALFORMED", 3: "INTERNAL ERROR"}


def pytest_addoption(parser):
    group = parser.getgroup("certify", "certificates checked by the certify kernel")
    group.addoption("--certify", action="store_true", default=False,
                    help="collect every *.json file under the given paths as a certificate: "
                         "one test per checked claim (pytest --certify proofs/)")
    group.addoption("--certify-per-file", action="store_true", default=False,
                    help="with --certify: one test per certificate instead of one per claim")


def pytest_configure(config):
    config.addinivalue_line("markers", "certify: a certificate claim checked by the certify kernel")


def pytest_collect_file(file_path, parent):
    if parent.config.getoption("certify", default=False) and file_path.suffix == ".json":
        return CertificateFile.from_parent(parent, path=file_path)
    return None


class CertificateFailure(Exception):
    """A claim that the kernel did not verify; `code` is the kernel's exit code for it."""

    def __init__(self, message: str, code: int):
        super().__init__(message)
        self.message, self.code = message, code


def _kernel_report(path):
    """Return (report, None), or (None, text) when the kernel itself crashed (a bug, never a verdict)."""
    from certify.kernel import check
    try:
        return check(path), None
    except Exception as e:  # noqa: BLE001 - an internal error becomes a failing test, not a crash
        return None, f"internal error in the kernel: {type(e).__name__}: {e}"


class CertificateFile(pytest.File):
    """One certificate file: checked once by the kernel when collected; its items report the results."""

    def collect(self):
        report, crash = _kernel_report(self.path)
        if crash is not None:
            yield CertificateItem.from_parent(self, name="internal-error", failure=(crash, 3))
            return
        if self.config.getoption("certify_per_file"):
            failure = None if report.ok else (report.first_failure, report.exit_code)
            yield CertificateItem.from_parent(self, name="certificate", failure=failure,
                                              summary=f"{len(report.results)} checks")
            return
        seen: dict[str, int] = {}
        for result in report.results:
            name = result.name
            seen[name] = seen.get(name, 0) + 1
            if seen[name] > 1:
                name = f"{name}#{seen[name]}"
            failure = None if result.ok else (result.message, result.code)
            yield CertificateItem.from_parent(self, name=name, failure=failure, summary=result.message)


class CertificateItem(pytest.Item):
    """One checked claim (or a whole certificate with --certify-per-file)."""

    def __init__(self, *, failure=None, summary: str = "", **kwargs):
        super().__init__(**kwargs)
        self.failure, self.summary = failure, summary
        self.add_marker("certify")

    def runtest(self):
        if self.failure is not None:
            raise CertificateFailure(*self.failure)

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, CertificateFailure):
            e = excinfo.value
            return f"{VERDICTS.get(e.code, 'FAILED')} {self.path.name}: {e.message}"
        return super().repr_failure(excinfo, style)

    def reportinfo(self):
        return self.path, None, f"certificate {self.path.name}: {self.name}"
