"""The room board, driven by Pilot against a real hub, real facilitator and participant clients.

Every check reads what people in the room would see on the wall: the characters of the
rendered screen. Waiting is on conditions with a timeout, never on sleeps.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import msgspec
import pytest
from textual.pilot import Pilot
from textual.widgets import Digits
from websockets.asyncio.server import ServerConnection

from client.apps.board import BoardApp
from client.connection import HubLink
from client.messages import FrameReceived, LinkChanged
from client.theme import CALM, HIGH_CONTRAST
from client.widgets.board_join import GLYPHS, big_rows, join_line
from client.widgets.exercise_view import BOARD_NOTE, GuidedView, cue_words
from client.widgets.pacer import SHAPE_CHARS
from server.auth import CODE_ALPHABET
from server.rooms import Room
from shared.commands import (
    PROTOCOL_VERSION,
    AnswerCheckin,
    CloseCheckin,
    EndSession,
    ExtendItem,
    Hello,
    ModerateShare,
    NextItem,
    NextTurn,
    OpenCheckin,
    PassTurn,
    RaiseHand,
    RequestTalk,
    SkipItem,
    StartExercise,
    StartRound,
    StartSession,
    StopExercise,
    SubmitShare,
)
from shared.decision import Actor
from shared.events import (
    Ack,
    AgendaMoved,
    AnyEvent,
    Error,
    HeadCount,
    Logged,
    PlannedItem,
    SessionCreated,
    SessionStarted,
    ShareShown,
    Welcome,
)
from shared.questions import PRESETS
from shared.templates import load_templates
from tests.helpers import Client, RunningHub, facilitator, fast_delays, new_id, participant
from tests.ui.screen import flat, screen_text, seen, until, until_gone, until_seen

SIZE = (120, 36)
NO_SUCH_ROOM = "No session with that code is running. Check the code with the facilitator."


# -- a room -----------------------------------------------------------------------------------


def code_of(client: Client) -> str:
    assert client.link.welcome is not None
    return client.link.welcome.code


@asynccontextmanager
async def room(hub: RunningHub) -> AsyncIterator[Client]:
    fac = await facilitator(hub.uri)
    try:
        yield fac
    finally:
        await fac.stop()


def board_for(hub: RunningHub, fac: Client, **kwargs: Any) -> BoardApp:
    """A board as ``circle board CODE --hub URI`` starts one."""
    return BoardApp(hub.uri, code_of(fac), join_hub=hub.uri, reconnect_delays=fast_delays, **kwargs)


async def board_client(uri: str, code: str) -> Client:
    hello = Hello(protocol=PROTOCOL_VERSION, role="board", code=code)
    return await Client(HubLink(uri, hello, reconnect_delays=fast_delays)).start().joined()


# -- how to join ------------------------------------------------------------------------------


async def test_the_board_shows_how_to_join_and_takes_no_keys_but_quit_and_look(
    hub: RunningHub,
) -> None:
    async with room(hub) as fac:
        code = code_of(fac)
        app = board_for(hub, fac)
        async with app.run_test(size=SIZE) as pilot:
            wall = await until_seen(
                pilot,
                "Relapse prevention group",
                f"Room code: {code}",
                f"circle join {code} --hub {hub.uri}",
                "Starting soon",
                "Nobody has joined yet",
                "Welcome and group agreement",
            )
            rows = big_rows(code)
            assert rows is not None
            assert all(row in screen_text(app) for row in rows)  # the code, in block letters
            footer = seen(app, "Footer")
            for key in ("^q Quit", "f2 High contrast", "f3 Larger text"):
                assert key in footer, footer
            assert "Send share" not in wall and "Hide" not in wall
            assert app.focused is None  # no cursor on the wall

            await pilot.press("tab", "enter", "x", "q", "space")  # nothing here takes keys
            assert app.is_running and app.focused is None

            await pilot.press("f2", "f3")
            assert app.theme == HIGH_CONTRAST.name and app.has_class("-large")
            await pilot.press("f2", "f3")
            assert app.theme == CALM.name and not app.has_class("-large")

            await pilot.press("ctrl+q")
            await until(pilot, lambda: not app.is_running)
        assert app.return_code == 0 and app.refused is None


async def test_the_look_can_be_chosen_when_the_board_starts(hub: RunningHub) -> None:
    async with room(hub) as fac:
        app = board_for(hub, fac, high_contrast=True, large_text=True)
        async with app.run_test(size=SIZE) as pilot:
            await until_seen(pilot, f"Room code: {code_of(fac)}")
            assert app.theme == HIGH_CONTRAST.name and app.has_class("-large")


def test_every_code_letter_has_block_letters() -> None:
    assert set(CODE_ALPHABET) <= set(GLYPHS)
    rows = big_rows("k7qx4m")
    assert rows is not None and len(rows) == 5 and len({len(r) for r in rows}) == 1
    assert big_rows("K7-QX") is None  # drawn plainly instead
    assert join_line("K7QX4M") == "circle join K7QX4M"
    assert (
        join_line("K7QX4M", "ws://10.0.0.5:8765") == "circle join K7QX4M --hub ws://10.0.0.5:8765"
    )


# -- the agenda -------------------------------------------------------------------------------


async def test_the_agenda_and_its_countdown_follow_start_and_next(hub: RunningHub) -> None:
    notes = [item.notes for item in load_templates()["relapse-prevention"].template.items]
    assert all(notes)
    async with room(hub) as fac:
        app = board_for(hub, fac)
        async with app.run_test(size=SIZE) as pilot:
            await until_seen(pilot, "Starting soon", "· 1. Welcome and group agreement (15 min)")
            clock = app.query_one("#now-clock", Digits)
            assert not clock.display

            await fac.do(StartSession(id=new_id()))
            now = await until_seen(pilot, "Welcome and group agreement", within="#board-now")
            await until(pilot, lambda: re.fullmatch(r"1[45]:\d\d", clock.value) is not None)
            assert "left of 15 min" in now
            agenda = await until_seen(
                pilot, "▶ 1. Welcome and group agreement (15 min)", within="#board-agenda"
            )
            assert "· 2. Topic discussion" in agenda

            await fac.do(NextItem(id=new_id()))
            agenda = await until_seen(
                pilot,
                "✓ 1. Welcome and group agreement",
                "▶ 2. Topic discussion",
                within="#board-agenda",
            )
            await until_seen(pilot, "Topic discussion", "left of", within="#board-now")
            await fac.do(ExtendItem(id=new_id(), minutes=5))
            await until_seen(pilot, "+5", within="#board-agenda")
            await until_seen(pilot, "left of", within="#board-now")
            await fac.do(SkipItem(id=new_id()))
            await until_seen(pilot, "3. Open discussion", "skipped", within="#board-agenda")

            wall = seen(app)
            for note in notes:
                assert flat(note)[:30] not in wall  # facilitator notes never reach the wall
            assert all(item.notes == "" for item in app.state.agenda)  # nor the board at all


# -- who is here --------------------------------------------------------------------------------


async def test_people_present_are_a_count_and_never_names(hub: RunningHub) -> None:
    names = ("Rosalind", "Bartholomew")
    async with room(hub) as fac:
        code = code_of(fac)
        app = board_for(hub, fac)
        async with app.run_test(size=SIZE) as pilot:
            await until_seen(pilot, "Nobody has joined yet")
            first = await participant(hub.uri, code, names[0])
            await until_seen(pilot, "1 person here", within="#board-head")
            second = await participant(hub.uri, code, names[1])
            await until_seen(pilot, "2 people here", within="#board-head")
            assert not any(name in screen_text(app) for name in names)

            await fac.do(StartSession(id=new_id()))
            await until_seen(pilot, "Welcome and group agreement", within="#board-now")
            await second.stop()
            await until_seen(pilot, "1 person here", within="#board-head")
            assert not any(name in screen_text(app) for name in names)
            await first.stop()
            await until_seen(pilot, "Nobody has joined yet", within="#board-head")


# -- shares -----------------------------------------------------------------------------------


async def test_shown_shares_appear_newest_first_and_pending_ones_never(hub: RunningHub) -> None:
    texts = ("Weekends are the hardest.", "I called my sponsor.", "PENDING never on a wall")
    async with room(hub) as fac:
        await fac.do(StartSession(id=new_id()))
        frames: list[object] = []
        app = board_for(hub, fac)
        async with app.run_test(size=SIZE, message_hook=frames.append) as pilot:
            await until_seen(pilot, "Shares the group chooses to show will appear here.")
            sam = await participant(hub.uri, code_of(fac), "Sam")
            for text in texts:
                assert not isinstance(await sam.do(SubmitShare(id=new_id(), text=text)), Error)
            await fac.until(lambda: len(fac.state.shares) == 3, timeout=30)
            number = {share.text: share.id for share in fac.state.shares}

            await fac.do(ModerateShare(id=new_id(), share=number[texts[0]], action="show"))
            await until_seen(pilot, texts[0], within="#share-newest")
            await fac.do(ModerateShare(id=new_id(), share=number[texts[1]], action="show"))
            await until_seen(pilot, texts[1], within="#share-newest")
            await until_seen(pilot, texts[0], within="#share-earlier")
            assert texts[0] not in seen(app, "#share-newest")

            await fac.do(ModerateShare(id=new_id(), share=number[texts[0]], action="show"))
            await until_seen(pilot, texts[0], within="#share-newest")  # shown again: newest
            await until_seen(pilot, texts[1], within="#share-earlier")

            await fac.do(ModerateShare(id=new_id(), share=number[texts[0]], action="set_aside"))
            await until_gone(pilot, texts[0])
            await until_seen(pilot, texts[1], within="#share-newest")
            await fac.do(NextItem(id=new_id()))  # one more event, after every share event
            await until_seen(pilot, "▶ 2. Topic discussion", within="#board-agenda")
            await sam.stop()

            assert texts[2] not in screen_text(app)
        received = [m.frame for m in frames if isinstance(m, FrameReceived)]
        assert any(isinstance(f, Logged) for f in received)
        assert not any(texts[2].encode() in msgspec.json.encode(f) for f in received)
        assert [s.text for s in app.state.shares if s.status == "pending"] == []


# -- the room's exercise ------------------------------------------------------------------------


def participant_cue(client: Client) -> str:
    """The words a participant terminal shows now, from its own state and its hub clock."""
    run = client.state.exercise
    assert run is not None
    return cue_words(run.exercise, run.position(client.link.hub_now()))


async def test_a_room_exercise_is_in_step_with_participant_terminals(hub: RunningHub) -> None:
    async with room(hub) as fac:
        await fac.do(StartSession(id=new_id()))
        app = board_for(hub, fac)
        async with app.run_test(size=SIZE) as pilot:
            await until_seen(pilot, "Welcome and group agreement", within="#board-now")
            sam = await participant(hub.uri, code_of(fac), "Sam")

            await fac.do(StartExercise(id=new_id(), exercise="grounding-54321"))
            await until(pilot, lambda: app.view == "exercise")
            await sam.until(lambda: sam.state.exercise is not None)
            await until(pilot, lambda: flat(participant_cue(sam)) in seen(app, "#guided-cue"))
            wall = await until_seen(pilot, "5-4-3-2-1 grounding", "Step 1 of 5", BOARD_NOTE)
            for never in ("How do you feel", "step out", "with X", "Leave exercise"):
                assert never not in wall, never
            assert "1 person here" in wall  # the head stays: the room can still be counted

            await fac.do(StartExercise(id=new_id(), exercise="box-breathing"))
            await sam.until(lambda: sam.state.exercise is not None and sam.state.exercise.run == 2)
            await until_seen(pilot, "Box breathing", "Breath 1 of")
            await until(pilot, lambda: flat(participant_cue(sam)) in seen(app, "#guided-cue"))
            guided = app.query_one(GuidedView)
            frames = guided.frames
            await until(pilot, lambda: guided.frames >= frames + 2)  # it animates by itself
            pacer = screen_text(app)
            region = app.query_one("#guided-pacer").region
            cells = [line[region.x : region.right] for line in pacer.splitlines()[region.y :]]
            assert sum(ch in SHAPE_CHARS for ch in "".join(cells[: region.height])) > 0

            await fac.do(StopExercise(id=new_id()))
            await until(pilot, lambda: app.view == "session")
            await until_seen(pilot, f"Room code: {code_of(fac)}")
            await sam.stop()


# -- the end, the link, a wrong code ------------------------------------------------------------


# -- check-ins and the floor ---------------------------------------------------------------------


async def test_a_check_in_shows_a_count_then_its_published_answers(hub: RunningHub) -> None:
    async with room(hub) as fac:
        await fac.do(StartSession(id=new_id()))
        people = [await participant(hub.uri, code_of(fac), n) for n in ("Kim", "Lou", "Max")]
        app = board_for(hub, fac)
        async with app.run_test(size=SIZE) as pilot:
            await until_seen(pilot, "Welcome and group agreement")
            await fac.do(OpenCheckin(id=new_id(), question=PRESETS["mood"]))
            await until_seen(
                pilot,
                "How is your mood right now?",
                "Nobody has answered yet.",
                within="#board-checkin",
            )
            for person, value in zip(people, (4, 4, 8), strict=True):
                assert isinstance(
                    await person.do(AnswerCheckin(id=new_id(), checkin=1, value=value)), Ack
                )
            await until_seen(pilot, "3 people have answered.", within="#board-checkin")
            again = AnswerCheckin(id=new_id(), checkin=1, value=5)  # a changed answer: still 3
            assert isinstance(await people[0].do(again), Ack)
            await fac.do(CloseCheckin(id=new_id(), checkin=1))
            panel = await until_seen(
                pilot,
                "3 people answered.",
                "Middle answer: 5",
                "very low",
                "very good",
                within="#board-checkin",
            )
            assert "have answered" not in panel
            bars = screen_text(app, "#board-checkin")
            assert " 0   1   2   3   4   5   6   7   8   9   10" in bars  # the answers, in a row
            assert "█" in bars
        for person in people:
            await person.stop()


async def test_too_few_answers_are_never_drawn_on_the_wall(hub: RunningHub) -> None:
    async with room(hub) as fac:
        await fac.do(StartSession(id=new_id()))
        kim = await participant(hub.uri, code_of(fac), "Kim")
        app = board_for(hub, fac)
        async with app.run_test(size=SIZE) as pilot:
            await until_seen(pilot, "Welcome and group agreement")
            await fac.do(OpenCheckin(id=new_id(), question=PRESETS["used"]))
            await until_seen(pilot, "Have you used since the last group?")
            assert isinstance(await kim.do(AnswerCheckin(id=new_id(), checkin=1, value=1)), Ack)
            await until_seen(pilot, "1 person has answered.")
            await fac.do(CloseCheckin(id=new_id(), checkin=1))
            panel = await until_seen(pilot, "Not enough answers to show", within="#board-checkin")
            assert "Middle answer" not in panel and "█" not in screen_text(app, "#board-checkin")
        await kim.stop()


async def test_the_speaker_and_the_round_turn_but_never_hands_requests_or_passes(
    hub: RunningHub,
) -> None:
    async with room(hub) as fac:
        await fac.do(StartSession(id=new_id()))
        kim = await participant(hub.uri, code_of(fac), "Kim")
        lou = await participant(hub.uri, code_of(fac), "Lou")
        app = board_for(hub, fac)
        async with app.run_test(size=SIZE) as pilot:
            await until_seen(pilot, "Welcome and group agreement")
            assert not app.query_one("#board-speaking").display
            assert isinstance(await kim.do(RaiseHand(id=new_id())), Ack)
            assert isinstance(await lou.do(RequestTalk(id=new_id(), note="after")), Ack)
            await fac.until(lambda: len(fac.state.requests) == 1)
            order = tuple(p.id for p in fac.state.people)
            await fac.do(StartRound(id=new_id(), order=order, minutes=2))
            first = await until_seen(
                pilot, "Kim is speaking · Turn 1 of 2", "0:0", "of 2:00", within="#board-speaking"
            )
            assert "pass" not in first.lower()
            assert isinstance(await kim.do(PassTurn(id=new_id())), Ack)
            await until_seen(pilot, "Lou is speaking · Turn 2 of 2", within="#board-speaking")
            await fac.do(NextTurn(id=new_id()))  # the last turn: the round ends
            await until(pilot, lambda: not app.query_one("#board-speaking").display)
            wall = seen(app).lower()
            assert "hand" not in wall and "queue" not in wall and "counselor" not in wall
            assert "passed" not in wall and "after group" not in wall
            assert app.state.hands == () and app.state.requests == ()
            assert app.mirror.passes == {}
        await kim.stop()
        await lou.stop()


async def test_the_end_of_the_session(hub: RunningHub) -> None:
    async with room(hub) as fac:
        code = code_of(fac)
        await fac.do(StartSession(id=new_id()))
        app = board_for(hub, fac)
        async with app.run_test(size=SIZE) as pilot:
            await until_seen(pilot, f"circle join {code}")
            await fac.do(EndSession(id=new_id()))
            wall = await until_seen(pilot, "This session has ended.", "Thank you for being here.")
            assert code not in wall and "circle join" not in wall  # the code lets no one in now
            assert "here" not in seen(app, "#board-head")
            assert app.is_running  # the wall stays calm until someone closes it


async def test_a_dropped_link_shows_a_calm_reconnecting_line(
    hub: RunningHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with room(hub) as fac:
        await fac.do(StartSession(id=new_id()))
        app = board_for(hub, fac)
        async with app.run_test(size=SIZE) as pilot:
            await until_seen(pilot, "▶ 1. Welcome and group agreement")

            gate = asyncio.Event()  # hold new handshakes: the board stays offline meanwhile
            handshake = hub.hub._handshake

            async def held(ws: ServerConnection) -> tuple[Room, Actor]:
                await gate.wait()
                return await handshake(ws)

            monkeypatch.setattr(hub.hub, "_handshake", held)
            try:
                live = hub.hub.rooms[fac.state.session_id].connections.items()
                for ws in [ws for ws, actor in live if actor.role == "board"]:
                    assert ws.transport is not None
                    ws.transport.abort()  # the network goes away
                wall = await until_seen(pilot, "Reconnecting…", "Welcome and group agreement")
                assert "Could not connect" not in wall and "type" not in seen(app, "#board-banner")
                await fac.do(NextItem(id=new_id()))  # the session goes on meanwhile
            finally:
                gate.set()
            await until_seen(pilot, "▶ 2. Topic discussion", within="#board-agenda")
            await until_gone(pilot, "Reconnecting")


async def test_a_wrong_code_closes_the_board_with_the_hubs_words(hub: RunningHub) -> None:
    app = BoardApp(hub.uri, "ZZZZZZ", reconnect_delays=fast_delays)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: not app.is_running)
    assert app.refused == NO_SUCH_ROOM
    assert app.return_code == 1


async def test_the_hub_refuses_every_command_from_a_board(hub: RunningHub) -> None:
    async with room(hub) as fac:
        board = await board_client(hub.uri, code_of(fac))
        try:
            welcome = board.link.welcome
            assert welcome is not None and welcome.role == "board" and welcome.participant
            await fac.until(lambda: any(p.board for p in fac.state.participants))
            for command in (
                NextItem(id=new_id()),
                StartSession(id=new_id()),
                SubmitShare(id=new_id(), text="from the wall"),
                EndSession(id=new_id()),
            ):
                reply = await board.do(command)
                assert isinstance(reply, Error) and reply.code == "not_allowed", reply
            assert fac.state.status == "lobby" and fac.state.shares == ()
        finally:
            await board.stop()


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
    ),
    # What a board is told of who is here: the number (never the names).
    HeadCount(present=4),
    HeadCount(present=3),
    SessionStarted(at=T0 + 60),
    AgendaMoved(index=0, at=T0 + 60),
    AgendaMoved(index=1, at=T0 + 960),
    ShareShown(share=3, text="I went to a meeting every day this week."),
    ShareShown(share=1, text="Boredom is my biggest trigger.\nWeekends are the hardest."),
]


async def show_without_hub(pilot: Pilot[Any], app: BoardApp, events: list[AnyEvent]) -> None:
    """What the link delivers once the hub lets a board in: a welcome, then the logged events."""
    welcome = Welcome(
        protocol=PROTOCOL_VERSION,
        session_id="s1",
        code="K7QX4M",
        role="board",
        token="",
        epoch="e",
        server_time=T0,
        reset=True,
    )
    app.post_message(FrameReceived(welcome))
    app.post_message(LinkChanged("online"))
    for seq, event in enumerate(events, start=1):
        app.post_message(FrameReceived(Logged(seq=seq, event=event)))
    await pilot.pause()
    await pilot.pause()


def test_board_snapshot(snap_compare: Callable[..., bool]) -> None:
    app = BoardApp("ws://unused.invalid", clock=lambda: T0 + 960 + 12 * 60 + 30)

    async def run_before(pilot: Pilot[Any]) -> None:
        await show_without_hub(pilot, app, SNAPSHOT_EVENTS)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
