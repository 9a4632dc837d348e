"""A terminal that is gone for a moment (a dropped connection, a hub restart) was never away.

Recording such blips made the group note say "away 18:01 to 18:01" for everyone after a hub
restart. Only an absence longer than ``away_grace_seconds`` is an event, and it is recorded from
the moment the terminal went.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from server.config import HubConfig
from server.hub import Hub
from shared.events import PresenceChanged, Welcome
from tests.helpers import QUICK_BATCHES, Client, accounts_store, facilitator, participant


@asynccontextmanager
async def hub_on(
    db: Path, port: int = 0, grace: float = 30.0, clock: Callable[[], float] = time.time
) -> AsyncIterator[tuple[Hub, str]]:
    store = accounts_store(db)
    config = HubConfig(**{**QUICK_BATCHES, "away_grace_seconds": grace}, db=db)
    hub = Hub(store, config, clock=clock)
    try:
        async with hub.serve("127.0.0.1", port) as server:
            yield hub, f"ws://127.0.0.1:{server.sockets[0].getsockname()[1]}"
    finally:
        for room in hub.rooms.values():
            room.stop()
        await store.close()


def aways(client: Client) -> list[PresenceChanged]:
    return [e for e in client.events if isinstance(e, PresenceChanged) and not e.online]


def welcomes(client: Client) -> int:
    return sum(1 for f in client.frames if isinstance(f, Welcome))


async def test_a_hub_restart_records_nobody_as_away(db_path: Path) -> None:
    async with hub_on(db_path) as (_, uri):
        port = int(uri.rsplit(":", 1)[1])
        fac = await facilitator(uri)
        assert fac.link.welcome is not None
        sam = await participant(uri, fac.link.welcome.code, "Sam")
        await fac.until(lambda: fac.state.present == 1)
    await sam.until(lambda: sam.status != "online")

    async with hub_on(db_path, port) as _:
        await sam.until(lambda: welcomes(sam) == 2 and sam.status == "online")
        await fac.until(lambda: welcomes(fac) == 2 and fac.status == "online")
        await fac.until(lambda: fac.mirror.caught_up)
        assert aways(fac) == [] and fac.state.present == 1
        [seat] = fac.state.people
        assert seat.online
        await sam.stop()
        await fac.stop()


async def test_only_an_absence_past_the_grace_is_recorded_from_when_it_began(
    db_path: Path,
) -> None:
    now = [1_800_000_000.0]
    async with hub_on(db_path, grace=0.2, clock=lambda: now[0]) as (hub, uri):
        fac = await facilitator(uri)
        assert fac.link.welcome is not None
        sam = await participant(uri, fac.link.welcome.code, "Sam")
        await fac.until(lambda: fac.state.present == 1)
        [room] = hub.rooms.values()
        seen_going = asyncio.Event()
        note_going = room.seat_left

        def seat_left(seat: str) -> None:  # the hub's own step, and a signal that it ran
            note_going(seat)
            seen_going.set()

        room.seat_left = seat_left  # type: ignore[method-assign]
        await sam.stop()
        await asyncio.wait_for(seen_going.wait(), 5)  # the hub saw Sam go: within the grace
        went = now[0]
        now[0] += 600  # the hub's clock moves on before the grace runs out
        await fac.until(lambda: fac.state.present == 0)
        [away] = aways(fac)
        assert away.at == went
        await fac.stop()
