"""Test clients and waiting helpers: wait on conditions with timeouts, never on sleeps."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from client.connection import HubLink, LinkStatus, Refused, new_id
from client.mirror import SessionMirror
from server.accounts import hash_password
from server.hub import Hub
from server.store.sqlite import SQLiteLog, SQLiteStore
from shared.commands import (
    PROTOCOL_VERSION,
    AnyCommand,
    CreateSession,
    Hello,
    Login,
    SubmitShare,
)
from shared.events import Ack, Error, Logged, ServerMessage
from shared.state import SessionState

LOGIN = Login(account="dana", password="correct horse battery")
"""The facilitator account every test hub has (see the ``hub`` fixture)."""
CO_LOGIN = Login(account="sam", password="staple battery horse")
"""A second account on every test hub, for co-facilitating."""


QUICK_BATCHES: dict[str, Any] = {
    "share_batch_seconds": 0.05,
    "share_batch_minimum": 1,
    "away_grace_seconds": 0,
    "head_count_seconds": 0,
}
"""Hub settings releasing each anonymous share within 50 ms, so tests need not wait for a batch
to fill, and recording a terminal that went as away at once; batching and the grace for short
absences have tests of their own (tests/hub/test_share_batches.py, test_short_absences.py)."""


def add_accounts(log: SQLiteLog) -> None:
    """The test facilitator accounts, at a low scrypt cost (the real one is 0.5 s a sign-in)."""
    for login in (LOGIN, CO_LOGIN):
        if log.password_hash(login.account) is None:
            log.add_facilitator(login.account, hash_password(login.password, cost=2**10), 0.0)


def accounts_store(path: Path) -> SQLiteStore:
    """A real store on ``path`` where the test facilitators can sign in."""
    store = SQLiteStore(path)
    add_accounts(store.log)
    return store


def fast_delays() -> Generator[float]:
    """Reconnect quickly in tests (the default first retry waits up to seconds)."""
    while True:
        yield 0.05


@dataclass
class RunningHub:
    hub: Hub
    store: SQLiteStore
    uri: str
    db: Path


WAIT = 15.0
"""How long a test waits for what it expects before failing. Generous: CI shares two cores
among parallel workers, and a wait ends as soon as its condition holds, so only a failure
takes this long."""


class Changed:
    """Something that can be awaited until a condition over it holds.

    ``notify`` is synchronous, so a callback can call it directly: no task per message that
    could be lost or outlive the test.
    """

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def notify(self) -> None:
        event, self._event = self._event, asyncio.Event()
        event.set()

    async def until(self, predicate: Callable[[], bool], timeout: float = WAIT) -> None:
        async with asyncio.timeout(timeout):
            while not predicate():
                await self._event.wait()


@dataclass
class Client:
    """A real HubLink that records every frame and keeps the state in a mirror, like an app.

    ``until`` waits on anything here (frames, status, a refusal), not just on the state.
    """

    link: HubLink
    frames: list[ServerMessage] = field(default_factory=list)
    """Every frame as the link delivered it, so tests can check what arrived and how often."""
    mirror: SessionMirror = field(default_factory=SessionMirror)
    status: LinkStatus = "connecting"
    refused: Error | None = None
    changed: Changed = field(default_factory=Changed)
    task: asyncio.Task[None] | None = None

    def _on_message(self, frame: ServerMessage) -> None:
        self.frames.append(frame)
        self.mirror.apply(frame)
        self._poke()

    def _on_status(self, status: LinkStatus, detail: str) -> None:
        self.status = status
        self._poke()

    def _poke(self) -> None:
        self.changed.notify()

    async def _run(self) -> None:
        try:
            await self.link.run(self._on_message, self._on_status)
        except Refused as refused:
            self.refused = refused.error
            self._poke()

    @property
    def state(self) -> SessionState:
        return self.mirror.state

    def start(self) -> Client:
        self.task = asyncio.get_running_loop().create_task(self._run())
        return self

    async def until(self, predicate: Callable[[], bool], timeout: float = WAIT) -> None:
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

    async def do(self, command: AnyCommand, timeout: float = WAIT) -> Ack | Error:
        """Send a command and wait for its ack or error (a new one, when an id is sent again)."""
        self.mirror.forget(command.id)
        await self.link.send(command)
        return await self.mirror.outcome(command.id, timeout)

    async def stop(self) -> None:
        await self.link.close()
        if self.task is not None:
            await asyncio.wait_for(self.task, 5)


async def facilitator(uri: str, template: str = "relapse-prevention", **kw: object) -> Client:
    kw.setdefault("login", LOGIN)
    handshake = CreateSession(protocol=PROTOCOL_VERSION, template=template, **kw)  # type: ignore[arg-type]
    return await Client(HubLink(uri, handshake, reconnect_delays=fast_delays)).start().joined()


async def participant(uri: str, code: str, name: str) -> Client:
    hello = Hello(protocol=PROTOCOL_VERSION, role="participant", code=code, name=name)
    return await Client(HubLink(uri, hello, reconnect_delays=fast_delays)).start().joined()


async def share(sharer: Client, fac: Client, text: str) -> None:
    """Share anonymously and wait until the facilitator has it (shares arrive in batches; one
    at a time, each is its own batch, so share numbers follow the order of the calls)."""
    reply = await sharer.do(SubmitShare(id=new_id(), text=text))
    assert isinstance(reply, Ack), reply
    await fac.until(lambda: any(s.text == text.strip() for s in fac.state.shares))


__all__ = [
    "CO_LOGIN",
    "LOGIN",
    "QUICK_BATCHES",
    "Client",
    "RunningHub",
    "accounts_store",
    "add_accounts",
    "facilitator",
    "fast_delays",
    "new_id",
    "participant",
    "share",
]
