"""Dead connections are noticed within ping_interval + ping_timeout, and attendance follows.

A terminal that freezes (its process stops reading: no pong is ever sent) does not close its
connection; only the hub's keepalive can tell. The room's attendance must show it gone.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from websockets.asyncio.client import ClientConnection, connect

from server.config import HubConfig
from server.hub import Hub
from shared.codec import decode_server, encode
from shared.commands import ExtendItem, ModerateShare
from shared.events import Ack, Error, PresenceChanged, Welcome
from tests.helpers import (
    QUICK_BATCHES,
    Client,
    accounts_store,
    facilitator,
    new_id,
    participant,
    share,
)
from tests.hub.raw import hello

log = logging.getLogger(__name__)

DEAD_AFTER = 30.0
"""The promise: a dead terminal shows as away within this many seconds."""


@dataclass
class Running:
    hub: Hub
    uri: str


@asynccontextmanager
async def hub_with(db: Path, **settings: object) -> AsyncIterator[Running]:
    store = accounts_store(db)
    hub = Hub(
        store,
        HubConfig(**QUICK_BATCHES, db=db, join_attempts_per_minute=10_000, **settings),  # type: ignore[arg-type]
    )
    async with hub.serve("127.0.0.1", 0) as server:
        yield Running(hub, f"ws://127.0.0.1:{server.sockets[0].getsockname()[1]}")
    await store.close()


async def frozen_participant(uri: str, code: str, name: str) -> tuple[ClientConnection, str]:
    """A participant that joins, is in the room, then its terminal freezes (reads nothing)."""
    ws = await connect(uri, compression=None, proxy=None, open_timeout=5, ping_interval=None)
    await ws.send(encode(hello(code, name=name)), text=True)
    welcome = decode_server(await asyncio.wait_for(ws.recv(decode=False), 5))
    assert isinstance(welcome, Welcome) and welcome.participant is not None
    # Commands are read only once the connection is in the room: a reply means it is live.
    probe = ExtendItem(id=new_id())
    await ws.send(encode(probe), text=True)
    async with asyncio.timeout(5):
        while True:
            message = decode_server(await ws.recv(decode=False))
            if isinstance(message, Error) and message.command == probe.id:
                break
    ws.transport.pause_reading()
    return ws, welcome.participant


def presence_of(client: Client, participant: str) -> list[bool]:
    return [
        e.online
        for e in client.events
        if isinstance(e, PresenceChanged) and e.participant == participant
    ]


async def test_a_frozen_terminal_is_marked_away_within_the_keepalive_bound(db_path: Path) -> None:
    interval, timeout = 0.2, 0.2
    async with hub_with(db_path, ping_interval=interval, ping_timeout=timeout) as running:
        loop = asyncio.get_running_loop()
        fac = await facilitator(running.uri)
        assert fac.link.welcome is not None
        ws, participant = await frozen_participant(running.uri, fac.link.welcome.code, "Sam")
        frozen_at = loop.time()
        try:
            await fac.until(lambda: presence_of(fac, participant) == [False], 5)
            noticed = loop.time() - frozen_at
            log.info("frozen terminal marked away after %.3fs", noticed)
            # One ping interval until the ping, the timeout for its pong, a little for the loop.
            assert noticed < interval + timeout + 1.0
            [room] = running.hub.rooms.values()
            assert [a.seat for a in room.connections.values()] == [None]
            state = fac.state.participant(participant)
            assert state is not None and not state.online
            assert fac.status == "online"  # the facilitator, who reads, was never touched
        finally:
            ws.transport.abort()
        await fac.stop()


async def test_a_terminal_that_froze_mid_burst_is_noticed_once_the_room_goes_quiet(
    db_path: Path,
) -> None:
    """The burst leaves more unsent bytes for it than websockets' write limit (32 KiB) but fewer
    than the slow-client bound, so the watchdog does not fire; then nothing more is sent. The
    keepalive ping must not wait behind those bytes, or the frozen terminal stays "here" for ever.

    Only the promise is timed: however long the burst takes on a busy machine, the terminal is
    marked away within ping_interval + ping_timeout of freezing, by the keepalive.
    """
    interval, timeout = 2.0, 0.5
    settings = {
        "ping_interval": interval,
        "ping_timeout": timeout,
        "max_send_buffer": 256 * 1024,
        "commands_per_second": 100_000,
        "command_burst": 100_000,
    }
    async with hub_with(db_path, **settings) as running:
        loop = asyncio.get_running_loop()
        fac = await facilitator(running.uri)
        assert fac.link.welcome is not None
        code = fac.link.welcome.code
        sharer = await participant(running.uri, code, "Kim")
        await share(sharer, fac, "y" * 1000)
        await sharer.stop()
        ws, frozen = await frozen_participant(running.uri, code, "Sam")
        frozen_at = loop.time()
        [room] = running.hub.rooms.values()
        [hub_end] = [c for c, a in room.connections.items() if a.seat == frozen]
        try:
            shows = unsent = 0
            # A keepalive that notices it before the burst is done ends the burst early too.
            while hub_end in room.connections and unsent <= 64 * 1024:
                assert shows < 3000
                show = [ModerateShare(id=new_id(), share=1, action="show") for _ in range(16)]
                replies = await asyncio.gather(*(fac.do(command) for command in show))
                assert all(isinstance(reply, Ack) for reply in replies), replies
                shows += len(show)
                unsent = hub_end.transport.get_write_buffer_size()
            log.info("burst of %d shows left %d bytes unsent for it", shows, unsent)
            await fac.until(lambda: presence_of(fac, frozen) == [False], interval + timeout + 5)
            noticed = loop.time() - frozen_at
            log.info("frozen terminal marked away after %.3fs", noticed)
            # One ping interval until the ping, the timeout for its pong, a little for the loop.
            assert noticed < interval + timeout + 1.0
            assert hub_end not in room.connections
            # Noticed by the keepalive: the slow-client watchdog never fired.
            dropped = running.hub.metrics.registry.get_sample_value(
                "circle_slow_clients_dropped_total"
            )
            assert dropped == 0
        finally:
            ws.transport.abort()
        await fac.stop()


def test_the_default_keepalive_notices_a_dead_terminal_within_30_seconds() -> None:
    """The tests above show a dead peer gone within ping_interval + ping_timeout (the hub fits
    websockets' close timeout inside ping_timeout); the defaults keep that within 30 s."""
    config = HubConfig()
    assert config.ping_interval + config.ping_timeout <= DEAD_AFTER
