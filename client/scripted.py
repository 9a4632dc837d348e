"""A scripted hub client for the headless demo, load generator and scripts: no Textual.

It keeps the same local state an app keeps (``reduce`` over the events it receives) and can
wait for a command's outcome, which is all a script needs.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from client.connection import DEFAULT_DELAYS, Delays, HubLink, LinkStatus, Refused
from shared.commands import PROTOCOL_VERSION, AnyCommand, CreateSession, Hello, Login
from shared.events import Ack, Error, Logged, ServerMessage, Welcome
from shared.reduce import reduce
from shared.state import SessionState


class ScriptedClient:
    def __init__(self, link: HubLink) -> None:
        self.link = link
        self.state = SessionState()
        self.status: LinkStatus = "connecting"
        self.refused: Error | None = None
        self.replies: dict[str, Ack | Error] = {}
        self._changed = asyncio.Condition()
        self._task: asyncio.Task[None] | None = None

    @classmethod
    def facilitator(
        cls,
        uri: str,
        template: str,
        login: Login,
        *,
        delays: Delays = DEFAULT_DELAYS,
        title: str | None = None,
    ) -> ScriptedClient:
        create = CreateSession(
            protocol=PROTOCOL_VERSION, login=login, template=template, title=title
        )
        return cls(HubLink(uri, create, reconnect_delays=delays))

    @classmethod
    def participant(
        cls, uri: str, code: str, name: str, *, delays: Delays = DEFAULT_DELAYS
    ) -> ScriptedClient:
        hello = Hello(protocol=PROTOCOL_VERSION, role="participant", code=code, name=name)
        return cls(HubLink(uri, hello, reconnect_delays=delays))

    def on_message(self, frame: ServerMessage) -> None:
        """Override to see every frame; call super() to keep the state."""
        if isinstance(frame, Welcome) and frame.reset:
            self.state = SessionState()
        elif isinstance(frame, Logged):
            self.state = reduce(self.state, frame.event)
        elif isinstance(frame, Ack | Error) and frame.command is not None:
            self.replies[frame.command] = frame
        self._poke()

    def _on_status(self, status: LinkStatus, detail: str) -> None:
        self.status = status
        self._poke()

    def _poke(self) -> None:
        asyncio.get_running_loop().create_task(self._notify())

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def _run(self) -> None:
        try:
            await self.link.run(self.on_message, self._on_status)
        except Refused as refused:
            self.refused = refused.error
            self._poke()

    async def start(self, timeout: float = 10.0) -> ScriptedClient:
        """Connect and wait for the welcome; raise ``Refused`` if the hub says no."""
        self._task = asyncio.get_running_loop().create_task(self._run())
        await self.until(lambda: self.link.welcome is not None or self.refused is not None, timeout)
        if self.refused is not None:
            raise Refused(self.refused)
        return self

    async def until(self, predicate: Callable[[], bool], timeout: float = 10.0) -> None:
        async with asyncio.timeout(timeout):
            async with self._changed:
                await self._changed.wait_for(predicate)

    async def do(self, command: AnyCommand, timeout: float = 10.0) -> Ack | Error:
        """Send a command and wait for its outcome (across reconnects: the outbox resends it)."""
        await self.link.send(command)
        await self.until(lambda: command.id in self.replies, timeout)
        return self.replies[command.id]

    async def stop(self) -> None:
        await self.link.close()
        if self._task is not None:
            await asyncio.wait_for(self._task, 10)
