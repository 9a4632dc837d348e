"""A scripted hub client for the headless demo, load generator and scripts: no Textual.

Its state is a ``SessionMirror``, the same one an app keeps, which also answers "what became
of this command", all a script needs.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from client.connection import DEFAULT_DELAYS, Delays, HubLink, LinkStatus, Refused
from client.mirror import SessionMirror
from shared.commands import PROTOCOL_VERSION, AnyCommand, CreateSession, Hello, Login
from shared.events import Ack, Error, ServerMessage
from shared.state import SessionState


class ScriptedClient:
    def __init__(self, link: HubLink) -> None:
        self.link = link
        self.mirror = SessionMirror()
        self.status: LinkStatus = "connecting"
        self.refused: Error | None = None
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

    @property
    def state(self) -> SessionState:
        return self.mirror.state

    @property
    def seat(self) -> str | None:
        """This participant's seat, once welcomed."""
        welcome = self.link.welcome
        return None if welcome is None else welcome.participant

    def on_message(self, frame: ServerMessage) -> None:
        """Override to see every frame; call super() to keep the state."""
        self.mirror.apply(frame)

    def _on_status(self, status: LinkStatus, detail: str) -> None:
        self.status = status

    async def _run(self) -> None:
        try:
            await self.link.run(self.on_message, self._on_status)
        except Refused as refused:
            self.refused = refused.error

    async def start(self, timeout: float = 10.0) -> ScriptedClient:
        """Connect and wait for the welcome; raise ``Refused`` if the hub says no.

        The link ends instead of welcoming when it is refused (or cannot trust the hub), so
        the wait is for whichever comes first.
        """
        run = self._task = asyncio.create_task(self._run())
        welcomed = asyncio.create_task(
            self.mirror.until(lambda _: self.mirror.welcome is not None, timeout)
        )
        await asyncio.wait((welcomed, run), return_when=asyncio.FIRST_COMPLETED)
        if not welcomed.done():
            welcomed.cancel()
            run.result()  # an untrusted hub raises here
            if self.refused is not None:
                raise Refused(self.refused)
            raise ConnectionError("the link stopped before the hub welcomed it")
        await welcomed  # raises TimeoutError
        return self

    async def until(self, predicate: Callable[[], bool], timeout: float = 10.0) -> None:
        """Wait until ``predicate()`` holds; it is checked again after every frame."""
        await self.mirror.until(lambda _: predicate(), timeout)

    async def do(self, command: AnyCommand, timeout: float = 10.0) -> Ack | Error:
        """Send a command and wait for its outcome (across reconnects: the outbox resends it)."""
        await self.link.send(command)
        return await self.mirror.outcome(command.id, timeout)

    async def stop(self) -> None:
        await self.link.close()
        if self._task is not None:
            await asyncio.wait_for(self._task, 10)
