"""The oracle: `mirror serve` for one bundle, started and stopped with a sample."""

from __future__ import annotations

import asyncio
import json
import signal
import time
from pathlib import Path

LISTENING = "mirror serve: listening on"
"""The line `mirror serve` prints on stderr once it accepts connections."""

START_TIMEOUT = 120.0
"""Seconds the oracle may take to load its bundle (compiling modules on a cold cache)."""

STOP_TIMEOUT = 10.0
"""Seconds the oracle may take to exit after SIGTERM before it is killed."""


class OracleError(RuntimeError):
    """The oracle did not start."""


class Oracle:
    """A running `mirror serve`."""

    def __init__(self, process: asyncio.subprocess.Process, socket: Path, log: Path) -> None:
        self._process = process
        self.socket = socket
        """The Unix socket it answers on."""
        self.log = log
        """Its audit log: JSON lines, one per request."""

    @classmethod
    async def start(cls, mirror: Path, bundle: str, socket: Path, log: Path, stderr: Path) -> Oracle:
        """Starts `mirror serve BUNDLE` on `socket`, logging to `log`, its stderr to the file
        `stderr`; returns once it listens. The socket accepts any local user: the agent is
        another user, and the socket's directory is the only way to it."""
        with open(stderr, "wb") as err:
            process = await asyncio.create_subprocess_exec(
                str(mirror),
                "serve",
                bundle,
                "--socket",
                str(socket),
                "--socket-mode",
                "0666",
                "--log",
                str(log),
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.DEVNULL,
                stderr=err,
                start_new_session=True,
            )
        oracle = cls(process, socket, log)
        deadline = time.monotonic() + START_TIMEOUT
        while LISTENING not in stderr.read_text(errors="replace"):
            if process.returncode is not None or time.monotonic() > deadline:
                await oracle.stop()
                text = stderr.read_text(errors="replace").strip()
                raise OracleError(f"`mirror serve {bundle}` did not start: {text or 'no output'}")
            await asyncio.sleep(0.05)
        return oracle

    async def stop(self) -> None:
        """Stops the oracle (SIGTERM, then SIGKILL if it lingers) and waits for it."""
        if self._process.returncode is not None:
            return
        self._process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(self._process.wait(), STOP_TIMEOUT)
        except asyncio.TimeoutError:
            self._process.kill()
            await self._process.wait()


def read_audit_log(path: Path, limit: int = 1000) -> dict[str, object]:
    """The audit log at `path`: its request count and its first `limit` requests.

    A line that is not JSON is kept as text, so a damaged log still shows what it holds.
    """
    try:
        lines = path.read_text(errors="replace").splitlines()
    except FileNotFoundError:
        lines = []
    requests: list[object] = []
    for line in lines[:limit]:
        try:
            requests.append(json.loads(line))
        except json.JSONDecodeError:
            requests.append(line)
    return {"requests": len(lines), "entries": requests, "truncated": len(lines) > limit}
