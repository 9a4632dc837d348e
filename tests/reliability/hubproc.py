"""A hub in its own process, so a test can SIGKILL or SIGTERM it and start it again."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import socket
import sys
from collections.abc import Sequence
from pathlib import Path

from server.store.sqlite import SQLiteLog
from tests.helpers import add_accounts

FAST_LIMITS = [
    "--commands-per-second", "100000", "--command-burst", "100000",
    "--share-batch-seconds", "0.05", "--share-batch-minimum", "1",
]  # fmt: skip


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class HubProcess:
    def __init__(self, proc: asyncio.subprocess.Process, port: int) -> None:
        self.proc = proc
        self.uri = f"ws://127.0.0.1:{port}"
        self.log: list[str] = []
        self._drain: asyncio.Task[None] | None = None

    @classmethod
    async def start(
        cls, db: Path, port: int, *extra: str, limits: Sequence[str] = FAST_LIMITS
    ) -> HubProcess:
        """Start a hub on ``db`` (with the test facilitator accounts in it)."""
        log = SQLiteLog(db)
        try:
            add_accounts(log)
        finally:
            log.close()
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "server", "--port", str(port), "--db", str(db),
            *limits, *extra,
            stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        hub = cls(proc, port)
        assert proc.stderr is not None
        async with asyncio.timeout(15):
            while not hub.log or "hub listening" not in hub.log[-1]:
                line = (await proc.stderr.readline()).decode()
                if not line:
                    raise RuntimeError("the hub exited:\n" + "".join(hub.log))
                hub.log.append(line)
        hub._drain = asyncio.create_task(hub._read_rest())
        return hub

    async def _read_rest(self) -> None:
        assert self.proc.stderr is not None
        async for line in self.proc.stderr:
            self.log.append(line.decode())

    async def kill(self) -> None:
        """SIGKILL: no cleanup, no close frames, whatever was in flight is cut."""
        self.proc.kill()
        await self.wait()

    async def terminate(self) -> int:
        self.proc.send_signal(signal.SIGTERM)
        return await self.wait()

    async def wait(self) -> int:
        code = await asyncio.wait_for(self.proc.wait(), 15)
        if self._drain is not None:
            await asyncio.wait_for(self._drain, 5)
        return code

    async def stop(self) -> None:
        if self.proc.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self.proc.kill()
            await self.wait()
