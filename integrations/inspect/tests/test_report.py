"""Reading mirror's reports: totals per split, and refusing what is not a report."""

from __future__ import annotations

import pytest

from mirror_inspect.report import ReportError, first_failures, parse

REPORT = """{"format": "mirror-report", "version": 2, "digest": "abc", "solved": false,
 "totals": {"visible": {"cases": 4, "passed": 1, "failed": 3, "verdicts": {"pass": 1, "wrong-output": 2, "time-limit": 1}},
            "hidden": {"cases": 0, "passed": 0, "failed": 0, "verdicts": {}},
            "all": {"cases": 4, "passed": 1, "failed": 3, "verdicts": {}}}}"""


def test_totals_per_split_and_their_description() -> None:
    summary = parse(REPORT, "r.json")
    assert list(summary.splits) == ["visible"], "empty splits and the overall total are left out"
    visible = summary.counts("visible")
    assert visible.pass_rate == 0.25
    assert visible.describe("visible") == "visible: 1 of 4 passed (25.0%; time-limit 1, wrong-output 2)"
    assert summary.counts("hidden").pass_rate == 0.0
    assert not summary.build_failed and summary.digest == "abc"


@pytest.mark.parametrize(
    "text",
    ["", "[]", '{"format": "other"}', '{"format": "mirror-report", "totals": {"visible": {"cases": "x"}}}'],
)
def test_what_is_not_a_report_is_refused_with_its_name(text: str) -> None:
    with pytest.raises(ReportError, match="r.json"):
        parse(text, "r.json")


def test_first_failures_keep_whole_blocks_and_count_the_rest() -> None:
    terminal = "FAIL visible/a  (a)\n  -x\n  +y\n\nFAIL visible/b  (b)\n  -1\n\n visible: 0 of 2 passed\n"
    shown = first_failures(terminal, 1, 1000)
    assert shown.startswith("FAIL visible/a") and "FAIL visible/b" not in shown
    assert shown.endswith("[1 more failing cases not shown]")
    assert first_failures(terminal, 5, 10).startswith("FAIL visib") and "[... cut]" in first_failures(terminal, 5, 10)
