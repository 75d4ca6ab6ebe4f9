"""What inspect_ai loads through the `inspect_ai` entry point: importing the package
registers its tasks, tools, scorer, metrics and the `mirror` sandbox environment."""

from . import (  # noqa: F401
    evaluate_testcases,
    gated_submit,
    mirror_scorer,
    mirror_task,
    reference,
)
from .demo import mirror_demo  # noqa: F401
from .sandbox import MirrorSandboxEnvironment  # noqa: F401
