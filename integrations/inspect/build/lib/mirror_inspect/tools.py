"""The agent's Mirror tools: run the reference, test against the visible cases, submit.

Each runs `mirror` inside the sample's sandbox, as the agent: the reference is reached only
through the oracle the workspace names, and the visible cases are the workspace's own.
"""

from __future__ import annotations

import posixpath
import uuid
from dataclasses import dataclass

from inspect_ai.tool import Tool, ToolError, tool
from inspect_ai.util import sandbox

from .container import WORKSPACE
from .report import Summary, first_failures, parse

DIFFS_SHOWN = 5
"""How many failing cases `evaluate_testcases` shows with their diffs."""

MAX_DIFF_CHARS = 6000
"""How much of those diffs it shows at most."""

MAX_OUTPUT_CHARS = 20000
"""How much of each of the reference's output streams `reference` shows at most."""

DEFAULT_THRESHOLD = 0.3
"""The visible pass rate a gated submission needs (MirrorCode's default)."""

TIMEOUT = 600
"""Seconds a tool's command may run (a cold build of a Rust candidate takes a while)."""


@tool
def reference() -> Tool:
    """The reference program, run through the sample's oracle."""

    async def execute(
        args: list[str],
        stdin: str = "",
        files: dict[str, str] | None = None,
        fixtures: bool = False,
    ) -> str:
        """Run the reference program (the one to reimplement) with command-line arguments.

        It runs in Mirror's sandbox, in a fresh directory holding only the files given.
        The result shows its exit status, stdout and stderr exactly.

        Args:
          args: The program's arguments (without the program name), e.g. ["--help"].
          stdin: Text for the program's standard input.
          files: Input files to put in its directory, by relative name: {"name.txt": "contents"}.
          fixtures: Also put the task's fixture files (the workspace's fixtures/) in its directory.

        Returns:
          The exit status, stdout and stderr of the run.
        """
        box = sandbox()
        staging = f"/tmp/mirror-reference-{uuid.uuid4().hex}"
        argv = ["mirror", "exec", WORKSPACE]
        if fixtures:
            argv.append("--fixtures")
        for name, contents in (files or {}).items():
            if not _is_relative_name(name):
                raise ToolError(f"file name {name!r} must be a relative path inside the program's directory")
            await box.write_file(f"{staging}/{name}", contents)
            argv += ["--file", f"{name}={staging}/{name}"]
        argv += ["--", *args]
        try:
            result = await box.exec(argv, input=stdin, timeout=TIMEOUT)
        finally:
            await box.exec(["rm", "-rf", "--", staging])
        return (
            f"exit status: {result.returncode}\n"
            f"--- stdout ---\n{_cut(result.stdout)}\n"
            f"--- stderr ---\n{_cut(result.stderr)}"
        )

    return execute


@tool
def evaluate_testcases() -> Tool:
    """The candidate in the workspace, tested against the visible cases."""

    async def execute() -> str:
        """Build the program in the workspace (/workspace) and run it against the visible test cases.

        Returns:
          How many visible cases pass, by verdict, and the first failing cases with diffs of
          what the program printed against what the reference printed (or the build errors).
        """
        run = await run_visible()
        return run.describe()

    return execute


@tool(name="submit")
def gated_submit(threshold: float = DEFAULT_THRESHOLD) -> Tool:
    """MirrorCode's submit: accepted once the visible pass rate reaches `threshold`."""

    async def execute() -> str:
        """Submit the program in the workspace as your final answer.

        The submission is accepted only when enough visible test cases pass; otherwise it is
        refused with the current results and you can keep working.

        Returns:
          Whether the submission was accepted, with the visible results.
        """
        run = await run_visible()
        visible = run.summary.counts("visible")
        if visible.pass_rate < threshold:
            raise ToolError(
                f"submission refused: {visible.describe('visible')}; at least {100 * threshold:.0f}% must pass.\n\n"
                + run.describe()
            )
        return f"submission accepted: {visible.describe('visible')}"

    return execute


@dataclass(frozen=True)
class VisibleRun:
    """One run of the workspace's candidate over the visible cases."""

    summary: Summary
    terminal: str

    def describe(self) -> str:
        """The summary, then the build log or the first diffs."""
        lines = [self.summary.counts("visible").describe("visible")]
        if self.summary.build_failed:
            lines.append("The program did not build:\n" + _cut(self.summary.build_log or "", MAX_DIFF_CHARS))
        else:
            diffs = first_failures(self.terminal, DIFFS_SHOWN, MAX_DIFF_CHARS)
            if diffs:
                lines.append(diffs)
        return "\n\n".join(lines)


async def run_visible() -> VisibleRun:
    """Runs `mirror test` on the workspace, as the agent would; raises ToolError when mirror
    refuses (e.g. no program written yet)."""
    box = sandbox()
    report = f"/tmp/mirror-evaluate-{uuid.uuid4().hex}.json"
    argv = ["mirror", "test", WORKSPACE, "--candidate", WORKSPACE, "--json", report, "--color", "never"]
    try:
        result = await box.exec(argv, timeout=TIMEOUT)
        if result.returncode not in (0, 1):
            raise ToolError((result.stderr or result.stdout).strip() or f"mirror test exited {result.returncode}")
        summary = parse(await box.read_file(report), report)
    finally:
        await box.exec(["rm", "-f", "--", report])
    return VisibleRun(summary, result.stdout)


def _is_relative_name(name: str) -> bool:
    normal = posixpath.normpath(name)
    return bool(name) and not name.startswith("/") and normal != "." and not normal.startswith("..")


def _cut(text: str, limit: int = MAX_OUTPUT_CHARS) -> str:
    if len(text) <= limit:
        return text
    return text[:limit] + f"\n[... {len(text) - limit} more characters]"
