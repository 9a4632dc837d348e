"""Raw websocket clients for hub tests that need exact frames (bad bytes, a chosen ``after``)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from server.store import Stored
from server.store.sqlite import SQLiteStore
from shared.codec import decode_event, decode_server, encode
from shared.commands import PROTOCOL_VERSION, AnyCommand, AnyHandshake, Hello, Role
from shared.decision import Actor, sees
from shared.events import Ack, Error, Logged, ServerMessage, Welcome
from tests.helpers import WAIT


@dataclass
class Raw:
    """One websocket and every server message read from it so far."""

    ws: ClientConnection
    got: list[ServerMessage] = field(default_factory=list)

    @property
    def welcome(self) -> Welcome:
        found = [m for m in self.got if isinstance(m, Welcome)]
        assert found, self.got
        return found[0]

    @property
    def logged(self) -> list[Logged]:
        return [m for m in self.got if isinstance(m, Logged)]

    async def send(self, data: bytes | str | AnyCommand | AnyHandshake) -> None:
        """Bytes go as a binary frame, a str as text, a message as JSON text."""
        if isinstance(data, bytes | str):
            await self.ws.send(data)
        else:
            await self.ws.send(encode(data), text=True)

    async def read_until(
        self, done: Callable[[ServerMessage], bool], timeout: float = WAIT
    ) -> ServerMessage:
        async with asyncio.timeout(timeout):
            while True:
                message: ServerMessage = decode_server(await self.ws.recv(decode=False))
                self.got.append(message)
                if done(message):
                    return message

    async def reply_to(self, command_id: str, timeout: float = WAIT) -> Ack | Error:
        def answers(m: ServerMessage) -> bool:
            return isinstance(m, Ack | Error) and m.command == command_id

        found = await self.read_until(answers, timeout)
        assert isinstance(found, Ack | Error)
        return found

    async def error(self, timeout: float = WAIT) -> Error:
        found = await self.read_until(lambda m: isinstance(m, Error), timeout)
        assert isinstance(found, Error)
        return found

    async def closed_with(self, timeout: float = WAIT) -> int | None:
        """Read until the hub closes the connection; the close code it sent."""
        async with asyncio.timeout(timeout):
            try:
                async for raw in self.ws:
                    self.got.append(decode_server(raw if isinstance(raw, bytes) else raw.encode()))
            except ConnectionClosed:
                pass
        received = self.ws.protocol.close_rcvd
        return None if received is None else received.code

    async def close(self) -> None:
        await self.ws.close()


async def dial(uri: str, **kw: object) -> Raw:
    ws = await connect(uri, compression=None, proxy=None, open_timeout=5, **kw)  # type: ignore[arg-type]
    return Raw(ws)


def hello(
    code: str,
    role: Role = "participant",
    *,
    name: str | None = None,
    token: str | None = None,
    after: int = 0,
    epoch: str | None = None,
    protocol: int = PROTOCOL_VERSION,
) -> Hello:
    return Hello(
        protocol=protocol, role=role, code=code, name=name, token=token, after=after, epoch=epoch
    )


async def join(uri: str, first: Hello) -> Raw:
    """Connect and hand over ``first``; return once the welcome has arrived."""
    raw = await dial(uri)
    await raw.send(first)
    await raw.read_until(lambda m: isinstance(m, Welcome | Error))
    return raw


async def visible(store: SQLiteStore, session_id: str, actor: Actor, after: int = 0) -> list[int]:
    """The sequence numbers of the stored events this actor may see, head counts left out.

    A terminal catching up is sent only the latest head count (``Event.latest_only``), so which
    ones it gets depends on when it caught up: compare what it received through ``lasting``."""
    rows: list[Stored] = await store.read(session_id, after)
    return [r.seq for r in rows if sees(actor, r.audience) and not decode_event(r.body).latest_only]


async def lasting(store: SQLiteStore, session_id: str, seqs: list[int]) -> list[int]:
    """``seqs`` without the head counts (see ``visible``)."""
    moot = {r.seq for r in await store.read(session_id) if decode_event(r.body).latest_only}
    return [seq for seq in seqs if seq not in moot]


async def http_get(uri: str, path: str) -> tuple[int, bytes]:
    parts = urlsplit(uri)
    assert parts.hostname is not None and parts.port is not None
    reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
    writer.write(f"GET {path} HTTP/1.1\r\nHost: {parts.hostname}\r\n\r\n".encode())
    await writer.drain()
    async with asyncio.timeout(5):
        head = await reader.readuntil(b"\r\n\r\n")
        lengths = [
            int(line.split(b":", 1)[1])
            for line in head.split(b"\r\n")
            if line.lower().startswith(b"content-length:")
        ]
        # Without a length the body runs to the end of the connection (the hub closes it).
        body = await (reader.readexactly(lengths[0]) if lengths else reader.read())
    writer.close()
    await writer.wait_closed()
    return int(head.split(b" ", 2)[1]), body
