"""Test clients and waiting helpers: wait on conditions with timeouts, never on sleeps."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from client.connection import HubLink, LinkStatus, Refused, new_id
from server.hub import Hub
from server.store.sqlite import SQLiteStore
from shared.commands import PROTOCOL_VERSION, AnyCommand, CreateSession, Hello
from shared.events import Ack, Error, Logged, ServerMessage, Welcome
from shared.reduce import reduce
from shared.state import SessionState


def fast_delays() -> itertools.repeat[float]:
    return itertools.repeat(0.05)


@dataclass
class RunningHub:
    hub: Hub
    store: SQLiteStore
    uri: str
    db: Path


class Changed:
    """Something that can be awaited until a condition over it holds."""

    def __init__(self) -> None:
        self._cond = asyncio.Condition()

    async def notify(self) -> None:
        async with self._cond:
            self._cond.notify_all()

    async def until(self, predicate: Callable[[], bool], timeout: float = 5.0) -> None:
        async with asyncio.timeout(timeout):
            async with self._cond:
                await self._cond.wait_for(predicate)


@dataclass
class Client:
    """A real HubLink that records every frame and keeps a reduced state, like an app does."""

    link: HubLink
    frames: list[ServerMessage] = field(default_factory=list)
    state: SessionState = field(default_factory=SessionState)
    status: LinkStatus = "connecting"
    refused: Error | None = None
    changed: Changed = field(default_factory=Changed)
    task: asyncio.Task[None] | None = None

    def _on_message(self, frame: ServerMessage) -> None:
        self.frames.append(frame)
        if isinstance(frame, Welcome) and frame.reset:
            self.state = SessionState()
        if isinstance(frame, Logged):
            self.state = reduce(self.state, frame.event)
        self._poke()

    def _on_status(self, status: LinkStatus, detail: str) -> None:
        self.status = status
        self._poke()

    def _poke(self) -> None:
        asyncio.get_running_loop().create_task(self.changed.notify())

    async def _run(self) -> None:
        try:
            await self.link.run(self._on_message, self._on_status)
        except Refused as refused:
            self.refused = refused.error
            self._poke()

    def start(self) -> Client:
        self.task = asyncio.get_running_loop().create_task(self._run())
        return self

    async def until(self, predicate: Callable[[], bool], timeout: float = 5.0) -> None:
        await self.changed.until(predicate, timeout)

    async def joined(self) -> Client:
        await self.until(lambda: self.link.welcome is not None or self.refused is not None)
        return self

    @property
    def events(self) -> list[object]:
        return [f.event for f in self.frames if isinstance(f, Logged)]

    @property
    def seqs(self) -> list[int]:
        return [f.seq for f in self.frames if isinstance(f, Logged)]

    async def do(self, command: AnyCommand, timeout: float = 5.0) -> Ack | Error:
        """Send a command and wait for its ack or error."""
        await self.link.send(command)

        def answered() -> bool:
            return any(
                isinstance(f, Ack | Error) and getattr(f, "command", None) == command.id
                for f in self.frames
            )

        await self.until(answered, timeout)
        return next(
            f
            for f in self.frames
            if isinstance(f, Ack | Error) and getattr(f, "command", None) == command.id
        )

    async def stop(self) -> None:
        await self.link.close()
        if self.task is not None:
            await asyncio.wait_for(self.task, 5)


async def facilitator(uri: str, template: str = "relapse-prevention", **kw: object) -> Client:
    handshake = CreateSession(protocol=PROTOCOL_VERSION, template=template, **kw)  # type: ignore[arg-type]
    return await Client(HubLink(uri, handshake, reconnect_delays=fast_delays)).start().joined()


async def participant(uri: str, code: str, name: str) -> Client:
    hello = Hello(protocol=PROTOCOL_VERSION, role="participant", code=code, name=name)
    return await Client(HubLink(uri, hello, reconnect_delays=fast_delays)).start().joined()


__all__ = ["Client", "RunningHub", "facilitator", "fast_delays", "new_id", "participant"]
