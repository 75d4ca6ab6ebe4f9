"""Mirror for Inspect: MirrorCode-style reimplementation tasks scored by Mirror.

`mirror_task` makes the task (one sample per Mirror task); `reference`,
`evaluate_testcases` and `gated_submit` are the agent's tools beside inspect's `bash` and
`text_editor`; `mirror_scorer` scores the workspace on every case; the `mirror` sandbox
environment runs each sample's oracle and the agent's container.
"""

from .sandbox import MirrorSandboxConfig, MirrorSandboxEnvironment
from .scorer import mean_pass_rate, mirror_scorer, solved_rate
from .task import mirror_task
from .tools import evaluate_testcases, gated_submit, reference

__all__ = [
    "MirrorSandboxConfig",
    "MirrorSandboxEnvironment",
    "evaluate_testcases",
    "gated_submit",
    "mean_pass_rate",
    "mirror_scorer",
    "mirror_task",
    "reference",
    "solved_rate",
]
