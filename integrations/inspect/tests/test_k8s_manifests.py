"""The example Kubernetes manifests are valid against the Kubernetes API schema, and the
scoring Job's arguments are ones `mirror test` accepts."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import kubernetes_validate
import pytest
import yaml

from conftest import REPO

MANIFESTS = sorted((REPO / "integrations" / "k8s").glob("*.yaml"))


@pytest.mark.parametrize("manifest", MANIFESTS, ids=lambda p: p.name)
def test_manifest_is_valid_kubernetes(manifest: Path) -> None:
    for document in yaml.safe_load_all(manifest.read_text()):
        kubernetes_validate.validate(document, "1.30.0", strict=True)


def test_schema_check_catches_a_misspelt_field() -> None:
    job = yaml.safe_load((REPO / "integrations" / "k8s" / "score-job.yaml").read_text())
    job["spec"]["completionz"] = job["spec"].pop("completions")
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(job, "1.30.0", strict=True)


def test_the_scoring_job_runs_its_shard_of_the_completion_index(tmp_path: Path, mirror: Path) -> None:
    job = yaml.safe_load((REPO / "integrations" / "k8s" / "score-job.yaml").read_text())
    container = job["spec"]["template"]["spec"]["containers"][0]
    shards = job["spec"]["completions"]
    candidate = REPO / "tasks-wasm" / "textstat" / "candidates" / "imperfect.wasm"
    for index in range(shards):
        # What Kubernetes does: $(VAR) in args expands from the container's environment.
        args = [
            a.replace("$(JOB_COMPLETION_INDEX)", str(index))
            .replace("/input/candidate.wasm", str(candidate))
            .replace("/shards/", f"{tmp_path}/")
            for a in container["args"]
        ]
        result = subprocess.run(
            [str(mirror), *args], capture_output=True, text=True, env={**os.environ, "JOB_COMPLETION_INDEX": str(index)}
        )
        assert result.returncode == 0, result.stderr
    merge = yaml.safe_load((REPO / "integrations" / "k8s" / "merge-job.yaml").read_text())
    merge_args = merge["spec"]["template"]["spec"]["containers"][0]["args"]
    merged = [a.replace("/reports/shards", str(tmp_path)).replace("/reports/", f"{tmp_path}/merged-") for a in merge_args]
    result = subprocess.run([str(mirror), *merged], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "textstat: 53 passed, 33 failed", "every case once, as in the whole run"
