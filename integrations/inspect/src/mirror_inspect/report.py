"""Reading what `mirror test` says: its JSON report (`--json`) and its terminal output."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass


class ReportError(ValueError):
    """A report that is not a mirror report."""


@dataclass(frozen=True)
class Counts:
    """One split's totals."""

    cases: int
    passed: int
    verdicts: dict[str, int]

    @property
    def pass_rate(self) -> float:
        """The share of cases that passed; 0 when there are none."""
        return self.passed / self.cases if self.cases else 0.0

    def describe(self, split: str) -> str:
        """`visible: 20 of 44 passed (45.5%; wrong-output 24)`."""
        failing = ", ".join(f"{name} {n}" for name, n in sorted(self.verdicts.items()) if name != "pass" and n)
        detail = f"; {failing}" if failing else ""
        return f"{split}: {self.passed} of {self.cases} passed ({100 * self.pass_rate:.1f}%{detail})"


@dataclass(frozen=True)
class Summary:
    """What a scorer or an agent needs from a report."""

    splits: dict[str, Counts]
    solved: bool
    digest: str
    build_log: str | None

    @property
    def build_failed(self) -> bool:
        """Whether the candidate did not build (every case is a build error)."""
        return any(c.verdicts.get("build-error", 0) for c in self.splits.values())

    def counts(self, split: str) -> Counts:
        """The totals of `split` (empty when the run had none of it)."""
        return self.splits.get(split, Counts(0, 0, {}))

    def split_metadata(self) -> dict[str, dict[str, object]]:
        """Per-split totals as plain data, for score metadata."""
        return {split: asdict(counts) for split, counts in self.splits.items()}


def parse(text: str, name: str) -> Summary:
    """Reads the JSON report `text` (from the file `name`)."""
    try:
        report = json.loads(text)
    except json.JSONDecodeError as error:
        raise ReportError(f"{name} is not JSON: {error}") from error
    if not isinstance(report, dict) or report.get("format") != "mirror-report":
        raise ReportError(f"{name} is not a mirror report")
    try:
        splits = {
            split: Counts(int(t["cases"]), int(t["passed"]), {k: int(v) for k, v in t["verdicts"].items()})
            for split, t in report["totals"].items()
            if split != "all" and int(t["cases"]) > 0
        }
        return Summary(splits, bool(report["solved"]), str(report["digest"]), report.get("build_log"))
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise ReportError(f"{name} is not a readable mirror report: {error!r}") from error


def first_failures(terminal: str, count: int, max_chars: int) -> str:
    """The first `count` failure blocks (`FAIL ...` and its diff) of `mirror test`'s
    terminal output, cut at `max_chars`, with a note of how many were left out."""
    blocks = [block for block in terminal.split("\n\n") if block.lstrip().startswith("FAIL ")]
    shown = "\n\n".join(blocks[:count])
    if len(shown) > max_chars:
        shown = shown[:max_chars] + "\n[... cut]"
    if len(blocks) > count:
        shown += f"\n\n[{len(blocks) - count} more failing cases not shown]"
    return shown
