"""The agent's container: a bubblewrap view of the host that holds no task bundle.

One long-lived `bwrap` process per sample owns a mount, PID, IPC and UTS namespace (and a
network namespace unless the network is allowed). Its filesystem is the host's system
directories read-only, the toolchain read-only, the workspace read-write at `/workspace`,
private `/tmp` and `/var/tmp`, the oracle's socket directory and the `mirror` binary at
`/opt/mirror/bin/mirror`. Nothing else of the host, so no bundle, repository or score
report, is there to read. Every command enters those namespaces with `nsenter`, and the
agent's commands run as an unprivileged uid (`setpriv`). It takes root: bubblewrap run by
another user nests the namespaces in a user namespace that `nsenter` cannot re-enter.
Stopping the container kills its PID namespace, so nothing the agent started outlives it.

This module knows nothing of inspect_ai: the sandbox environment drives it.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
from dataclasses import dataclass, field
from pathlib import Path

WORKSPACE = "/workspace"
"""Where the agent's workspace appears inside the container."""

MIRROR_BIN_DIR = "/opt/mirror/bin"
"""Where the `mirror` binary appears inside the container."""

SYSTEM_PATH = "/usr/local/bin:/usr/bin:/bin"
"""The system part of the agent's PATH."""

# System directories that merged-/usr hosts have as symlinks into /usr.
_TOP_LEVEL = ("bin", "sbin", "lib", "lib32", "lib64", "libx32")


class ContainerError(RuntimeError):
    """The container could not be started or entered."""


@dataclass
class View:
    """What the agent's container shows of the host."""

    workspace: Path
    """Host directory shown read-write at /workspace."""
    var_tmp: Path
    """Host directory shown read-write at /var/tmp (persists across commands)."""
    oracle_dir: Path
    """Host directory holding the oracle's socket, shown at the same path."""
    mirror: Path
    """The host's `mirror` binary, shown at /opt/mirror/bin/mirror."""
    profile: Path
    """A file shown as /etc/profile: the environment a login shell gets."""
    toolchain: list[Path] = field(default_factory=list)
    """Host directories shown read-only at the same paths (e.g. rustup and cargo homes)."""
    network: bool = False
    """Whether the container shares the host's network."""


@dataclass
class Result:
    """A finished command: its status and output bytes."""

    returncode: int
    stdout: bytes
    stderr: bytes


def bwrap_arguments(view: View) -> list[str]:
    """The `bwrap` options that build `view` (without the command to run)."""
    args = ["--die-with-parent", "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try"]
    if not view.network:
        args.append("--unshare-net")
    args += ["--ro-bind", "/usr", "/usr"]
    for name in _TOP_LEVEL:
        host = Path("/") / name
        if host.is_symlink():
            args += ["--symlink", os.readlink(host), str(host)]
        elif host.is_dir():
            args += ["--ro-bind", str(host), str(host)]
    args += ["--ro-bind", "/etc", "/etc", "--ro-bind", str(view.profile), "/etc/profile"]
    args += ["--proc", "/proc", "--dev", "/dev"]
    args += ["--perms", "1777", "--tmpfs", "/tmp"]
    binds = [
        ("--bind", view.var_tmp, Path("/var/tmp")),
        ("--bind", view.workspace, Path(WORKSPACE)),
        ("--bind", view.oracle_dir, view.oracle_dir),
        ("--ro-bind", view.mirror, Path(MIRROR_BIN_DIR) / "mirror"),
        *(("--ro-bind", path, path) for path in view.toolchain),
    ]
    for option, source, target in binds:
        args += [*_parents(target), option, str(source), str(target)]
    args += ["--chdir", WORKSPACE]
    return args


def _parents(path: Path) -> list[str]:
    """Options that create `path`'s parents traversable by the agent: bwrap would otherwise
    give them the host's modes (/root is 0700) or its own."""
    args = []
    for parent in reversed(path.parents[:-1]):
        args += ["--perms", "0755", "--dir", str(parent)]
    return args


class Container:
    """A running container; commands enter it with :meth:`run`."""

    def __init__(self, process: asyncio.subprocess.Process, pid: int, agent_uid: int) -> None:
        self._process = process
        self._pid = pid
        self._agent_uid = agent_uid

    @property
    def agent_uid(self) -> int:
        """The uid the agent's commands run as."""
        return self._agent_uid

    @classmethod
    async def start(cls, view: View, agent_uid: int) -> Container:
        """Starts a container showing `view`; the agent's commands run as `agent_uid`.
        Needs root: entering the container's namespaces and switching uid do."""
        info_read, info_write = os.pipe()
        try:
            process = await asyncio.create_subprocess_exec(
                "bwrap",
                *bwrap_arguments(view),
                "--info-fd",
                str(info_write),
                "--",
                # The container lives until its standard input closes or it is killed.
                "/bin/sh",
                "-c",
                "read _",
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.DEVNULL,
                stderr=asyncio.subprocess.PIPE,
                pass_fds=(info_write,),
                start_new_session=True,
            )
        except FileNotFoundError as error:
            os.close(info_read)
            os.close(info_write)
            raise ContainerError("bwrap is not installed (apt-get install bubblewrap)") from error
        os.close(info_write)
        info = await asyncio.to_thread(_read_all, info_read)
        try:
            pid = int(json.loads(info)["child-pid"])
        except (ValueError, KeyError, TypeError):
            stderr = b""
            if process.stderr is not None:
                await process.wait()
                stderr = await process.stderr.read()
            raise ContainerError(f"bwrap did not start the container: {stderr.decode(errors='replace').strip()}")
        return cls(process, pid, agent_uid)

    async def run(
        self,
        argv: list[str],
        *,
        as_agent: bool = True,
        cwd: str = WORKSPACE,
        env: dict[str, str],
        input: bytes | None = None,
        timeout: float | None = None,
    ) -> Result:
        """Runs `argv` inside the container in `cwd` with exactly `env`, as the agent
        unless `as_agent` is false. Raises TimeoutError past `timeout` seconds."""
        if self._process.returncode is not None:
            raise ContainerError("the container has stopped")
        command = ["nsenter", "-t", str(self._pid), "-m", "-p", "-i", "-u", "-r", "-w", "--"]
        command += ["/usr/bin/env", "-i", *(f"{k}={v}" for k, v in env.items())]
        # nsenter opens --wd outside the container, so the shell changes directory inside.
        command += ["/bin/sh", "-c", 'cd "$1" || exit 126; shift; exec "$@"', "sh", cwd]
        if as_agent:
            uid = str(self._agent_uid)
            command += ["/usr/bin/setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--"]
        command += argv
        process = await asyncio.create_subprocess_exec(
            *command,
            stdin=asyncio.subprocess.PIPE if input is not None else asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            start_new_session=True,
        )
        try:
            stdout, stderr = await asyncio.wait_for(process.communicate(input), timeout)
        except (asyncio.TimeoutError, asyncio.CancelledError):
            _kill_group(process.pid)
            await process.wait()
            raise
        return Result(process.returncode or 0, stdout, stderr)

    async def stop(self) -> None:
        """Kills everything in the container and waits for it to go."""
        if self._process.returncode is None:
            _kill_group(self._process.pid)
            await self._process.wait()


def _kill_group(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _read_all(fd: int) -> bytes:
    chunks = []
    try:
        while chunk := os.read(fd, 65536):
            chunks.append(chunk)
            # bwrap writes one JSON object and keeps the descriptor open.
            if chunk.rstrip().endswith(b"}"):
                break
    finally:
        os.close(fd)
    return b"".join(chunks)
