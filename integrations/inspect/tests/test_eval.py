"""End to end: `inspect eval` of a Mirror task with inspect's mock model playing the agent."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from inspect_ai import eval as inspect_eval
from inspect_ai.log import EvalLog, EvalSample
from inspect_ai.model import ChatMessageTool, ModelOutput, get_model

from mirror_inspect import mirror_task
from mirror_inspect.demo import final, turn, writing

from conftest import REPO

PARTIAL = REPO / "examples" / "textstat-partial"
"""A Rust candidate written from textstat's docs; it passes 20 of the 42 hidden cases."""

PARTIAL_HIDDEN = (20, 42)


def run(tmp: Path, outputs: list[ModelOutput], **task_args: object) -> EvalSample:
    """Evaluates textstat with `outputs` as the model's turns; the one sample's log."""
    scratch = tmp / "scratch"
    scratch.mkdir(exist_ok=True)
    task = mirror_task(task="textstat", reports_dir=str(tmp / "reports"), scratch_dir=str(scratch), **task_args)
    model = get_model("mockllm/model", custom_outputs=outputs)
    [log] = inspect_eval(task, model=model, log_dir=str(tmp / "logs"), display="none")
    assert log.status == "success", log.error
    assert log.samples and len(log.samples) == 1
    assert list(scratch.iterdir()) == [], "cleanup removes every sample's private directory"
    return log.samples[0]


def processes_mentioning(text: str) -> list[str]:
    """Command lines of the running processes that contain `text`."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            line = cmdline.read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if text in line:
            found.append(line)
    return found


def tool_results(sample: EvalSample, function: str) -> list[ChatMessageTool]:
    return [m for m in sample.messages if isinstance(m, ChatMessageTool) and m.function == function]


def score(sample: EvalSample):
    assert sample.scores is not None
    return sample.scores["mirror_scorer"]


def test_scripted_agent_gets_the_known_candidates_hidden_pass_rate(tmp_path: Path, mirror: Path) -> None:
    # The candidate's known figures, from mirror itself.
    expected = subprocess.run(
        [str(mirror), "test", "textstat", "--candidate", str(PARTIAL), "--split", "hidden", "-q"],
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    assert expected.stdout.strip() == "textstat: 20 passed, 22 failed", expected.stderr

    sample = run(
        tmp_path,
        [
            turn("reference", args=["--freq=2"], stdin="b a b\n"),
            turn("reference", args=["--lines", "poem.txt"], fixtures=True),
            *writing(PARTIAL),
            turn("evaluate_testcases"),
            turn("submit"),
        ],
    )
    [freq, lines] = tool_results(sample, "reference")
    assert freq.error is None and "exit status: 0" in freq.text and "b" in freq.text, freq.text
    assert "exit status:" in lines.text, lines.text
    [evaluation] = tool_results(sample, "evaluate_testcases")
    assert evaluation.text.startswith("visible: 20 of 44 passed"), evaluation.text
    assert "FAIL visible/" in evaluation.text, "the first failures come with their diffs"

    value = score(sample)
    assert value.value == PARTIAL_HIDDEN[0] / PARTIAL_HIDDEN[1]
    metadata = value.metadata or {}
    assert metadata["solved"] is False
    assert metadata["splits"]["hidden"]["passed"] == 20 and metadata["splits"]["hidden"]["cases"] == 42
    assert metadata["splits"]["visible"]["passed"] == 20 and metadata["splits"]["visible"]["cases"] == 44
    report = json.loads(Path(metadata["report"]).read_text())
    assert report["digest"] == metadata["digest"]

    audit = sample.metadata["mirror_oracle_audit"]
    assert audit["requests"] >= 2, "each reference run is a request the oracle logged"


def test_agent_cannot_read_the_bundle_and_runs_unprivileged(tmp_path: Path) -> None:
    bundle = REPO / "tasks-wasm" / "textstat"
    probe = f"id -u; ls {bundle}/tests/hidden; cat {bundle}/reference.wasm | wc -c; ls /workspace"
    # A process left behind on purpose: cleanup must end it with the container.
    probe += "; setsid sleep 31337 >/dev/null 2>&1 < /dev/null &"
    sample = run(tmp_path, [turn("bash", command=probe), final()], submit="none")
    assert processes_mentioning("sleep 31337") == [], "nothing the agent started outlives the sample"
    assert processes_mentioning(str(tmp_path / "scratch")) == [], "the oracle is stopped"
    [result] = tool_results(sample, "bash")
    assert "65534" in result.text.splitlines(), result.text
    assert "No such file or directory" in result.text, result.text
    assert "tests" in result.text and "docs" in result.text, "the workspace is there"
    assert not (set(os.listdir(bundle / "tests" / "hidden")) & set(result.text.split())), "no hidden case shows"


def test_a_candidate_that_does_not_build_scores_zero_and_cannot_submit(tmp_path: Path) -> None:
    broken = 'fn main() { let x: u32 = "not a number"; }\n'
    sample = run(
        tmp_path,
        [
            turn("bash", command="mkdir -p src"),
            turn("text_editor", command="create", path="/workspace/Cargo.toml", file_text=(PARTIAL / "Cargo.toml").read_text()),
            turn("text_editor", command="create", path="/workspace/src/main.rs", file_text=broken),
            turn("evaluate_testcases"),
            turn("submit"),
        ]
        + [final()] * 3,
        message_limit=16,
    )
    [evaluation] = tool_results(sample, "evaluate_testcases")
    assert "visible: 0 of 44 passed" in evaluation.text and "did not build" in evaluation.text, evaluation.text
    assert "mismatched types" in evaluation.text, "the compiler's errors are shown"
    [submission] = tool_results(sample, "submit")
    assert submission.error is not None and "submission refused" in submission.error.message
    value = score(sample)
    assert value.value == 0.0
    assert (value.metadata or {})["build_failed"] is True


def test_malformed_tool_calls_are_errors_the_agent_sees(tmp_path: Path) -> None:
    sample = run(
        tmp_path,
        [
            turn("reference", args="--help"),
            turn("reference"),
            turn("reference", args=[], files={"../escape.txt": "x"}),
            turn("no_such_tool", x=1),
            turn("evaluate_testcases"),
            final(),
        ],
        submit="none",
    )
    results = tool_results(sample, "reference")
    assert len(results) == 3
    assert all(r.error is not None for r in results), [r.error for r in results]
    assert "relative path" in results[2].error.message
    [evaluation] = tool_results(sample, "evaluate_testcases")
    assert evaluation.error is not None, "an empty workspace has no program to test"
    assert score(sample).value == 0.0


def test_the_cli_runs_the_demo_through_the_entry_point(tmp_path: Path) -> None:
    command = [
        sys.executable,
        "-m",
        "inspect_ai",
        "eval",
        "mirror_inspect/mirror_demo",
        "-T",
        f"candidate={PARTIAL}",
        "-T",
        f"reports_dir={tmp_path / 'reports'}",
        "--log-dir",
        str(tmp_path / "logs"),
        "--log-format",
        "json",
        "--display",
        "none",
    ]
    result = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stderr + result.stdout
    [log_file] = (tmp_path / "logs").glob("*.json")
    log = EvalLog.model_validate_json(log_file.read_text())
    assert log.status == "success", log.error
    assert log.results is not None
    metrics = log.results.scores[0].metrics
    assert metrics["mean_pass_rate"].value == PARTIAL_HIDDEN[0] / PARTIAL_HIDDEN[1]
    assert metrics["solved_rate"].value == 0.0
