"""Guided exercises on the participant terminal, driven by Pilot against a real hub.

The room's timeline comes from the hub's clock. Here one clock object drives both the hub and the
terminal (``ParticipantApp(clock=...)`` is the clock its HubLink measures the hub against), so a
test can stop time, or move it, and read exactly what a person would see at that moment.
Practising alone runs on the terminal's own clock and must never reach the hub at all.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, closing
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, OptionList

from client.apps.participant import ParticipantApp, PracticeScreen
from client.widgets.exercise_view.checkin import ANONYMOUS_WORDS, CheckinQuestion
from client.widgets.exercise_view.guided import DONE_WORDS, STOPPED_WORDS, GuidedView
from client.widgets.pacer import SHAPE_CHARS
from server.config import HubConfig
from server.hub import Hub
from shared.commands import (
    AnswerCheckin,
    AnyCommand,
    CloseCheckin,
    OpenCheckin,
    PauseExercise,
    ResumeExercise,
    StartExercise,
    StartSession,
    StopExercise,
)
from shared.events import Ack, AnyEvent, CheckinClosed, ExerciseStarted
from shared.exercises import load_exercises
from shared.questions import FEELING, PRESETS
from shared.reduce import replay
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
from tests.ui.test_participant import (
    SIZE,
    SNAPSHOT_EVENTS,
    T0,
    code_of,
    paste,
    screen_text,
    seen,
    show_without_hub,
    until,
    until_gone,
    until_shown,
)

HIDDEN = "Screen hidden. Press F9 to come back."


class SharedClock:
    """One clock for the hub and the terminal. ``at`` stops it at a moment; ``None`` lets it run."""

    def __init__(self) -> None:
        self.at: float | None = None

    def __call__(self) -> float:
        return time.time() if self.at is None else self.at


@pytest.fixture
async def clocked(db_path: Path) -> AsyncIterator[tuple[RunningHub, SharedClock]]:
    """A real hub on a real socket whose clock the test holds."""
    clock = SharedClock()
    store = accounts_store(db_path)
    hub = Hub(store, HubConfig(**QUICK_BATCHES, db=db_path), clock=clock)
    async with hub.serve("127.0.0.1", 0) as server:
        uri = f"ws://127.0.0.1:{server.sockets[0].getsockname()[1]}"
        yield RunningHub(hub=hub, store=store, uri=uri, db=db_path), clock
    await store.close()


@asynccontextmanager
async def running_session(hub: RunningHub) -> AsyncIterator[Client]:
    fac = await facilitator(hub.uri)
    try:
        await fac.do(StartSession(id=new_id()))
        yield fac
    finally:
        await fac.stop()


def terminal(
    hub: RunningHub, fac: Client, clock: Callable[[], float] | None = None, name: str = "Sam"
) -> ParticipantApp:
    return ParticipantApp(
        hub.uri, code=code_of(fac), name=name, reconnect_delays=fast_delays, clock=clock
    )


async def launch(pilot: Pilot[None], fac: Client, exercise: str) -> float:
    """The facilitator starts an exercise; returns its start on the hub's clock."""
    app = pilot.app
    assert isinstance(app, ParticipantApp)
    await fac.do(StartExercise(id=new_id(), exercise=exercise))
    await until(pilot, lambda: app.state.exercise is not None)
    assert app.state.exercise is not None
    return app.state.exercise.started_at


async def next_frames(pilot: Pilot[None], count: int = 2) -> None:
    """Wait until the guided view has redrawn ``count`` more times (never a sleep)."""
    guided = pilot.app.screen.query_one(GuidedView)
    target = guided.frames + count
    await until(pilot, lambda: guided.frames >= target)


def pacer_cells(app: ParticipantApp) -> int:
    """How much of the screen the pacer's shape covers, in character cells."""
    return sum(ch in SHAPE_CHARS for ch in screen_text(app, within="#guided-pacer"))


def stored_rows(db: Path) -> tuple[int, int]:
    """Rows in the hub's event log and command-id table: what the hub ever kept."""
    with closing(sqlite3.connect(db)) as conn:
        events = conn.execute("SELECT count(*) FROM events").fetchone()[0]
        commands = conn.execute("SELECT count(*) FROM commands").fetchone()[0]
    return events, commands


def record_sends(app: ParticipantApp) -> list[AnyCommand]:
    """Every command the terminal hands to its link from now on."""
    sent: list[AnyCommand] = []
    link = app.link
    assert link is not None
    send = link.send

    async def recording(command: AnyCommand) -> None:
        sent.append(command)
        await send(command)

    link.send = recording  # type: ignore[method-assign]
    return sent


# -- the room's exercise -----------------------------------------------------------------------


async def test_a_launched_exercise_pauses_resumes_and_stops(
    clocked: tuple[RunningHub, SharedClock],
) -> None:
    hub, clock = clocked
    async with running_session(hub) as fac:
        app = terminal(hub, fac, clock)
        async with app.run_test(size=SIZE) as pilot:
            await until_shown(pilot, "Relapse prevention group")
            start = await launch(pilot, fac, "box-breathing")
            clock.at = start + 1.5
            seen_ = await until_shown(
                pilot, "Box breathing", "Breathe in", "3 s left", "Breath 1 of 10", "x Leave"
            )
            assert "If you feel dizzy or light-headed, stop and breathe normally." in seen_
            assert "Paused" not in seen_
            assert "Write a share" not in seen_  # the guided view has the whole screen

            await fac.do(PauseExercise(id=new_id()))  # at start + 1.5 on the hub's clock
            await until_shown(pilot, "Paused", "3 s left")
            clock.at = start + 3.5  # two seconds pass while paused
            await next_frames(pilot)
            assert "Paused" in seen(app) and "3 s left" in seen(app)  # the count stood still

            await fac.do(ResumeExercise(id=new_id()))  # at start + 3.5: 2 s of pause
            clock.at = start + 4.5  # 2.5 s into the breath
            await until_shown(pilot, "Breathe in", "2 s left")
            await until_gone(pilot, "Paused")

            await fac.do(StopExercise(id=new_id()))
            seen_ = await until_shown(pilot, STOPPED_WORDS, "x Back to the session")
            assert "Breathe in" not in seen_ and "Breath 1 of 10" not in seen_
            assert not SHAPE_CHARS & set(screen_text(app))  # the pacer has gone too


async def test_the_pacer_grows_breathing_in_and_shrinks_breathing_out(
    clocked: tuple[RunningHub, SharedClock],
) -> None:
    hub, clock = clocked
    async with running_session(hub) as fac:
        app = terminal(hub, fac, clock)
        async with app.run_test(size=SIZE) as pilot:
            await until_shown(pilot, "Relapse prevention group")
            start = await launch(pilot, fac, "box-breathing")  # in 4 · hold 4 · out 4 · hold 4
            sizes: dict[float, int] = {}
            moments = (
                (1, "Breathe in"),
                (3, "Breathe in"),
                (9, "Breathe out"),
                (11, "Breathe out"),
            )
            for second, cue in moments:
                clock.at = start + second
                await until_shown(pilot, cue)
                await next_frames(pilot)
                sizes[second] = pacer_cells(app)
            assert 0 < sizes[1] < sizes[3]  # growing on the way in
            assert sizes[9] > sizes[11] > 0  # shrinking on the way out, never vanishing


async def test_a_late_joiner_lands_on_the_current_step(
    clocked: tuple[RunningHub, SharedClock],
) -> None:
    hub, clock = clocked
    async with running_session(hub) as fac:
        await fac.do(StartExercise(id=new_id(), exercise="box-breathing"))
        run = fac.state.exercise
        assert run is not None
        clock.at = run.started_at + 21.5  # cycle 2, the hold after breathing in
        app = terminal(hub, fac, clock, name="Late")
        async with app.run_test(size=SIZE) as pilot:
            seen_ = await until_shown(pilot, "Box breathing", "Hold, full", "3 s left")
            assert "Breath 2 of 10" in seen_


async def test_leaving_quietly_sends_nothing_and_the_way_back_stays_open(hub: RunningHub) -> None:
    async with running_session(hub) as fac:
        app = terminal(hub, fac)
        async with app.run_test(size=SIZE) as pilot:
            await until_shown(pilot, "Relapse prevention group")
            await launch(pilot, fac, "grounding-54321")
            await until_shown(pilot, "Find five things you can see", "x Leave exercise")
            sent, before = record_sends(app), stored_rows(hub.db)

            await pilot.press("x")
            seen_ = await until_shown(
                pilot,
                "Write a share",
                "The room is doing 5-4-3-2-1 grounding. Press Ctrl+R to join in again",
                "^r Back to the exercise",
            )
            assert "Find five things you can see" not in seen_
            await pilot.press("ctrl+r")
            await until_shown(pilot, "Find five things you can see")
            await until_gone(pilot, "Write a share")

            await fac.do(PauseExercise(id=new_id()))  # a round trip after the keys
            await until_shown(pilot, "Paused")
            assert sent == []
            assert app.link is not None and app.link.outbox == {}
            assert stored_rows(hub.db) == (before[0] + 1, before[1] + 1)  # only the pause


async def test_how_do_you_feel_is_a_check_in_about_the_exercise(hub: RunningHub) -> None:
    async with running_session(hub) as fac:
        app = terminal(hub, fac)
        others = [await participant(hub.uri, code_of(fac), n) for n in ("Kim", "Lou")]
        async with app.run_test(size=SIZE) as pilot:
            await until_shown(pilot, "Relapse prevention group")
            await launch(pilot, fac, "stop-skill")
            await until_shown(pilot, "Stop. Freeze where you are.")
            sent = record_sends(app)
            await fac.do(StopExercise(id=new_id()))
            await until_shown(pilot, STOPPED_WORDS, "x Back to the session")
            await fac.do(OpenCheckin(id=new_id(), question=FEELING, run=1))
            seen_ = await until_shown(
                pilot, "How do you feel now?", "After STOP skill", ANONYMOUS_WORDS, "0–9 Choose"
            )
            assert STOPPED_WORDS not in seen_  # the question takes the guided part's place
            await pilot.press("9", "right")  # ten is one step past nine
            await until_shown(pilot, "You chose 10. Press Enter to send it.")
            await pilot.press("enter")
            await until_shown(pilot, "You answered 10.", "1 person has answered.")
            assert [(c.checkin, c.value) for c in sent if isinstance(c, AnswerCheckin)] == [(1, 10)]
            for other, score in zip(others, (4, 7), strict=True):
                answer = AnswerCheckin(id=new_id(), checkin=1, value=score)
                assert isinstance(await other.do(answer), Ack)

            await fac.do(CloseCheckin(id=new_id(), checkin=1))
            await until_shown(pilot, "3 people answered.", "Middle answer: 7", "x Back to the")
            await pilot.press("x")
            await until_shown(pilot, "Write a share")
        for other in others:
            closed = [e for e in other.events if isinstance(e, CheckinClosed)]
            assert [c.counts for c in closed] == [(0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 1)]
            await other.stop()


async def test_the_done_words_stay_until_the_check_in_is_asked(
    clocked: tuple[RunningHub, SharedClock],
) -> None:
    hub, clock = clocked
    async with running_session(hub) as fac:
        app = terminal(hub, fac, clock)
        async with app.run_test(size=SIZE) as pilot:
            await until_shown(pilot, "Relapse prevention group")
            start = await launch(pilot, fac, "stop-skill")  # four steps of 15 s
            clock.at = start + 50
            await until_shown(pilot, "Proceed mindfully.", "Step 4 of 4", "10 s left")
            clock.at = start + 61  # nobody stopped it: its time is simply up
            await until_shown(pilot, DONE_WORDS, "x Back to the session")
            await fac.do(OpenCheckin(id=new_id(), question=FEELING, run=1))
            await until_shown(pilot, "How do you feel now?", "After STOP skill", "0–9 Choose")
            await pilot.press("3", "enter")
            await until_shown(pilot, "You answered 3.")


async def test_the_hubs_words_are_shown_calmly_when_it_cannot_take_an_answer(
    hub: RunningHub,
) -> None:
    async with running_session(hub) as fac:
        app = terminal(hub, fac)
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            await until_shown(pilot, "Relapse prevention group")
            await fac.do(OpenCheckin(id=new_id(), question=PRESETS["safety"]))
            await until_shown(pilot, "How safe do you feel in this group today?")
            question = app.screen.query_one("#checkin-question", CheckinQuestion)
            question.post_message(CheckinQuestion.Answered(1, 9))  # past the scale's end
            seen_ = await until_shown(
                pilot, "Please choose an answer from 1 to 5.", "You can choose again."
            )
            assert "Not done" not in seen_  # no alarm toast
            await pilot.press("4")  # another try is possible
            await until_shown(pilot, "You chose 4. Press Enter to send it.")
            await pilot.press("enter")
            await until_shown(pilot, "You answered 4.")


async def test_a_check_in_about_an_exercise_put_away_comes_on_its_own_view(
    hub: RunningHub,
) -> None:
    async with running_session(hub) as fac:
        app = terminal(hub, fac)
        async with app.run_test(size=SIZE) as pilot:
            await until_shown(pilot, "Relapse prevention group")
            await launch(pilot, fac, "stop-skill")
            await until_shown(pilot, "Stop. Freeze where you are.")
            await fac.do(StopExercise(id=new_id()))
            await until_shown(pilot, STOPPED_WORDS)
            await pilot.press("x")
            await until_shown(pilot, "Write a share")
            await fac.do(OpenCheckin(id=new_id(), question=FEELING, run=1))
            await until_shown(pilot, "How do you feel now?", "After STOP skill")
            await until_gone(pilot, "Write a share")


# -- practising alone --------------------------------------------------------------------------


async def open_practice(pilot: Pilot[None], exercise: str) -> PracticeScreen:
    await pilot.press("ctrl+o")
    await until_shown(pilot, "Practise on your own", "Nothing you do or write here is sent")
    screen = pilot.app.screen
    assert isinstance(screen, PracticeScreen)
    options = screen.query_one("#practice-list", OptionList)
    options.highlighted = options.get_option_index(exercise)
    await pilot.press("enter")
    await until(pilot, lambda: screen.run is not None)
    return screen


async def test_a_private_thought_record_never_reaches_the_hub(hub: RunningHub) -> None:
    async with running_session(hub) as fac:
        app = terminal(hub, fac)
        async with app.run_test(size=SIZE) as pilot:
            await until_shown(pilot, "Relapse prevention group", "^o Practise on your own")
            sent, before = record_sends(app), stored_rows(hub.db)
            screen = await open_practice(pilot, "thought-record")
            await until_shown(pilot, "Situation: where were you", "Only you see this.")
            await until(pilot, lambda: isinstance(app.focused, Input))
            await paste(pilot, "Home alone")
            await until_shown(pilot, "Home alone")
            await pilot.press("ctrl+n")
            await until_shown(pilot, "Emotion: what did you feel?")
            await until(pilot, lambda: isinstance(app.focused, Input) and not app.focused.value)
            await paste(pilot, "lonely")
            await pilot.press("ctrl+n")
            await until_shown(pilot, "How strong was that feeling, from 0 to 100%?")
            await pilot.press("7")
            await pilot.press("escape")  # stop: the answers are read back, on this screen only
            await until_shown(
                pilot, "Stopped.", "Home alone", "lonely", "70%", "esc Leave (clears answers)"
            )
            assert screen.answers is not None and screen.answers.steps == {
                0: "Home alone",
                1: "lonely",
                2: 70,
            }

            await pilot.press("escape")
            await until_shown(pilot, "Leave this exercise?", "Your answers will be cleared")
            await pilot.click("#leave-clear")
            await until_shown(pilot, "Choose with ↑ and ↓")
            assert screen.answers is None  # the only place they ever were
            assert "Home alone" not in seen(app)

            assert sent == []
            assert app.link is not None and app.link.outbox == {}
            assert stored_rows(hub.db) == before
            assert fac.state.shares == ()


async def test_halt_yes_shows_its_suggestion() -> None:
    clock = SharedClock()
    clock.at = T0
    app = ParticipantApp("ws://unused.invalid", clock=clock)  # never joins: alone only
    async with app.run_test(size=SIZE) as pilot:
        await open_practice(pilot, "halt-check")
        await until_shown(pilot, "Am I hungry or thirsty?", "y Yes", "n No")
        await pilot.press("y")
        await until_shown(pilot, "Have a snack or a glass of water at the next break.")
        await pilot.press("ctrl+n")
        await until_shown(pilot, "Am I angry or frustrated?")
        await pilot.press("n")
        await next_frames(pilot)
        assert "Try a coping skill now" not in seen(app)  # only a yes suggests something
        await pilot.press("escape", "escape")  # stop, then leave
        await until_shown(pilot, "Leave this exercise?")
        await pilot.press("escape")  # stay after all: the answers are still there
        seen_ = await until_shown(pilot, "Your answers, on this screen only:")
        assert "Yes · Have a snack or a glass of water at the next break." in seen_


async def test_urge_checks_come_each_minute_and_a_pause_holds_time() -> None:
    clock = SharedClock()
    clock.at = T0
    app = ParticipantApp("ws://unused.invalid", clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_practice(pilot, "urge-surfing")
        await until_shown(pilot, "Notice that an urge is here.", "^p Pause", "^n Next step")
        assert "How strong is the urge" not in seen(app)
        clock.at = T0 + 61
        await until_shown(pilot, "How strong is the urge right now", "0–9 Choose")
        await pilot.press("6")
        clock.at = T0 + 121
        await until_shown(pilot, "Earlier checks: 6")
        await pilot.press("f9")  # private answers hide like everything else
        seen_ = await until_shown(pilot, HIDDEN)
        assert "urge" not in seen_ and "Earlier checks" not in seen_
        await pilot.press("f9")
        await until_shown(pilot, "Earlier checks: 6")
        await pilot.press("4")
        await until(
            pilot, lambda: screen.answers is not None and screen.answers.checks == {1: 6, 2: 4}
        )
        await pilot.press("ctrl+p")
        await until_shown(pilot, "Paused", "^p Carry on")
        clock.at = T0 + 400  # past its end, but paused: it waits
        await next_frames(pilot)
        assert "Paused" in seen(app)


# -- hiding and the snapshot --------------------------------------------------------------------

BOX = load_exercises()["box-breathing"].exercise
EXERCISE_AT = T0 + 1000
EXERCISE_EVENTS: list[AnyEvent] = [
    *SNAPSHOT_EVENTS,
    ExerciseStarted(run=1, exercise=BOX, at=EXERCISE_AT),
]


async def test_f9_hides_the_exercise_and_its_pacer() -> None:
    app = ParticipantApp("ws://unused.invalid", clock=lambda: EXERCISE_AT + 18.5)
    async with app.run_test(size=SIZE) as pilot:
        await show_without_hub(pilot, app, EXERCISE_EVENTS)
        await until_shown(pilot, "Box breathing", "Breathe in")
        assert pacer_cells(app) > 0
        await pilot.press("f9")
        seen_ = await until_shown(pilot, HIDDEN)
        for private in ("Box breathing", "Breathe", "left", "Breath 2", "Leave exercise"):
            assert private not in seen_, private
        assert not SHAPE_CHARS & set(screen_text(app))
        await pilot.press("f9")
        await until_shown(pilot, "Box breathing", "Breathe in", "x Leave exercise")
        await pilot.press("x")  # the keys still work after coming back
        await until_shown(pilot, "Write a share", "^r Back to the exercise")


async def test_a_room_exercise_starting_during_practice_is_announced_gently() -> None:
    app = ParticipantApp("ws://unused.invalid", clock=lambda: EXERCISE_AT + 18.5)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await show_without_hub(pilot, app, SNAPSHOT_EVENTS)
        await until_shown(pilot, "Write a share")
        await pilot.press("ctrl+o")
        await until_shown(pilot, "Practise on your own", "esc Back")
        app.state = replay(EXERCISE_EVENTS)  # the facilitator launches box breathing
        await until_shown(pilot, "The group has started Box breathing.", "Practise on your own")
        await pilot.press("escape")
        await until_shown(pilot, "Box breathing", "Breathe in", "x Leave exercise")


def test_guided_breathing_snapshot(snap_compare: Callable[..., bool]) -> None:
    """Cycle 2 of box breathing, 2.5 s into breathing in: the pacer a little past half."""
    app = ParticipantApp("ws://unused.invalid", clock=lambda: EXERCISE_AT + 18.5)

    async def run_before(pilot: Pilot[None]) -> None:
        await show_without_hub(pilot, app, EXERCISE_EVENTS)
        await until_shown(pilot, "Breathe in")
        await next_frames(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
