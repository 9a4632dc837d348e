"""Every screen at 80x24, the smallest terminal we promise to work in.

Each picture is the same scene as the wider snapshots of its app (the console's running session,
box breathing, the participant's session, the board, a recorded session), drawn at 80 columns by
24 rows. The Pilot tests read the screen as a person would: what is typed into the share box is
on screen, and every key an app offers is shown whole, on a footer row that fits.
"""

from __future__ import annotations

import io
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console as RichConsole
from textual.app import App
from textual.pilot import Pilot

from client.apps.board import BoardApp
from client.apps.facilitator import Console, FacilitatorApp
from client.apps.participant import ParticipantApp
from client.apps.review import ReviewApp, SessionReview
from client.widgets.key_row import KeyRow
from client.widgets.pacer import SHAPE_CHARS
from server.store.sqlite import SQLiteLog
from shared.events import (
    AnyEvent,
    CheckinClosed,
    CheckinOpened,
    ExerciseStarted,
    HandRaised,
    SpeakerCalled,
)
from shared.exercises import load_exercises
from shared.questions import PRESETS
from shared.reduce import replay
from tests.ui import test_board as board
from tests.ui import test_participant as participant
from tests.ui.screen import on_screen, until
from tests.ui.test_facilitator import DBT, LAYOUT_EVENTS, NOW
from tests.ui.test_facilitator_exercises import BREATHING_EVENTS
from tests.ui.test_participant_exercises import EXERCISE_AT, EXERCISE_EVENTS, next_frames
from tests.ui.test_review import tuesday, workshop, write

SMALL = (80, 24)
SHARE_WORDS = "I slept badly but I came anyway."
BOX = load_exercises()["box-breathing"].exercise
BOARD_NOW = board.T0 + 960 + 12 * 60 + 30
"""The board's usual picture: 12 min 30 s into the second item."""
BOARD_EXERCISE_EVENTS: list[AnyEvent] = [
    *board.SNAPSHOT_EVENTS,
    ExerciseStarted(run=1, exercise=BOX, at=BOARD_NOW - 18.5),
]
"""The board's usual picture, then box breathing: breath 2, 2.5 s into breathing in."""

MOOD_OPENED = CheckinOpened(checkin=1, question=PRESETS["mood"], at=BOARD_NOW - 60)
MOOD_CLOSED = CheckinClosed(
    checkin=1, answered=7, counts=(0, 0, 1, 1, 0, 2, 1, 1, 1, 0, 0), at=BOARD_NOW - 5
)
FLOOR_EVENTS: list[AnyEvent] = [
    SpeakerCalled(
        participant="p2", name="Kim", at=BOARD_NOW - 200, minutes=3, hard_minutes=5, turn=3, of=8
    ),
]
"""Kim's turn in a round, past the soft limit; the participants' own seat is p1."""

RunBefore = Callable[[Pilot[Any]], Awaitable[None]]
Scene = tuple[App[Any], RunBefore]


# -- reading the screen -----------------------------------------------------------------------


def screen_lines(app: App[Any]) -> list[str]:
    """The terminal's rows as plain text, as a person sees them (``export_screenshot``'s way)."""
    width, height = app.size
    console = RichConsole(
        width=width,
        height=height,
        file=io.StringIO(),
        record=True,
        legacy_windows=False,
        safe_box=False,
    )
    console.print(
        app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    )
    return console.export_text(styles=False).splitlines()


def seen_in(app: App[Any], selector: str) -> str:
    """The rows a widget covers, cut to its columns."""
    region = app.screen.query_one(selector).region
    lines = screen_lines(app)[region.y : region.bottom]
    return "\n".join(line[region.x : region.right] for line in lines)


def offered_keys(app: App[Any]) -> list[str]:
    """Every key the screen offers on its footer (and the console's key row), as it is drawn:
    "f2 High contrast", "^s Send share"; the ones not offered now are left out, as the footer
    leaves them out."""
    screen = app.screen
    active = list(screen.active_bindings.values())
    shown: list[str] = []
    actions: list[str] = []
    for _, binding, _, _ in active:
        if binding.show and binding.action not in actions:
            actions.append(binding.action)
    if isinstance(screen, Console) and screen.query_one(KeyRow).display:
        actions += [action for _, group in Console.MORE_KEYS for action in group]
    for action in actions:
        for _, binding, _, _ in active:
            if binding.action == action:
                shown.append(f"{app.get_key_display(binding)} {binding.description}")
                break
    return shown


async def every_key_shown(pilot: Pilot[Any]) -> None:
    """Each offered key comes to be on screen, whole, on one of the bottom rows (a footer
    draws its keys once it knows its width: a moment later on a busy machine)."""
    app = pilot.app
    assert offered_keys(app), "a screen with no keys at all"

    def missing() -> list[str]:
        bottom = "\n".join(screen_lines(app)[-6:])
        return [key for key in offered_keys(app) if key not in bottom]

    await until(pilot, lambda: not missing())


# -- the scenes -------------------------------------------------------------------------------


def console(events: list[AnyEvent]) -> Scene:
    app = FacilitatorApp("ws://127.0.0.1:9", templates=DBT, clock=lambda: NOW)

    async def show_console(pilot: Pilot[Any]) -> None:
        app.link_status = "online"  # no hub in this picture: nothing to connect to
        app.state = replay(events)
        app.open_console()
        await pilot.pause()
        await pilot.pause()  # the key rows wrap once they know their width

    return app, show_console


def participant_session() -> Scene:
    app = ParticipantApp("ws://unused.invalid", clock=lambda: BOARD_NOW)

    async def typed(pilot: Pilot[Any]) -> None:
        await participant.show_without_hub(pilot, app, participant.SNAPSHOT_EVENTS)
        await participant.type_text(pilot, SHARE_WORDS)
        await pilot.pause()

    return app, typed


def participant_breathing() -> Scene:
    app = ParticipantApp("ws://unused.invalid", clock=lambda: EXERCISE_AT + 18.5)

    async def breathing(pilot: Pilot[Any]) -> None:
        await participant.show_without_hub(pilot, app, EXERCISE_EVENTS)
        await participant.until_shown(pilot, "Breathe in")
        await next_frames(pilot)

    return app, breathing


def participant_checkin(*, closed: bool) -> Scene:
    """The mood check-in on a participant's screen: open and answered, or closed with its chart."""
    app = ParticipantApp("ws://unused.invalid", clock=lambda: BOARD_NOW)

    async def asked(pilot: Pilot[Any]) -> None:
        events = [*participant.SNAPSHOT_EVENTS, MOOD_OPENED]
        await participant.show_without_hub(pilot, app, events)
        await until(pilot, on_screen(app, "How is your mood right now?"))
        await pilot.press("6")
        if closed:
            app.state = replay([*events, MOOD_CLOSED])
            await until(pilot, on_screen(app, "Middle answer"))
        await pilot.pause()

    return app, asked


def participant_floor() -> Scene:
    """The session with the participant's hand up while Kim has the floor."""
    app = ParticipantApp("ws://unused.invalid", clock=lambda: BOARD_NOW)

    async def speaking(pilot: Pilot[Any]) -> None:
        hand = HandRaised(participant="p1", raised=True, at=BOARD_NOW - 100)
        events = [*participant.SNAPSHOT_EVENTS, *FLOOR_EVENTS, hand]
        await participant.show_without_hub(pilot, app, events)
        await until(pilot, on_screen(app, "Your hand is up"))
        await pilot.pause()

    return app, speaking


def participant_join() -> Scene:
    app = ParticipantApp("ws://unused.invalid")

    async def settle(pilot: Pilot[Any]) -> None:
        await pilot.pause()

    return app, settle


def board_scene(events: list[AnyEvent]) -> Scene:
    app = BoardApp("ws://unused.invalid", clock=lambda: BOARD_NOW)

    async def show(pilot: Pilot[Any]) -> None:
        await board.show_without_hub(pilot, app, events)
        await pilot.pause()

    return app, show


def review(log: SQLiteLog, *, open_one: bool) -> Scene:
    app = ReviewApp(log, tz=UTC)

    async def show(pilot: Pilot[Any]) -> None:
        await until(pilot, on_screen(app, "2 sessions"))
        if open_one:
            await pilot.press("enter")
            await until(pilot, lambda: isinstance(app.screen, SessionReview))
        await pilot.pause()
        await pilot.pause()

    return app, show


@pytest.fixture
def log(tmp_path: Path) -> Iterator[SQLiteLog]:
    """The review's two sessions; the newer one kept its share text."""
    store = SQLiteLog(tmp_path / "hub.sqlite3")
    write(store, "aaaa1111", workshop("aaaa1111"))
    write(store, "bbbb2222", tuesday("bbbb2222", record_shares=True))
    yield store
    store.close()


def snap(snap_compare: Callable[..., bool], scene: Scene) -> bool:
    app, run_before = scene
    return snap_compare(app, terminal_size=SMALL, run_before=run_before)


# -- pictures ---------------------------------------------------------------------------------


def test_console_at_80x24(snap_compare: Callable[..., bool]) -> None:
    assert snap(snap_compare, console(LAYOUT_EVENTS))


def test_console_with_a_breathing_exercise_at_80x24(snap_compare: Callable[..., bool]) -> None:
    assert snap(snap_compare, console(BREATHING_EVENTS))


def test_participant_session_at_80x24(snap_compare: Callable[..., bool]) -> None:
    assert snap(snap_compare, participant_session())


def test_participant_breathing_at_80x24(snap_compare: Callable[..., bool]) -> None:
    assert snap(snap_compare, participant_breathing())


def test_participant_join_at_80x24(snap_compare: Callable[..., bool]) -> None:
    assert snap(snap_compare, participant_join())


def test_board_at_80x24(snap_compare: Callable[..., bool]) -> None:
    assert snap(snap_compare, board_scene(board.SNAPSHOT_EVENTS))


def test_board_breathing_at_80x24(snap_compare: Callable[..., bool]) -> None:
    assert snap(snap_compare, board_scene(BOARD_EXERCISE_EVENTS))


def test_review_list_at_80x24(snap_compare: Callable[..., bool], log: SQLiteLog) -> None:
    assert snap(snap_compare, review(log, open_one=False))


def test_review_of_a_session_at_80x24(snap_compare: Callable[..., bool], log: SQLiteLog) -> None:
    assert snap(snap_compare, review(log, open_one=True))


# -- reading them -----------------------------------------------------------------------------


async def test_typing_a_share_at_80x24_shows_on_screen_with_every_key() -> None:
    app, run_before = participant_session()
    async with app.run_test(size=SMALL) as pilot:
        await run_before(pilot)
        box = app.screen.query_one("#share-box").region
        assert app.screen.region.contains_region(box), "the share box is cut off"
        assert SHARE_WORDS in seen_in(app, "#share-text")
        assert "Topic discussion · 32:30 left" in seen_in(app, "#now-panel")
        await every_key_shown(pilot)
        assert "^s Send share" in offered_keys(app)

        await participant.type_text(pilot, " Still here.")
        await until(pilot, lambda: f"{SHARE_WORDS} Still here." in seen_in(app, "#share-text"))


@pytest.mark.parametrize(
    "scene",
    [
        lambda: console(LAYOUT_EVENTS),
        lambda: console(BREATHING_EVENTS),
        participant_breathing,
        participant_join,
        lambda: board_scene(board.SNAPSHOT_EVENTS),
        lambda: board_scene(BOARD_EXERCISE_EVENTS),
        lambda: participant_checkin(closed=False),
        lambda: participant_checkin(closed=True),
        participant_floor,
        lambda: board_scene([*board.SNAPSHOT_EVENTS, *FLOOR_EVENTS, MOOD_OPENED, MOOD_CLOSED]),
    ],
    ids=[
        "console",
        "console-breathing",
        "participant-breathing",
        "participant-join",
        "board",
        "board-breathing",
        "participant-checkin",
        "participant-checkin-closed",
        "participant-floor",
        "board-checkin",
    ],
)
async def test_every_key_is_shown_whole_at_80x24(scene: Callable[[], Scene]) -> None:
    app, run_before = scene()
    async with app.run_test(size=SMALL) as pilot:
        await run_before(pilot)
        await every_key_shown(pilot)


@pytest.mark.parametrize("open_one", [False, True], ids=["list", "session"])
async def test_every_review_key_is_shown_whole_at_80x24(log: SQLiteLog, open_one: bool) -> None:
    app, run_before = review(log, open_one=open_one)
    async with app.run_test(size=SMALL) as pilot:
        await run_before(pilot)
        await every_key_shown(pilot)


@pytest.mark.parametrize(
    "scene", [participant_breathing, lambda: board_scene(BOARD_EXERCISE_EVENTS)]
)
async def test_the_whole_breathing_exercise_fits_at_80x24(scene: Callable[[], Scene]) -> None:
    """The pacer, the cue, the progress and the note under it: nothing below the edge."""
    app, run_before = scene()
    async with app.run_test(size=SMALL) as pilot:
        await run_before(pilot)
        guided = app.screen.query_one("#room-guided")
        assert app.screen.region.contains_region(guided.region)
        assert any(ch in SHAPE_CHARS for ch in seen_in(app, "#guided-pacer"))
        assert "Breath 2 of 10" in seen_in(app, "#guided-progress-row")


@pytest.mark.parametrize(
    ("scene", "chart"),
    [
        (lambda: participant_checkin(closed=True), "#checkin-question #checkin-chart"),
        (
            lambda: board_scene([*board.SNAPSHOT_EVENTS, *FLOOR_EVENTS, MOOD_OPENED, MOOD_CLOSED]),
            "#board-checkin",
        ),
    ],
    ids=["participant", "board"],
)
async def test_a_check_in_chart_fits_at_80x24(scene: Callable[[], Scene], chart: str) -> None:
    """The bars, every answer under them and the middle answer: nothing below the edge."""
    app, run_before = scene()
    async with app.run_test(size=SMALL) as pilot:
        await run_before(pilot)
        region = app.screen.query_one(chart).region
        assert app.screen.region.contains_region(region), region
        drawn = seen_in(app, chart)
        assert "Middle answer: 5" in drawn and " 9   10" in drawn and "█" in drawn


def test_participant_checkin_at_80x24(snap_compare: Callable[..., bool]) -> None:
    assert snap(snap_compare, participant_checkin(closed=True))


def test_board_checkin_at_80x24(snap_compare: Callable[..., bool]) -> None:
    events = [*board.SNAPSHOT_EVENTS, *FLOOR_EVENTS, MOOD_OPENED, MOOD_CLOSED]
    assert snap(snap_compare, board_scene(events))


async def test_the_console_keeps_code_status_agenda_and_shares_at_80x24() -> None:
    app, run_before = console(LAYOUT_EVENTS)
    async with app.run_test(size=SMALL) as pilot:
        await run_before(pilot)
        text = "\n".join(screen_lines(app))
        assert "K M 3 F 9 A" in seen_in(app, "#code-panel")
        assert app.screen.query_one("#code-panel").region.height <= 5
        assert "Running — item 2 of 4 · 2 of 3 here" in text
        assert "Homework and diary card review · 25:00 left" in text
        assert "Agenda" in seen_in(app, "#agenda-panel")
        shares = seen_in(app, "#shares")
        for start in ("#2  Weekends", "#3  Not sure", "#1  I made it"):
            assert start in shares, shares
