"""The verdict: one result per checked claim; the first failure decides the exit code."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Result:
    """One checked claim: `code` is 0 (holds), 1 (false) or 2 (malformed input or refused limit)."""
    name: str
    ok: bool
    message: str
    code: int = 0


def claim(name, holds, message) -> Result:
    """Return a result that holds iff `holds` (code 1 if not); `message` describes it either way."""
    return Result(name, bool(holds), message, 0 if holds else 1)


@dataclass(frozen=True)
class Report:
    """All results of checking one certificate, in order; `info` says how it was evaluated."""
    results: list
    info: dict = field(default_factory=dict)

    @property
    def first_failure(self) -> str | None:
        """Return the message of the first failed result, or None."""
        return next((r.message for r in self.results if not r.ok), None)

    @property
    def exit_code(self) -> int:
        """Return 0 if verified, else the code of the first failure (1 false claim, 2 malformed)."""
        return next((r.code for r in self.results if not r.ok), 0 if self.results else 2)

    @property
    def ok(self) -> bool:
        """Return whether every claim was verified."""
        return self.exit_code == 0
