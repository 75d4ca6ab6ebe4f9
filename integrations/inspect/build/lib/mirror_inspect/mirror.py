"""The `mirror` command on the evaluation's side: finding it, and what `mirror show` says."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path


class MirrorError(RuntimeError):
    """`mirror` is missing or refused a request."""


def find_mirror(explicit: str | None = None) -> Path:
    """The `mirror` binary: `explicit`, else `$MIRROR_BIN`, else the one installed beside
    this Python (the mirror-bin wheel puts it there), else the first on PATH."""
    candidates = [explicit, os.environ.get("MIRROR_BIN")]
    candidates.append(str(Path(sys.executable).parent / "mirror"))
    candidates.append(shutil.which("mirror"))
    for candidate in candidates:
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return Path(candidate).resolve()
    if explicit:
        raise MirrorError(f"{explicit} is not an executable `mirror` binary")
    raise MirrorError("cannot find `mirror`: pip install the mirror-bin wheel, or set MIRROR_BIN")


@dataclass(frozen=True)
class TaskInfo:
    """What a Mirror task is, as `mirror show` tells it."""

    name: str
    directory: Path
    program: str
    description: str
    visible: int
    hidden: int


def show(mirror: Path, task: str) -> TaskInfo:
    """Describes `task` (a name under tasks-wasm/ or a bundle directory) via `mirror show`."""
    result = subprocess.run([str(mirror), "show", task], capture_output=True, text=True)
    if result.returncode != 0:
        raise MirrorError(f"mirror show {task}: {result.stderr.strip() or result.stdout.strip()}")
    fields: dict[str, str] = {}
    for line in result.stdout.splitlines():
        key, _, value = line.partition(":")
        fields.setdefault(key.strip(), value.strip())

    def count(split: str) -> int:
        return int(fields.get(split, "0").split()[0])

    try:
        return TaskInfo(
            name=fields["task"],
            directory=Path(fields["directory"]).resolve(),
            program=fields["program"],
            description=fields.get("description", ""),
            visible=count("visible"),
            hidden=count("hidden"),
        )
    except (KeyError, ValueError) as error:
        raise MirrorError(f"mirror show {task}: unexpected output ({error}):\n{result.stdout}") from error
