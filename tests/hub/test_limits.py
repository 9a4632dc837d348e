"""Limits from the one config: each exceeded limit gets a typed error and the right close code."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from websockets.exceptions import ConnectionClosed
from websockets.frames import CloseCode

from server.config import HubConfig
from server.hub import Hub
from shared.commands import PROTOCOL_VERSION, CreateSession
from tests.helpers import LOGIN, QUICK_BATCHES, accounts_store, facilitator, participant
from tests.hub.raw import dial, hello


@asynccontextmanager
async def hub_with(db: Path, **limits: object) -> AsyncIterator[str]:
    store = accounts_store(db)
    hub = Hub(store, HubConfig(**QUICK_BATCHES, db=db, **limits))  # type: ignore[arg-type]
    async with hub.serve("127.0.0.1", 0) as server:
        yield f"ws://127.0.0.1:{server.sockets[0].getsockname()[1]}"
    await store.close()


async def refused_with(uri: str, first: Callable[[], object]) -> tuple[str, int | None]:
    raw = await dial(uri)
    with contextlib.suppress(ConnectionClosed):  # a blocked address is refused before it speaks
        await raw.send(first())  # type: ignore[arg-type]
    error = await raw.error()
    return error.code, await raw.closed_with()


async def test_guessing_room_codes_is_slowed_per_address(db_path: Path) -> None:
    async with hub_with(db_path, join_attempts_per_minute=3) as uri:
        fac = await facilitator(uri)
        code = fac.link.welcome.code  # type: ignore[union-attr]
        for guess in ("AAAAAA", "CCCCCC", "DDDDDD"):
            assert await refused_with(uri, lambda g=guess: hello(g, name="x")) == (  # type: ignore[misc]
                "no_such_room",
                CloseCode.POLICY_VIOLATION,
            )
        # Even the right code waits now: the limit counts refusals, not who is asking.
        assert await refused_with(uri, lambda: hello(code, name="Sam")) == (
            "rate_limited",
            CloseCode.TRY_AGAIN_LATER,
        )
        # The facilitator, already in, notices nothing.
        assert fac.status == "online"
        await fac.stop()


async def test_one_session_more_than_allowed_is_refused_for_now(db_path: Path) -> None:
    async with hub_with(db_path, max_sessions=1) as uri:
        fac = await facilitator(uri)
        create = CreateSession(
            protocol=PROTOCOL_VERSION, login=LOGIN, template="relapse-prevention"
        )
        assert await refused_with(uri, lambda: create) == ("busy", CloseCode.TRY_AGAIN_LATER)
        sam = await participant(uri, fac.link.welcome.code, "Sam")  # type: ignore[union-attr]
        await fac.until(lambda: len(fac.state.participants) == 1)
        for client in (fac, sam):
            await client.stop()


async def test_a_full_room_says_so(db_path: Path) -> None:
    async with hub_with(db_path, max_participants=1) as uri:
        fac = await facilitator(uri)
        code = fac.link.welcome.code  # type: ignore[union-attr]
        sam = await participant(uri, code, "Sam")
        assert await refused_with(uri, lambda: hello(code, name="Kim")) == (
            "room_full",
            CloseCode.POLICY_VIOLATION,
        )
        for client in (fac, sam):
            await client.stop()
