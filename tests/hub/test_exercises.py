"""Guided exercises across the room over real sockets: in step, late joiners, and the
anonymous "how do you feel now?" check-in after."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import AsyncIterator
from contextlib import closing
from pathlib import Path

import pytest

from client.connection import HubLink
from server.config import HubConfig
from server.hub import Hub
from shared.commands import (
    PROTOCOL_VERSION,
    AnswerCheckin,
    CloseCheckin,
    Hello,
    OpenCheckin,
    StartExercise,
    StartSession,
    StopExercise,
)
from shared.events import Ack, Error
from shared.questions import FEELING, PRESETS
from tests.helpers import (
    QUICK_BATCHES,
    Client,
    RunningHub,
    accounts_store,
    facilitator,
    fast_delays,
    new_id,
    participant,
)


class HubClock:
    """The hub's clock, moved by the test: the room's timeline without waiting for it."""

    def __init__(self) -> None:
        self.offset = 0.0
        self.stopped_at: float | None = None

    def stop(self) -> None:
        """From now on only ``offset`` moves it: terminals reading it agree to the microsecond."""
        self.stopped_at = time.time()

    def __call__(self) -> float:
        return (time.time() if self.stopped_at is None else self.stopped_at) + self.offset


@pytest.fixture
async def clocked(db_path: Path) -> AsyncIterator[tuple[RunningHub, HubClock]]:
    clock = HubClock()
    store = accounts_store(db_path)
    hub = Hub(store, HubConfig(**QUICK_BATCHES, db=db_path), clock=clock)
    async with hub.serve("127.0.0.1", 0) as server:
        uri = f"ws://127.0.0.1:{server.sockets[0].getsockname()[1]}"
        yield RunningHub(hub=hub, store=store, uri=uri, db=db_path), clock
    await store.close()


async def joined_with_clock(uri: str, code: str, name: str, clock: HubClock, skew: float) -> Client:
    """A terminal whose own clock is the hub's, ``skew`` seconds off."""
    hello = Hello(protocol=PROTOCOL_VERSION, role="participant", code=code, name=name)
    link = HubLink(uri, hello, reconnect_delays=fast_delays, clock=lambda: clock() + skew)
    return await Client(link).start().joined()


async def test_terminals_with_clocks_3s_apart_show_the_same_step(
    clocked: tuple[RunningHub, HubClock],
) -> None:
    hub, clock = clocked
    clock.stop()  # the terminals' clocks are the hub's, skewed, and move only when it does
    fac = await facilitator(hub.uri)
    code = fac.link.welcome.code  # type: ignore[union-attr]
    ahead = await joined_with_clock(hub.uri, code, "Ahead", clock, +3.0)
    behind = await joined_with_clock(hub.uri, code, "Behind", clock, -3.0)
    await fac.do(StartSession(id=new_id()))
    await fac.do(StartExercise(id=new_id(), exercise="box-breathing"))
    for client in (ahead, behind):
        await client.until(lambda c=client: c.state.exercise is not None)  # type: ignore[misc]
    clock.offset += 21  # 21 s into 4-4-4-4 box breathing: cycle 2, second phase (hold)

    def step(client: Client, now: float) -> tuple[int, int, str | None]:
        run = client.state.exercise
        assert run is not None
        position = run.position(now)
        return position.cycle, position.index, position.kind

    assert [step(c, c.link.hub_now()) for c in (ahead, behind)] == [(2, 1, "hold")] * 2
    # By its own clock, each would show another step: Ahead breathing out, Behind in.
    assert step(ahead, ahead.link.clock()) == (2, 2, "exhale")
    assert step(behind, behind.link.clock()) == (2, 0, "inhale")
    for client in (fac, ahead, behind):
        await client.stop()


async def test_a_late_joiner_lands_on_the_current_step(
    clocked: tuple[RunningHub, HubClock],
) -> None:
    hub, clock = clocked
    fac = await facilitator(hub.uri)
    code = fac.link.welcome.code  # type: ignore[union-attr]
    await fac.do(StartSession(id=new_id()))
    await fac.do(StartExercise(id=new_id(), exercise="box-breathing"))
    clock.offset += 21  # 21 s into 4-4-4-4 box breathing: cycle 2, second phase (hold)
    late = await participant(hub.uri, code, "Late")
    await late.until(lambda: late.state.exercise is not None)
    run = late.state.exercise
    assert run is not None
    position = run.position(late.link.hub_now())
    assert (position.cycle, position.index, position.kind) == (2, 1, "hold")
    await late.stop()
    await fac.stop()


async def test_how_do_you_feel_is_a_check_in_after_the_exercise_published_once(
    clocked: tuple[RunningHub, HubClock],
) -> None:
    hub, clock = clocked
    fac = await facilitator(hub.uri)
    code = fac.link.welcome.code  # type: ignore[union-attr]
    people = [await participant(hub.uri, code, name) for name in ("Ann", "Bo", "Cy")]
    await fac.do(StartSession(id=new_id()))
    await fac.do(StartExercise(id=new_id(), exercise="stop-skill"))
    ask = OpenCheckin(id=new_id(), question=PRESETS["feeling"], run=1)
    early = await fac.do(ask)
    assert isinstance(early, Error) and early.code == "invalid" and early.command == ask.id
    await fac.do(StopExercise(id=new_id()))
    assert isinstance(await fac.do(OpenCheckin(id=new_id(), question=FEELING, run=1)), Ack)
    answer_ids = [new_id() for _ in people]
    for person, value, aid in zip(people, (4, 2, 7), answer_ids, strict=True):
        assert isinstance(await person.do(AnswerCheckin(id=aid, checkin=1, value=value)), Ack)
    changed = await people[1].do(AnswerCheckin(id=new_id(), checkin=1, value=7))
    assert isinstance(changed, Ack)  # Bo changed their mind: counted once, as 7

    await fac.do(CloseCheckin(id=new_id(), checkin=1))
    for client in (fac, *people):
        await client.until(lambda c=client: bool(c.state.checkins) and not c.state.checkins[0].open)  # type: ignore[misc]
        [result] = client.state.checkins
        assert result.run == 1 and result.answered == 3
        assert result.counts is not None and (result.counts[4], result.counts[7]) == (1, 2)
        assert result.median == 7.0

    with closing(sqlite3.connect(hub.db)) as db:
        bodies = [bytes(b) for (b,) in db.execute("SELECT body FROM events")]
        commands = {c for (c,) in db.execute("SELECT command_id FROM commands")}
    assert not any(b"checkin.answer" in b for b in bodies)
    assert sum(b"checkin.closed" in b for b in bodies) == 1
    assert not commands & set(answer_ids)
    for client in (fac, *people):
        await client.stop()
    del clock
