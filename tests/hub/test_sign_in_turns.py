"""Sign-ins share the hashing threads fairly, and each connection is one line in the hub's log."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest

from server.accounts import TakeTurns
from server.config import HubConfig
from server.hub import Hub
from server.logs import configure
from tests.helpers import QUICK_BATCHES, accounts_store, facilitator, participant


async def test_a_burst_from_one_address_waits_behind_another_address() -> None:
    turns = TakeTurns(1)
    served: list[str] = []

    async def sign_in(address: str) -> None:
        await turns.acquire(address)
        served.append(address)
        await asyncio.sleep(0)  # hold the place for a moment, as a hash does
        turns.release()

    await turns.acquire("first")  # the one place is taken: everyone below waits
    burst = [asyncio.ensure_future(sign_in("flood")) for _ in range(5)]
    await asyncio.sleep(0)
    clinic = asyncio.ensure_future(sign_in("clinic"))
    await asyncio.sleep(0)
    turns.release()
    await asyncio.wait_for(asyncio.gather(*burst, clinic), 5)
    assert served[:2] == ["flood", "clinic"], served
    assert turns.free == 1


async def test_a_sign_in_that_gives_up_passes_its_turn_on() -> None:
    turns = TakeTurns(1)
    await turns.acquire("a")
    gave_up = asyncio.ensure_future(turns.acquire("b"))
    waiting = asyncio.ensure_future(turns.acquire("c"))
    await asyncio.sleep(0)
    gave_up.cancel()
    turns.release()
    await asyncio.wait_for(waiting, 5)
    turns.release()
    assert turns.free == 1


async def test_each_connection_is_one_line_in_the_log(
    db_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    store = accounts_store(db_path)
    hub = Hub(store, HubConfig(**QUICK_BATCHES, db=db_path))
    async with hub.serve("127.0.0.1", 0) as server:
        uri = f"ws://127.0.0.1:{server.sockets[0].getsockname()[1]}"
        fac = await facilitator(uri)
        sam = await participant(uri, fac.link.welcome.code, "Sam")  # type: ignore[union-attr]
        await sam.stop()
        await fac.until(lambda: not fac.state.participants[0].online)
        await fac.stop()
    await store.close()
    lines = [r.getMessage() for r in caplog.records if r.name == "circlekeeper.hub"]
    assert len([line for line in lines if line.startswith("connection ")]) == 2, lines


def test_the_websockets_library_never_repeats_the_hubs_lines() -> None:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    try:
        configure("debug")
        for name in ("websockets", "websockets.server", "websockets.client"):
            assert logging.getLogger(name).level == logging.WARNING
    finally:
        root.handlers[:], root.level = handlers, level
        for name in ("websockets", "websockets.server", "websockets.client"):
            logging.getLogger(name).setLevel(logging.NOTSET)
