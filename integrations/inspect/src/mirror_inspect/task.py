"""The task factory: one sample per Mirror task, an agent with Mirror's tools, the scorer."""

from __future__ import annotations

from inspect_ai import Task, task
from inspect_ai.agent import AgentSubmit, react
from inspect_ai.dataset import MemoryDataset, Sample
from inspect_ai.tool import bash, text_editor
from inspect_ai.util import SandboxEnvironmentSpec

from .container import WORKSPACE
from .mirror import TaskInfo, find_mirror, show
from .sandbox import BUNDLE_KEY, MirrorSandboxConfig
from .scorer import mirror_scorer
from .tools import DEFAULT_THRESHOLD, evaluate_testcases, gated_submit, reference

LANGUAGES = {
    "rust": "a Cargo package in {ws} (Cargo.toml, src/main.rs) with a binary named `{program}`; "
    "it is built with `cargo build --release --target wasm32-wasip1`, with no network, so use only the standard library",
    "go": "a Go module in {ws} (go.mod, main.go); it is built with `GOOS=wasip1 GOARCH=wasm go build`",
    "c": "C sources in {ws} (a Makefile, or .c files); they are built with clang for wasm32-wasi against wasi-libc",
}
"""Where the agent's code goes and how Mirror builds it, by language."""


@task
def mirror_task(
    task: str | list[str] = "textstat",
    language: str = "rust",
    submit: str = "gated",
    submit_threshold: float = DEFAULT_THRESHOLD,
    agent_uid: int = MirrorSandboxConfig().agent_uid,
    network: bool = False,
    reports_dir: str = "mirror-reports",
    mirror: str | None = None,
    scratch_dir: str | None = None,
    message_limit: int | None = 200,
) -> Task:
    """A MirrorCode-style reimplementation task for each Mirror task named.

    Args:
      task: Mirror task names (under tasks-wasm/ or $MIRROR_TASKS_DIR) or bundle directories;
        a list, or one string with names separated by commas. One sample each.
      language: The language the agent writes in: rust, go or c.
      submit: "gated" (accepted once the visible pass rate reaches submit_threshold),
        "plain" (inspect's own submit) or "none" (the agent stops when it stops calling tools).
      submit_threshold: The visible pass rate a gated submission needs.
      agent_uid: The uid the agent's commands run as (the evaluation runs as root).
      network: Whether the agent's container shares the host's network.
      reports_dir: Where the scorer keeps each sample's JSON report.
      mirror: The `mirror` binary [default: $MIRROR_BIN, the mirror-bin wheel's, or PATH's].
      scratch_dir: Where each sample's private directory goes [default: the temporary directory].
      message_limit: The most messages a sample's conversation may hold.
    """
    if language not in LANGUAGES:
        raise ValueError(f"language {language!r} is not one of {', '.join(LANGUAGES)}")
    if submit not in ("gated", "plain", "none"):
        raise ValueError(f"submit {submit!r} is not gated, plain or none")
    binary = find_mirror(mirror)
    names = [t.strip() for t in task.split(",")] if isinstance(task, str) else list(task)
    samples = [_sample(show(binary, name), language) for name in names if name]
    if not samples:
        raise ValueError("no Mirror task named")
    tools = [bash(timeout=600), text_editor(), reference(), evaluate_testcases()]
    if submit == "gated":
        solver = react(tools=tools, submit=AgentSubmit(tool=gated_submit(submit_threshold)))
    else:
        solver = react(tools=tools, submit=submit == "plain")
    config = MirrorSandboxConfig(agent_uid=agent_uid, network=network, mirror=str(binary), scratch_dir=scratch_dir)
    return Task(
        dataset=MemoryDataset(samples, name="mirror"),
        solver=solver,
        scorer=mirror_scorer(reports_dir=reports_dir),
        sandbox=SandboxEnvironmentSpec("mirror", config),
        message_limit=message_limit,
    )


def _sample(info: TaskInfo, language: str) -> Sample:
    return Sample(
        id=info.name,
        input=prompt(info, language),
        metadata={
            BUNDLE_KEY: str(info.directory),
            "program": info.program,
            "language": language,
            "visible_cases": info.visible,
            "hidden_cases": info.hidden,
        },
    )


def prompt(info: TaskInfo, language: str) -> str:
    """What the agent is asked to do, in the terms of MirrorCode's prompt."""
    program = info.program
    where = LANGUAGES[language].format(ws=WORKSPACE, program=program)
    about = f" ({info.description})" if info.description else ""
    return f"""\
Your task is to reimplement the program `{program}`{about} from its documentation and a \
runnable reference, so that your program behaves exactly like it: the same stdout, the same \
stderr, the same exit status and the same written files, byte for byte, for every command line.

Your workspace is {WORKSPACE}:
- {WORKSPACE}/docs/ documents the program; read it first.
- {WORKSPACE}/tests/visible/ holds {info.visible} visible test cases: each `<id>.toml` is a command \
line with its stdin and input files, and `<id>.golden.toml` is exactly what `{program}` did.
- {WORKSPACE}/fixtures/ holds the input files those cases use.

You cannot read the reference, but you can run it as often as you like with the `reference` tool \
(or `mirror exec {WORKSPACE} -- ARGS` and `mirror sh {WORKSPACE} 'LINE'` in bash).

Write your program as {where}. The `evaluate_testcases` tool builds it and runs it against the \
visible cases, showing how many pass and the first differences (in bash: \
`mirror test {WORKSPACE} --candidate {WORKSPACE}`).

Your program is scored on {info.hidden} hidden test cases: duals of the visible ones that \
exercise the same features on other inputs, so a program that hard-codes the visible outputs \
fails them. Implement the behaviour the documentation and the reference show, not the visible \
cases. When you are done, call `submit`.
"""
