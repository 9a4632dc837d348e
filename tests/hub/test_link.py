"""The reconnecting link stops when asked, whatever state its connection is in."""

from __future__ import annotations

import asyncio
from pathlib import Path

from client.connection import HubLink
from server.config import HubConfig
from server.hub import Hub
from shared.commands import PROTOCOL_VERSION, CreateSession
from tests.helpers import (
    LOGIN,
    QUICK_BATCHES,
    Client,
    RunningHub,
    accounts_store,
    facilitator,
    fast_delays,
)


async def test_closing_a_link_that_cannot_reach_the_hub(db_path: Path) -> None:
    store = accounts_store(db_path)
    hub = Hub(store, HubConfig(**QUICK_BATCHES, db=db_path))
    async with hub.serve("127.0.0.1", 0) as server:
        uri = f"ws://127.0.0.1:{server.sockets[0].getsockname()[1]}"
        fac = await facilitator(uri)
    await store.close()
    await fac.until(lambda: fac.status == "reconnecting")
    # The hub is gone and the link keeps trying; closing it must end the trying.
    async with asyncio.timeout(2):
        await fac.stop()
    assert fac.status == "closed"


async def test_closing_a_link_before_it_is_welcomed(hub: RunningHub) -> None:
    handshake = CreateSession(protocol=PROTOCOL_VERSION, login=LOGIN, template="relapse-prevention")
    client = Client(HubLink(hub.uri, handshake, reconnect_delays=fast_delays)).start()
    async with asyncio.timeout(2):
        await client.stop()  # before the link even connected
    assert client.status == "closed"
    assert hub.hub.rooms == {} or all(not r.connections for r in hub.hub.rooms.values())


async def test_closing_a_connected_link(hub: RunningHub) -> None:
    fac = await facilitator(hub.uri)
    async with asyncio.timeout(2):
        await fac.stop()
    assert fac.status == "closed"
