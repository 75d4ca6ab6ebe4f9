"""The scorer: the agent's workspace scored on every case of the bundle with `mirror test`.

It runs on the evaluation's side, after the agent has finished, against the bundle the
oracle serves. Building the candidate is `mirror test`'s own job and follows its rules for
untrusted source (confined where bubblewrap works). The oracle's audit log is attached to
the sample's metadata here, as the scorer is the last step that sees the sample's sandbox.
"""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

from inspect_ai.scorer import Metric, SampleScore, Score, Scorer, Target, metric, scorer
from inspect_ai.solver import TaskState
from inspect_ai.util import sandbox

from .oracle import read_audit_log
from .report import ReportError, parse
from .sandbox import MirrorSandboxEnvironment

AUDIT_KEY = "mirror_oracle_audit"
"""The sample metadata key holding the oracle's audit log."""


@metric
def solved_rate() -> Metric:
    """The share of samples whose candidate passes every hidden case."""

    def compute(scores: list[SampleScore]) -> float:
        solved = [bool((s.score.metadata or {}).get("solved")) for s in scores]
        return sum(solved) / len(solved) if solved else 0.0

    return compute


@metric
def mean_pass_rate() -> Metric:
    """The mean hidden pass rate over samples."""

    def compute(scores: list[SampleScore]) -> float:
        values = [s.score.as_float() for s in scores]
        return sum(values) / len(values) if values else 0.0

    return compute


@scorer(metrics=[solved_rate(), mean_pass_rate()])
def mirror_scorer(reports_dir: str = "mirror-reports") -> Scorer:
    """Scores the workspace's candidate on every case; the value is the hidden pass rate.

    Args:
      reports_dir: Where each sample's JSON report is kept (created if missing).
    """

    async def score(state: TaskState, target: Target) -> Score:
        box = sandbox().as_type(MirrorSandboxEnvironment)
        state.metadata[AUDIT_KEY] = read_audit_log(box.oracle.log)
        directory = Path(reports_dir).resolve()
        directory.mkdir(parents=True, exist_ok=True)
        report = directory / f"{state.sample_id}-epoch{state.epoch}-{uuid.uuid4().hex[:8]}.json"
        argv = [str(box.mirror), "test", box.bundle, "--candidate", str(box.workspace)]
        argv += ["--json", str(report), "-q", "--color", "never"]
        process = await asyncio.create_subprocess_exec(
            *argv, stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
        )
        stdout, stderr = await process.communicate()
        output = (stderr or stdout).decode(errors="replace").strip()
        if process.returncode not in (0, 1) or not report.is_file():
            # mirror refused the candidate (e.g. no program in the workspace): nothing passes.
            return Score(
                value=0.0,
                explanation=f"mirror test exited {process.returncode}: {output}",
                metadata={"solved": False, "error": output, "report": None},
            )
        try:
            summary = parse(report.read_text(), str(report))
        except ReportError as error:
            return Score(value=0.0, explanation=str(error), metadata={"solved": False, "error": str(error)})
        hidden = summary.counts("hidden")
        explanation = "; ".join(summary.counts(split).describe(split) for split in ("visible", "hidden"))
        if summary.build_failed:
            explanation = "the candidate did not build; " + explanation
        return Score(
            value=hidden.pass_rate,
            explanation=explanation,
            metadata={
                "solved": summary.solved,
                "splits": summary.split_metadata(),
                "digest": summary.digest,
                "report": str(report),
                "build_failed": summary.build_failed,
            },
        )

    return score
