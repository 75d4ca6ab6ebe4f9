"""Shared setup: the repository's tasks, the `mirror` installed in this environment, and a
private scratch directory per test so cleanup can be checked."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mirror_inspect.mirror import find_mirror

REPO = Path(__file__).resolve().parents[3]
"""The repository root (integrations/inspect/tests/ is three levels down)."""


@pytest.fixture(autouse=True)
def tasks_and_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Runs each test in its own directory, with the repository's bundled tasks."""
    monkeypatch.setenv("MIRROR_TASKS_DIR", str(REPO / "tasks-wasm"))
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture(scope="session")
def mirror() -> Path:
    """The `mirror` binary these tests drive: the mirror-bin wheel's (or $MIRROR_BIN)."""
    path = find_mirror()
    assert os.access(path, os.X_OK)
    return path
