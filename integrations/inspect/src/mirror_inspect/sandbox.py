"""The `mirror` sandbox environment: one sample's oracle, workspace and agent container.

Sample setup starts `mirror serve` for the sample's bundle (as the evaluation's own user,
outside the container), makes the agent's workspace with `mirror workspace --oracle`, and
starts the agent's container (see `container`), which shows the workspace and the oracle's
socket but not the bundle. Every command the agent's tools run enters that container as an
unprivileged uid (65534 by default), while inspect's own tool machinery may still ask for
`user="root"`. The evaluation must run as root. Cleanup stops the container
and the oracle and removes everything setup made.
"""

from __future__ import annotations

import asyncio
import os
import pwd
import shlex
import shutil
import tempfile
from pathlib import Path
from typing import Any, Literal, Union, overload

from inspect_ai.util import (
    ExecResult,
    OutputLimitExceededError,
    SandboxEnvironment,
    SandboxEnvironmentConfigType,
    SandboxEnvironmentLimits,
    SandboxUserUnsupportedError,
    sandboxenv,
)
from pydantic import BaseModel
from typing_extensions import override

from .container import MIRROR_BIN_DIR, SYSTEM_PATH, WORKSPACE, Container, View
from .mirror import MirrorError, find_mirror
from .oracle import Oracle

BUNDLE_KEY = "mirror_bundle"
"""The sample metadata key naming the task bundle (a directory) the sample serves."""

NOBODY = 65534

SOCKET_BASE = "/tmp"
"""Where the oracles' socket directories go: a short path, as socket paths are limited."""


class MirrorSandboxConfig(BaseModel, frozen=True):
    """Settings of the `mirror` sandbox environment."""

    agent_uid: int = NOBODY
    """The uid the agent's commands run as."""
    network: bool = False
    """Whether the agent's container shares the host's network."""
    mirror: str | None = None
    """The `mirror` binary [default: $MIRROR_BIN, the mirror-bin wheel's, or PATH's]."""
    toolchain: list[str] | None = None
    """Host directories the agent may use read-only [default: the rustup and cargo homes]."""
    scratch_dir: str | None = None
    """Where each sample's private directory goes [default: the temporary directory]."""


@sandboxenv(name="mirror")
class MirrorSandboxEnvironment(SandboxEnvironment):
    """A sample's agent container, with the oracle and workspace it was set up with."""

    def __init__(
        self, root: Path, oracle_dir: Path, bundle: str, mirror: Path, oracle: Oracle, container: Container
    ) -> None:
        super().__init__()
        self.root = root
        """The sample's private directory on the host (readable by the evaluation only)."""
        self.oracle_dir = oracle_dir
        """The directory of the oracle's socket (shown to the agent)."""
        self.bundle = bundle
        """The task bundle the oracle serves and the scorer scores against."""
        self.mirror = mirror
        """The host's `mirror` binary."""
        self.oracle = oracle
        self.container = container
        self.env = _agent_env()
        """The environment every command starts with."""

    @property
    def workspace(self) -> Path:
        """The agent's workspace on the host (/workspace inside the container)."""
        return self.root / "workspace"

    @override
    @classmethod
    def config_deserialize(cls, config: dict[str, Any]) -> BaseModel:
        return MirrorSandboxConfig(**config)

    @override
    @classmethod
    async def sample_init(
        cls, task_name: str, config: SandboxEnvironmentConfigType | None, metadata: dict[str, str]
    ) -> dict[str, SandboxEnvironment]:
        settings = _settings(config)
        if os.geteuid() != 0:
            raise PermissionError(
                "the mirror sandbox needs root: it runs the agent as another user (uid "
                f"{settings.agent_uid}) in a container of its own; run the evaluation as root, e.g. in a container"
            )
        bundle = metadata.get(BUNDLE_KEY)
        if not bundle:
            raise ValueError(f"the mirror sandbox needs the sample metadata key {BUNDLE_KEY!r} (a task bundle)")
        mirror = find_mirror(settings.mirror)
        root = Path(tempfile.mkdtemp(prefix="mirror-inspect-", dir=settings.scratch_dir))
        # A socket's path must fit in 108 bytes, so its directory is short and apart.
        oracle_dir = Path(tempfile.mkdtemp(prefix="mirror-oracle-", dir=SOCKET_BASE))
        oracle = None
        try:
            os.chmod(root, 0o700)
            os.chmod(oracle_dir, 0o755)
            oracle = await Oracle.start(
                mirror, bundle, oracle_dir / "oracle.sock", root / "audit.jsonl", root / "serve.stderr"
            )
            await _run_host(
                [str(mirror), "workspace", bundle, str(root / "workspace"), "--oracle", str(oracle.socket)],
                "mirror workspace",
            )
            var_tmp = root / "var-tmp"
            var_tmp.mkdir()
            os.chmod(var_tmp, 0o1777)
            _chown_tree(root / "workspace", settings.agent_uid)
            profile = root / "profile"
            profile.write_text("".join(f"export {k}={shlex.quote(v)}\n" for k, v in _agent_env().items()))
            view = View(
                workspace=root / "workspace",
                var_tmp=var_tmp,
                oracle_dir=oracle_dir,
                mirror=mirror,
                profile=profile,
                toolchain=[Path(p) for p in (settings.toolchain if settings.toolchain is not None else _toolchain())],
                network=settings.network,
            )
            container = await Container.start(view, settings.agent_uid)
        except BaseException:
            if oracle is not None:
                await oracle.stop()
            shutil.rmtree(root, ignore_errors=True)
            shutil.rmtree(oracle_dir, ignore_errors=True)
            raise
        return {"default": cls(root, oracle_dir, bundle, mirror, oracle, container)}

    @override
    @classmethod
    async def sample_cleanup(
        cls,
        task_name: str,
        config: SandboxEnvironmentConfigType | None,
        environments: dict[str, SandboxEnvironment],
        interrupted: bool,
    ) -> None:
        for environment in environments.values():
            sandbox = environment.as_type(MirrorSandboxEnvironment)
            await sandbox.container.stop()
            await sandbox.oracle.stop()
            shutil.rmtree(sandbox.root, ignore_errors=True)
            shutil.rmtree(sandbox.oracle_dir, ignore_errors=True)

    @override
    async def exec(
        self,
        cmd: list[str],
        input: str | bytes | None = None,
        cwd: str | None = None,
        env: dict[str, str] | None = None,
        user: str | None = None,
        timeout: int | None = None,
        timeout_retry: bool = True,
        concurrency: bool = True,
    ) -> ExecResult[str]:
        result = await self.container.run(
            cmd,
            as_agent=self._as_agent(user),
            cwd=_inside(cwd),
            env={**self.env, **(env or {})},
            input=input.encode() if isinstance(input, str) else input,
            timeout=timeout,
        )
        limit = SandboxEnvironmentLimits.MAX_EXEC_OUTPUT_SIZE
        for stream in (result.stdout, result.stderr):
            if len(stream) > limit:
                raise OutputLimitExceededError(
                    limit_str=SandboxEnvironmentLimits.MAX_EXEC_OUTPUT_SIZE_STR,
                    truncated_output=stream[-limit:].decode(errors="replace"),
                )
        return ExecResult(
            success=result.returncode == 0,
            returncode=result.returncode,
            stdout=result.stdout.decode(errors="replace"),
            stderr=result.stderr.decode(errors="replace"),
        )

    @override
    async def write_file(self, file: str, contents: str | bytes) -> None:
        path = _inside(file)
        data = contents.encode() if isinstance(contents, str) else contents
        script = '[ -d "$1" ] && exit 21; mkdir -p -- "$(dirname -- "$1")" && cat > "$1" || exit 13'
        result = await self.container.run(["/bin/sh", "-c", script, "sh", path], env=self.env, input=data)
        _raise_for_file(result.returncode, path, result.stderr)

    @overload
    async def read_file(self, file: str, text: Literal[True] = True) -> str: ...

    @overload
    async def read_file(self, file: str, text: Literal[False]) -> bytes: ...

    @override
    async def read_file(self, file: str, text: bool = True) -> Union[str, bytes]:
        path = _inside(file)
        script = '[ -d "$1" ] && exit 21; [ -e "$1" ] || exit 2; [ -r "$1" ] || exit 13; exec cat -- "$1"'
        result = await self.container.run(["/bin/sh", "-c", script, "sh", path], env=self.env)
        _raise_for_file(result.returncode, path, result.stderr)
        if len(result.stdout) > SandboxEnvironmentLimits.MAX_READ_FILE_SIZE:
            raise OutputLimitExceededError(
                limit_str=SandboxEnvironmentLimits.MAX_READ_FILE_SIZE_STR, truncated_output=None
            )
        return result.stdout.decode() if text else result.stdout

    def _as_agent(self, user: str | None) -> bool:
        """Whether a command for `user` runs as the agent (else as root)."""
        uid = None if user is None else _uid_of(user)
        if user is None or uid == self.container.agent_uid:
            return True
        if uid == 0:
            return False
        raise SandboxUserUnsupportedError(f"the mirror sandbox runs commands as the agent or as root, not {user!r}")


def _settings(config: SandboxEnvironmentConfigType | None) -> MirrorSandboxConfig:
    if config is None:
        return MirrorSandboxConfig()
    if isinstance(config, MirrorSandboxConfig):
        return config
    raise ValueError(f"the mirror sandbox takes a MirrorSandboxConfig, not {config!r}")


def _agent_env() -> dict[str, str]:
    """What the agent's commands see: mirror and the toolchain on PATH, all state in /tmp."""
    cargo_bin = _cargo_home() / "bin"
    return {
        "PATH": f"{MIRROR_BIN_DIR}:{cargo_bin}:{SYSTEM_PATH}",
        "HOME": "/tmp",
        "TMPDIR": "/tmp",
        "LANG": "C.UTF-8",
        "RUSTUP_HOME": str(_rustup_home()),
        "CARGO_HOME": "/tmp/cargo",
        "MIRROR_CACHE_DIR": "/tmp/mirror-cache",
    }


def _cargo_home() -> Path:
    return Path(os.environ.get("CARGO_HOME") or Path.home() / ".cargo")


def _rustup_home() -> Path:
    return Path(os.environ.get("RUSTUP_HOME") or Path.home() / ".rustup")


def _toolchain() -> list[str]:
    """The host's Rust toolchain: rustup's home and cargo's (its proxies and crate cache)."""
    return [str(path.resolve()) for path in (_rustup_home(), _cargo_home()) if path.is_dir()]


def _inside(path: str | None) -> str:
    """A path inside the container; relative ones are relative to the workspace."""
    if path is None:
        return WORKSPACE
    return path if path.startswith("/") else f"{WORKSPACE}/{path}"


def _uid_of(user: str) -> int | None:
    if user.isdecimal():
        return int(user)
    try:
        return pwd.getpwnam(user).pw_uid
    except KeyError:
        return None


def _raise_for_file(status: int, path: str, stderr: bytes) -> None:
    message = stderr.decode(errors="replace").strip()
    if status == 0:
        return
    if status == 2:
        raise FileNotFoundError(f"{path}: no such file")
    if status == 21:
        raise IsADirectoryError(f"{path} is a directory")
    raise PermissionError(f"{path}: {message or 'permission denied'}")


def _chown_tree(root: Path, uid: int) -> None:
    os.chown(root, uid, uid)
    for directory, dirs, files in os.walk(root):
        for name in dirs + files:
            os.chown(os.path.join(directory, name), uid, uid, follow_symlinks=False)


async def _run_host(argv: list[str], what: str) -> None:
    """Runs one of mirror's own commands on the evaluation's side; raises with its stderr."""
    process = await asyncio.create_subprocess_exec(
        *argv, stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    _, stderr = await process.communicate()
    if process.returncode != 0:
        raise MirrorError(f"{what} failed (exit {process.returncode}): {stderr.decode(errors='replace').strip()}")
