"""The participant terminal, driven by Pilot against a real hub and real facilitator clients.

Every check reads what a person would see: the characters of the rendered screen. Waiting is on
conditions with a timeout, never on sleeps.
"""

from __future__ import annotations

import asyncio
import io
import re
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import pytest
from rich.console import Console
from textual import events
from textual.css.query import NoMatches
from textual.pilot import Pilot
from textual.widgets import TextArea
from websockets.asyncio.server import ServerConnection

from client import credentials
from client.apps.participant import ParticipantApp
from client.messages import FrameReceived, LinkChanged
from server.rooms import Room
from shared.commands import EndSession, LockRoom, ModerateShare, NextItem, StartSession
from shared.decision import Actor
from shared.events import (
    AgendaMoved,
    AnyEvent,
    HeadCount,
    ParticipantJoined,
    PlannedItem,
    SessionCreated,
    SessionStarted,
    ShareShown,
    Welcome,
)
from shared.reduce import replay
from tests.helpers import (
    WAIT,
    Client,
    RunningHub,
    facilitator,
    fast_delays,
    new_id,
    participant,
)
from tests.ui.screen import flat

SIZE = (110, 36)


def screen_text(app: ParticipantApp, within: str | None = None) -> str:
    """The characters on the terminal right now, as a person would read them.

    ``within`` crops to one widget's place on screen, so a sentence wrapped inside a column
    reads whole.
    """
    width, height = app.size
    console = Console(
        width=width, height=height, file=io.StringIO(), record=True, legacy_windows=False
    )
    console.print(app.screen._compositor.render_update(full=True))
    lines = console.export_text(styles=False).splitlines()
    if within is not None:
        region = app.screen.query_one(within).region
        lines = [line[region.x : region.right] for line in lines[region.y : region.bottom]]
    return "\n".join(lines)


async def until(pilot: Pilot[None], predicate: Callable[[], bool], timeout: float = WAIT) -> None:
    """Let the app run until ``predicate`` holds; each pause is one round of its messages."""
    async with asyncio.timeout(timeout):
        while not predicate():
            await pilot.pause()


def seen(app: ParticipantApp, within: str | None = None) -> str:
    try:
        return flat(screen_text(app, within))
    except NoMatches:
        return ""


async def until_shown(
    pilot: Pilot[None], *words: str, within: str | None = None, timeout: float = WAIT
) -> str:
    """Wait until every phrase is on screen (wrapping allowed); return what is seen."""
    app = pilot.app
    assert isinstance(app, ParticipantApp)
    try:
        await until(pilot, lambda: all(w in seen(app, within) for w in words), timeout)
    except TimeoutError:
        raise AssertionError(f"not on screen: {words}\n{screen_text(app)}") from None
    return seen(app, within)


async def until_gone(
    pilot: Pilot[None], *words: str, within: str | None = None, timeout: float = WAIT
) -> str:
    app = pilot.app
    assert isinstance(app, ParticipantApp)
    try:
        await until(pilot, lambda: not any(w in seen(app, within) for w in words), timeout)
    except TimeoutError:
        raise AssertionError(f"still on screen: {words}\n{screen_text(app)}") from None
    return seen(app, within)


async def type_text(pilot: Pilot[None], text: str) -> None:
    """Type as a person would: one key at a time, Enter for a new line."""
    keys = ["enter" if ch == "\n" else "space" if ch == " " else ch for ch in text]
    await pilot.press(*keys)


async def paste(pilot: Pilot[None], text: str) -> None:
    """Paste as the terminal delivers it: one event to the app, which gives it to the focus."""
    pilot.app.post_message(events.Paste(text))
    await pilot.pause()


def code_of(fac: Client) -> str:
    assert fac.link.welcome is not None
    return fac.link.welcome.code


@asynccontextmanager
async def session(hub: RunningHub) -> AsyncIterator[Client]:
    fac = await facilitator(hub.uri)
    try:
        yield fac
    finally:
        await fac.stop()


def joined_app(
    hub: RunningHub, fac: Client, name: str = "Sam", clock: Callable[[], float] | None = None
) -> ParticipantApp:
    """A terminal started with the code and a name, as ``circle join CODE --name NAME`` does."""
    return ParticipantApp(
        hub.uri, code=code_of(fac), name=name, reconnect_delays=fast_delays, clock=clock
    )


async def test_join_by_typing_then_follow_the_agenda(hub: RunningHub) -> None:
    async with session(hub) as fac:
        app = ParticipantApp(hub.uri, reconnect_delays=fast_delays)
        async with app.run_test(size=SIZE) as pilot:
            seen = await until_shown(pilot, "Room code", "Choose any name to show in the room")
            assert "a first name, a nickname or a made-up name is fine." in seen
            code = code_of(fac)
            await type_text(pilot, f"{code[:3].lower()} {code[3:].lower()}")
            await pilot.press("enter")  # on to the name
            await type_text(pilot, "Sam")
            await pilot.press("enter")

            seen = await until_shown(pilot, "Relapse prevention group")
            for item in ("Welcome and group agreement", "Topic discussion", "Open discussion"):
                assert item in seen
            assert "Waiting for the facilitator to start." in seen
            assert "This session does not keep the text of shares in its record." in seen

            await fac.do(StartSession(id=new_id()))
            keys = ("f9 Hide screen", "^s Send share", "f2 High contrast", "f3 Larger text")
            seen = await until_shown(pilot, "Welcome and group agreement · 1", *keys)
            assert re.search(r"Welcome and group agreement · 1[45]:[0-5]\d left", seen)


async def test_anonymity_words_and_few_people_warning(hub: RunningHub) -> None:
    async with session(hub) as fac:
        app = joined_app(hub, fac)
        async with app.run_test(size=SIZE) as pilot:
            await until_shown(
                pilot,
                "Shares are anonymous: nobody, not even the facilitator, can see who wrote one. "
                "The facilitator reads each share before the room sees it.",
                "Only a few people are here right now, so others might guess who wrote a share.",
                "0 / 1000",
                within="#share-box",
            )
            others = [await participant(hub.uri, code_of(fac), n) for n in ("Kim", "Lou")]
            await until_gone(pilot, "Only a few people are here", within="#share-box")
            await others[0].stop()
            await until_shown(pilot, "Only a few people are here", within="#share-box")
            await others[1].stop()


async def test_share_waits_for_the_facilitator_before_the_room_sees_it(hub: RunningHub) -> None:
    async with session(hub) as fac:
        await fac.do(StartSession(id=new_id()))
        app = joined_app(hub, fac)
        async with app.run_test(size=SIZE) as pilot:
            await until_shown(pilot, "Shared with the room", "Nothing has been shared")
            await paste(pilot, "It was a hard week.")
            await type_text(pilot, "\nI slept.")
            await until_shown(pilot, "It was a hard week.", "I slept.", "28 / 1000")
            await pilot.press("ctrl+s")

            seen = await until_shown(pilot, "Received. Thank you for sharing.", "0 / 1000")
            assert "It was a hard week." not in seen  # the box is cleared and nothing is shown
            await fac.until(lambda: len(fac.state.shares) == 1)
            share = fac.state.shares[0]
            assert (share.status, share.text) == ("pending", "It was a hard week.\nI slept.")

            await fac.do(ModerateShare(id=new_id(), share=share.id, action="show"))
            room = await until_shown(pilot, "It was a hard week. I slept.", within="#room-panel")
            assert "Nothing has been shared" not in room

            await fac.do(ModerateShare(id=new_id(), share=share.id, action="set_aside"))
            await until_shown(pilot, "Nothing has been shared", within="#room-panel")
            await until_gone(pilot, "It was a hard week.")


async def test_hide_key_blanks_the_screen_and_keeps_the_typing(hub: RunningHub) -> None:
    async with session(hub) as fac:
        await fac.do(StartSession(id=new_id()))
        app = joined_app(hub, fac)
        async with app.run_test(size=SIZE) as pilot:
            await until_shown(pilot, "Welcome and group agreement")
            await type_text(pilot, "Private")
            await pilot.press("f9")  # while typing in the box
            seen = await until_shown(pilot, "Screen hidden. Press F9 to come back.")
            for private in (
                "Relapse prevention",
                "Welcome and group agreement",
                "Private",
                "Shared with the room",
                "Shares are anonymous",
                "Send share",
            ):
                assert private not in seen, private

            await pilot.press("ctrl+s")  # no sending from a hidden screen
            await fac.do(NextItem(id=new_id()))  # the session goes on underneath, unseen
            await until(pilot, lambda: app.state.current == 1)
            assert seen == await until_shown(pilot, "Screen hidden. Press F9 to come back.")

            await pilot.press("f9")
            seen = await until_shown(pilot, "Private", "Topic discussion · 4")
            assert "Received" not in seen
            assert app.query_one(TextArea).text == "Private"
            await type_text(pilot, " note")  # the box still has the focus
            await until_shown(pilot, "Private note")
            assert fac.state.shares == ()


async def test_unknown_code_is_explained_and_can_be_corrected(hub: RunningHub) -> None:
    async with session(hub) as fac:
        app = ParticipantApp(hub.uri, code="zz zz zz", name="Sam", reconnect_delays=fast_delays)
        async with app.run_test(size=SIZE) as pilot:
            seen = await until_shown(
                pilot,
                "No session with that code is running. Check the code with your facilitator.",
                "You can change the details above and press Enter to try again.",
            )
            assert "Could not connect" not in seen  # said once and calmly, not as an alarm
            assert app.focused is app.query_one("#code")  # the code is shown again, to correct
            await type_text(pilot, code_of(fac).lower())  # replaces the selected old code
            await pilot.press("enter")
            seen = await until_shown(pilot, "Relapse prevention group", "Shared with the room")
            assert "No session with that code" not in seen
        assert [p.name for p in fac.state.participants] == ["Sam"]


async def test_a_blank_name_gets_kind_words_and_another_try(hub: RunningHub) -> None:
    async with session(hub) as fac:
        app = ParticipantApp(hub.uri, code=code_of(fac), reconnect_delays=fast_delays)
        async with app.run_test(size=SIZE) as pilot:
            seen = await until_shown(pilot, f"Room code: {code_of(fac)}", "Your name in the room")
            assert "the code your facilitator gives you" not in seen  # the code box is not shown
            await pilot.press("space", "enter")
            await until_shown(pilot, "Please choose a name to show in the room. Any name is fine.")
            await type_text(pilot, "Kim")
            await pilot.press("enter")
            await until_shown(pilot, "Relapse prevention group")
        assert [p.name for p in fac.state.participants] == ["Kim"]


async def test_reconnect_keeps_the_typing_and_sends_once(
    hub: RunningHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with session(hub) as fac:
        app = joined_app(hub, fac)
        async with app.run_test(size=SIZE) as pilot:
            await until_shown(pilot, "Relapse prevention group")
            await paste(pilot, "Kept through a drop")

            # Hold every new handshake until we say so: the link stays offline meanwhile.
            gate = asyncio.Event()
            handshake = hub.hub._handshake

            async def held(ws: ServerConnection) -> tuple[Room, Actor]:
                await gate.wait()
                return await handshake(ws)

            monkeypatch.setattr(hub.hub, "_handshake", held)
            try:
                await drop_and_send_offline(pilot, hub, app, fac)
            finally:
                gate.set()  # a held handshake would otherwise keep the hub from closing
            seen = await until_shown(pilot, "Received. Thank you for sharing.")
            assert "Reconnecting" not in seen
            assert "Kept through a drop" not in seen
            await fac.until(lambda: len(fac.state.shares) == 1)
            await fac.do(ModerateShare(id=new_id(), share=1, action="show"))
            await until_shown(pilot, "Kept through a drop", within="#room-panel")
            assert [s.text for s in fac.state.shares] == ["Kept through a drop"]


async def drop_and_send_offline(
    pilot: Pilot[None], hub: RunningHub, app: ParticipantApp, fac: Client
) -> None:
    room = hub.hub.rooms[fac.state.session_id]
    assert app.welcome is not None
    me = app.welcome.participant
    for ws in [ws for ws, actor in room.connections.items() if actor.seat == me]:
        assert ws.transport is not None
        ws.transport.abort()  # the network goes away
    await until_shown(pilot, "Reconnecting… anything you type is kept", "Kept through a drop")
    await pilot.press("ctrl+s")
    seen = await until_shown(pilot, "Your share will be sent when it is back.", within="#share-box")
    assert "Kept through a drop" in seen
    assert fac.state.shares == ()


def remaining_seconds(app: ParticipantApp) -> int:
    found = re.search(r"(\d+):(\d\d) left", screen_text(app))
    assert found is not None, screen_text(app)
    return int(found[1]) * 60 + int(found[2])


async def test_terminals_with_different_clocks_count_the_same(hub: RunningHub) -> None:
    async with session(hub) as fac:
        right = joined_app(hub, fac, "Sam")
        ahead = joined_app(hub, fac, "Kim", clock=lambda: time.time() + 3)
        async with right.run_test(size=SIZE) as p1, ahead.run_test(size=SIZE) as p2:
            await until_shown(p1, "Waiting for the facilitator to start.")
            await until_shown(p2, "Waiting for the facilitator to start.")
            await fac.do(StartSession(id=new_id()))
            await until_shown(p1, "left")
            await until_shown(p2, "left")
            assert abs(remaining_seconds(right) - remaining_seconds(ahead)) <= 1
            assert remaining_seconds(ahead) >= 15 * 60 - 2


async def test_a_long_share_is_held_back_with_a_clear_reason(hub: RunningHub) -> None:
    async with session(hub) as fac:
        app = joined_app(hub, fac)
        async with app.run_test(size=SIZE) as pilot:
            await until_shown(pilot, "0 / 1000")
            await pilot.press("ctrl+s")
            await until_shown(
                pilot, "There is nothing to send yet. Write a few words first.", within="#share-box"
            )

            await paste(pilot, "a" * 1001)
            await until_shown(
                pilot,
                "1001 / 1000",
                "This share has 1001 characters; a share can be up to 1000. "
                "Please shorten it a little before sending.",
                within="#share-box",
            )
            await pilot.press("ctrl+s")
            await until_shown(pilot, "Please shorten it a little before sending.")
            await fac.do(StartSession(id=new_id()))  # a round trip: nothing was sent before it
            assert fac.state.shares == ()

            await pilot.press("backspace")
            await until_shown(pilot, "1000 / 1000")
            await until_gone(pilot, "Please shorten it")
            await pilot.press("ctrl+s")
            await until_shown(pilot, "Received. Thank you for sharing.")
            await fac.until(lambda: len(fac.state.shares) == 1)


async def test_the_end_of_the_session(hub: RunningHub) -> None:
    async with session(hub) as fac:
        app = joined_app(hub, fac)
        async with app.run_test(size=SIZE) as pilot:
            await until_shown(pilot, "Relapse prevention group")
            await fac.do(EndSession(id=new_id()))
            seen = await until_shown(
                pilot, "The session has ended. Thank you for being here.", "q Close"
            )
            assert "Send share" not in seen
            await pilot.press("q")
            await until(pilot, lambda: not app.is_running)


async def test_brackets_in_titles_and_shares_read_as_plain_text() -> None:
    """Square brackets are Textual markup; a room's own words must never be read as it."""
    events_: list[AnyEvent] = [
        SessionCreated(
            session_id="s1",
            title="Group [b]week 3[/b]",
            template="custom",
            code="K7QX4M",
            agenda=(PlannedItem(kind="topic", title="Check-in [/] [red]", minutes=10),),
            at=T0,
        ),
        SessionStarted(at=T0),
        AgendaMoved(index=0, at=T0),
        ShareShown(share=1, text="I felt [angry] and [/] then calm"),
    ]
    app = ParticipantApp("ws://unused.invalid", clock=lambda: T0 + 60)
    async with app.run_test(size=SIZE) as pilot:
        await show_without_hub(pilot, app, events_)
        await until_shown(
            pilot,
            "Group [b]week 3[/b]",
            "Check-in [/] [red] · 09:00 left",
            "I felt [angry] and [/] then calm",
        )


async def show_without_hub(
    pilot: Pilot[None], app: ParticipantApp, events_: list[AnyEvent]
) -> None:
    """What the link does once the hub lets us in, with the state replayed from ``events_``."""
    welcome = Welcome(
        protocol=1,
        session_id="s1",
        code="K7QX4M",
        role="participant",
        token="t",
        epoch="e",
        server_time=T0,
        participant="p1",
        reset=True,
    )
    app.post_message(FrameReceived(welcome))
    app.post_message(LinkChanged("online"))
    await pilot.pause()
    app.state = replay(events_)
    await pilot.pause()


# -- snapshot ---------------------------------------------------------------------------------

T0 = 1_750_000_000.0
SNAPSHOT_EVENTS: list[AnyEvent] = [
    SessionCreated(
        session_id="s1",
        title="Tuesday evening group",
        template="relapse-prevention",
        code="K7QX4M",
        agenda=(
            PlannedItem(kind="welcome", title="Welcome and group agreement", minutes=15),
            PlannedItem(kind="topic", title="Topic discussion", minutes=45),
            PlannedItem(kind="discussion", title="Open discussion", minutes=30),
        ),
        at=T0,
        record_shares=True,
    ),
    ParticipantJoined(participant="p1", name="Sam", at=T0 + 10),  # our own seat, and only ours
    HeadCount(present=3),  # the others, as the hub tells a participant of them: a number
    SessionStarted(at=T0 + 60),
    AgendaMoved(index=0, at=T0 + 60),
    AgendaMoved(index=1, at=T0 + 960),
    ShareShown(share=1, text="Boredom is my biggest trigger.\nWeekends are the hardest."),
    ShareShown(share=3, text="I went to a meeting every day this week."),
]


def test_session_screen_snapshot(snap_compare: Callable[..., bool]) -> None:
    app = ParticipantApp("ws://unused.invalid", clock=lambda: T0 + 960 + 12 * 60 + 30)

    async def run_before(pilot: Pilot[None]) -> None:
        await show_without_hub(pilot, app, SNAPSHOT_EVENTS)
        app.query_one(TextArea).cursor_blink = False
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


async def test_a_terminal_comes_back_to_its_own_seat_even_in_a_locked_room(
    hub: RunningHub,
) -> None:
    """A seat belongs to a person: the terminal keeps it, so closing and running 'circle join'
    again is one person in every count, also once the room is locked."""
    async with session(hub) as fac:
        first = joined_app(hub, fac, name="Riley")
        async with first.run_test(size=SIZE) as pilot:
            await until_shown(pilot, "Relapse prevention group")
            assert first.welcome is not None
            seat = first.welcome.participant
        await fac.until(lambda: fac.state.present == 0)  # the terminal closed
        await fac.do(LockRoom(id=new_id(), locked=True))

        again = ParticipantApp(hub.uri, code=code_of(fac), reconnect_delays=fast_delays)
        async with again.run_test(size=SIZE) as pilot:
            await until_shown(pilot, "Relapse prevention group")  # no name asked: back in
            assert again.welcome is not None and again.welcome.participant == seat
            await fac.until(lambda: fac.state.present == 1)
            assert [p.name for p in fac.state.people] == ["Riley"]

            await fac.do(EndSession(id=new_id()))
            await until_shown(pilot, "ended")
        # The session is over: the terminal keeps nothing of it.
        assert credentials.seat(hub.uri, code_of(fac)) is None
