"""An offline demonstration: inspect's mock model plays an agent that runs the reference,
writes a given candidate into its workspace, tests it on the visible cases and submits.

`inspect eval mirror_inspect/mirror_demo -T candidate=examples/textstat-partial` runs the
whole loop (oracle, container, tools, scorer) with no model provider and no network.
"""

from __future__ import annotations

from pathlib import Path

from inspect_ai import Task, task, task_with
from inspect_ai.model import ModelOutput, ModelUsage, get_model

from .container import WORKSPACE
from .task import mirror_task

MODEL = "mockllm/model"


def turn(tool: str, **arguments: object) -> ModelOutput:
    """One scripted model turn calling `tool`. It carries its token usage, as the mock model
    would otherwise count tokens with an encoding it downloads."""
    output = ModelOutput.for_tool_call(MODEL, tool, arguments)
    output.usage = ModelUsage(input_tokens=1, output_tokens=1, total_tokens=2)
    return output


def final(text: str = "done") -> ModelOutput:
    """A scripted turn that calls no tool."""
    output = ModelOutput.from_content(MODEL, text)
    output.usage = ModelUsage(input_tokens=1, output_tokens=1, total_tokens=2)
    return output


def writing(candidate: Path) -> list[ModelOutput]:
    """Turns that recreate the source files of `candidate` (not its build output) in the
    workspace: `mkdir -p` for its directories, then `text_editor` for each file."""
    files = sorted(
        p for p in candidate.rglob("*") if p.is_file() and "target" not in p.relative_to(candidate).parts
    )
    if not files:
        raise ValueError(f"{candidate} holds no source files")
    directories = sorted({str(p.parent.relative_to(candidate)) for p in files} - {"."})
    turns = [turn("bash", command="mkdir -p " + " ".join(directories))] if directories else []
    for path in files:
        relative = path.relative_to(candidate).as_posix()
        turns.append(turn("text_editor", command="create", path=f"{WORKSPACE}/{relative}", file_text=path.read_text()))
    return turns


def script(candidate: Path) -> list[ModelOutput]:
    """The whole scripted agent: probe the reference, write `candidate`, evaluate, submit."""
    return [
        turn("reference", args=["--help"]),
        *writing(candidate),
        turn("evaluate_testcases"),
        turn("submit"),
    ]


@task
def mirror_demo(candidate: str, task: str = "textstat", reports_dir: str = "mirror-reports") -> Task:
    """`mirror_task` with the mock model scripted to submit the sources in `candidate`.

    Args:
      candidate: A directory of candidate sources (e.g. examples/textstat-partial).
      task: The Mirror task.
      reports_dir: Where the scorer keeps the JSON report.
    """
    directory = Path(candidate).resolve()
    if not directory.is_dir():
        raise ValueError(f"candidate {candidate} is not a directory")
    model = get_model(MODEL, custom_outputs=script(directory))
    return task_with(mirror_task(task=task, reports_dir=reports_dir), model=model)
