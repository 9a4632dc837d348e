"""Guided exercises from the facilitator console, against a real hub and real participants.

The facilitator picks an exercise in a modal, follows it in a panel above the agenda and, once
it is stopped, closes the "How do you feel now?" question. Every check reads the screen (or a
participant's reduced state, for what reached the room); every wait is on a condition.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.pilot import Pilot
from textual.widgets import OptionList

from client.apps.facilitator import FacilitatorApp
from client.widgets.exercise_picker import ExercisePicker
from shared.commands import AnswerCheckin
from shared.events import Ack, AnyEvent, ExerciseStarted
from shared.exercises import load_exercises
from shared.reduce import replay
from tests.helpers import Client, RunningHub, new_id, participant
from tests.ui.screen import on_screen, screen_text, until
from tests.ui.test_facilitator import (
    BUILT_IN,
    DBT,
    LAYOUT_EVENTS,
    NOW,
    SIZE,
    Clock,
    create_session,
    in_panel,
    make_app,
    seen_in,
)

EXERCISES = {key: loaded.exercise for key, loaded in load_exercises().items()}
WORKSHOP = {"psychoeducation-workshop": BUILT_IN["psychoeducation-workshop"]}
PANEL = "#exercise-panel"
KEYS = "#more-keys"


# -- helpers ------------------------------------------------------------------------------------


async def running_session(
    pilot: Pilot[Any], app: FacilitatorApp, hub: RunningHub, *names: str
) -> list[Client]:
    """Create the session, let people join, begin it (item 1 is then current)."""
    code = await create_session(pilot, app)
    people = [await participant(hub.uri, code, name) for name in names]
    await pilot.press("b")
    await until(pilot, lambda: app.state.current == 0)
    return people


async def open_picker(pilot: Pilot[Any], app: FacilitatorApp) -> ExercisePicker:
    await until(pilot, in_panel(app, KEYS, "x Exercise…"))
    await pilot.press("x")
    await until(pilot, lambda: isinstance(app.screen, ExercisePicker))
    await pilot.pause()
    assert isinstance(app.screen, ExercisePicker)
    return app.screen


def reads(app: FacilitatorApp, selector: str, *sentences: str) -> Callable[[], bool]:
    """Each sentence is in the panel, even where the panel wrapped it over two lines."""

    def check() -> bool:
        flat = " ".join(seen_in(app, selector).replace("│", " ").split())
        return all(sentence in flat for sentence in sentences)

    return check


def highlighted(app: FacilitatorApp) -> str | None:
    option = app.screen.query_one("#exercise-list", OptionList).highlighted_option
    return option.id if option is not None else None


async def choose(pilot: Pilot[Any], app: FacilitatorApp, exercise: str) -> None:
    """Move the highlight with the arrow keys, as a facilitator would, to ``exercise``."""
    for _ in range(30):
        if highlighted(app) == exercise:
            return
        await pilot.press("down")
    raise AssertionError(f"{exercise} is not in the picker:\n{screen_text(app)}")


async def start(pilot: Pilot[Any], app: FacilitatorApp, exercise: str, *keys: str) -> None:
    """Pick ``exercise`` (pressing ``keys`` in the picker first) and start it for the room."""
    await open_picker(pilot, app)
    await choose(pilot, app, exercise)
    await pilot.press(*keys, "enter")
    await until(pilot, lambda: app.state.exercise is not None)
    await until(pilot, lambda: not isinstance(app.screen, ExercisePicker))


def paused(client: Client) -> bool:
    """The room's exercise is paused as this participant's terminal sees it."""
    run = client.state.exercise
    return run is not None and run.paused_at is not None


async def stop_all(*clients: Client) -> None:
    for client in clients:
        await client.stop()


# -- picking ------------------------------------------------------------------------------------


async def test_the_items_exercise_is_suggested_and_starts_for_everyone(hub: RunningHub) -> None:
    app = make_app(hub)  # dbt-skills: item 1 suggests the STOP skill
    async with app.run_test(size=SIZE) as pilot:
        [sam] = await running_session(pilot, app, hub, "Sam")
        assert not app.screen.query_one(PANEL).display  # nothing running yet

        await open_picker(pilot, app)
        assert highlighted(app) == "stop-skill"
        picker = screen_text(app)
        assert "Suggested for this item" in picker
        for title in ("STOP skill", "Box breathing", "TIPP", "Thought record"):
            assert title in picker
        assert "On their own terminal only" in picker
        assert "A one-minute pause between a strong feeling" in picker  # purpose
        assert "Grounding · 1 min" in picker
        footer = picker.splitlines()[-1]
        assert "⏎ Start for the room" in footer and "esc Back" in footer

        await pilot.press("enter")
        await until(pilot, in_panel(app, PANEL, "STOP skill", "Step 1 of 4", "Stop. Freeze"))
        assert "s left in this step" in seen_in(app, PANEL)
        await sam.until(lambda: sam.state.exercise is not None)
        assert sam.state.exercise is not None and sam.state.exercise.exercise.id == "stop-skill"
        keys = seen_in(app, KEYS)
        assert "p Pause" in keys and "] Next step" in keys and "o Stop exercise" in keys
        await stop_all(sam)


async def test_a_private_exercise_cannot_be_started_for_the_room(hub: RunningHub) -> None:
    own = {key: EXERCISES[key] for key in ("stop-skill", "thought-record")}
    app = make_app(hub, exercises=own)  # the catalogue the CLI would pass
    async with app.run_test(size=SIZE) as pilot:
        [kim] = await running_session(pilot, app, hub, "Kim")
        await open_picker(pilot, app)
        assert "Box breathing" not in screen_text(app)  # only what this console was given

        await choose(pilot, app, "thought-record")
        await until(
            pilot, reads(app, "#exercise-details", "so this cannot be started for the room")
        )
        await pilot.press("enter")
        await until(
            pilot,
            reads(
                app,
                "#picker-message",
                "Thought record is done on each person's own terminal, so it can't be started "
                "for the room. Participants can open it on their own.",
            ),
        )
        assert isinstance(app.screen, ExercisePicker)  # still choosing; nothing was sent
        assert app.state.exercises == () and kim.state.exercises == ()

        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, ExercisePicker))
        assert app.state.exercises == ()
        await stop_all(kim)


async def test_a_breathing_exercise_at_the_beginner_pace(hub: RunningHub) -> None:
    app = make_app(hub, templates=WORKSHOP)  # item 3 suggests box breathing
    async with app.run_test(size=SIZE) as pilot:
        [ana] = await running_session(pilot, app, hub, "Ana")
        for index in (1, 2):
            await pilot.press("n")
            await until(pilot, lambda i=index: app.state.current == i)  # type: ignore[misc]

        await open_picker(pilot, app)
        assert highlighted(app) == "box-breathing"
        assert "Suggested for this item" in screen_text(app)
        assert "If you feel dizzy or light-headed" in screen_text(app)  # a caution
        assert "● Standard · in 4 · hold 4 · out 4 · rest 4 s, 10 breaths" in screen_text(app)
        await pilot.press("v")
        await until(pilot, on_screen(app, "● Beginner: 3-second sides · 12 breaths"))
        await pilot.press("enter")

        await until(pilot, in_panel(app, PANEL, "Box breathing", " of 12"))  # 12 beginner breaths
        await ana.until(lambda: ana.state.exercise is not None)
        run = ana.state.exercise
        assert run is not None and run.exercise.breathing is not None
        assert [p.seconds for p in run.exercise.breathing.phases] == [3, 3, 3, 3]
        assert run.exercise.breathing.cycles == 12
        await stop_all(ana)


async def test_optional_steps_are_left_out_unless_switched_on(hub: RunningHub) -> None:
    app = make_app(hub, exercises={key: EXERCISES[key] for key in ("stop-skill", "tipp")})
    async with app.run_test(size=SIZE) as pilot:
        [lee] = await running_session(pilot, app, hub, "Lee")
        await open_picker(pilot, app)
        await choose(pilot, app, "tipp")
        text = screen_text(app)
        assert "Include optional steps" in text
        assert "Cold water and intense exercise can be risky" in text  # the caution, shown
        assert "i Include optional steps" in text.splitlines()[-1]
        await pilot.press("i", "enter")

        await until(pilot, in_panel(app, PANEL, "Step 1 of 4", "Temperature: cool your face"))
        await lee.until(lambda: lee.state.exercise is not None)
        run = lee.state.exercise
        assert run is not None and run.exercise.steps is not None
        assert not any(step.optional for step in run.exercise.steps)
        await stop_all(lee)


# -- while it runs ------------------------------------------------------------------------------


async def test_pause_and_resume_reach_the_room(hub: RunningHub) -> None:
    app = make_app(hub)
    async with app.run_test(size=SIZE) as pilot:
        [sam] = await running_session(pilot, app, hub, "Sam")
        await start(pilot, app, "stop-skill")
        await until(pilot, in_panel(app, PANEL, "Stop. Freeze where you are."))

        await pilot.press("p")
        await until(pilot, in_panel(app, PANEL, "STOP skill · Paused", "everyone is holding here"))
        await sam.until(lambda: paused(sam))
        await until(pilot, in_panel(app, KEYS, "p Resume"))
        assert "p Pause" not in seen_in(app, KEYS)

        await pilot.press("p")
        await sam.until(lambda: sam.state.exercise is not None and not paused(sam))
        await until(pilot, lambda: "Paused" not in seen_in(app, PANEL))
        await until(pilot, in_panel(app, KEYS, "p Pause"))
        assert "Stop. Freeze where you are." in seen_in(app, PANEL)  # the same step carries on
        await stop_all(sam)


async def test_skip_then_stop_reach_every_terminal(hub: RunningHub) -> None:
    app = make_app(hub)
    async with app.run_test(size=SIZE) as pilot:
        sam, kim = await running_session(pilot, app, hub, "Sam", "Kim")
        await start(pilot, app, "stop-skill")
        await until(pilot, in_panel(app, PANEL, "Step 1 of 4", "Stop. Freeze where you are."))

        await pilot.press("right_square_bracket")
        await until(pilot, in_panel(app, PANEL, "Step 2 of 4", "Take a step back."))
        assert "Stop. Freeze" not in seen_in(app, PANEL)
        await kim.until(lambda: kim.state.exercise is not None and kim.state.exercise.skipped > 0)

        await pilot.press("o")
        for person in (sam, kim):
            await person.until(lambda p=person: p.state.exercise is None)  # type: ignore[misc]
        await until(pilot, lambda: app.state.exercise is None)
        await until(pilot, reads(app, PANEL, "Press f to ask how the room feels"))
        keys = seen_in(app, KEYS)
        assert "f Ask how the room feels" in keys and "p Pause" not in keys and "Stop" not in keys
        assert "c Close check-in" not in keys  # nothing asked yet
        await stop_all(sam, kim)


async def test_a_run_that_finishes_by_time_says_so_and_offers_stop(hub: RunningHub) -> None:
    clock = Clock()
    app = make_app(hub, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await running_session(pilot, app, hub)
        await start(pilot, app, "stop-skill")
        await until(pilot, in_panel(app, KEYS, "p Pause"))

        clock.ahead = 61  # the STOP skill takes a minute
        await until(pilot, in_panel(app, PANEL, "STOP skill · Finished", "Press o to end it."))
        await until(pilot, lambda: "p Pause" not in seen_in(app, KEYS))
        keys = seen_in(app, KEYS)
        assert "o Stop exercise" in keys and "Next step" not in keys
        assert "f Ask how the room feels" in keys  # finished: the room can be asked already


# -- how do you feel now? -----------------------------------------------------------------------


async def rate(people: list[Client], scores: list[int]) -> None:
    for person, score in zip(people, scores, strict=True):
        await person.until(lambda p=person: p.state.open_checkin is not None)  # type: ignore[misc]
        checkin = person.state.open_checkin
        assert checkin is not None and checkin.run == 1
        answer = await person.do(AnswerCheckin(id=new_id(), checkin=checkin.number, value=score))
        assert isinstance(answer, Ack), answer


async def ask_feeling(pilot: Pilot[Any], app: FacilitatorApp) -> None:
    """End the exercise and ask the room how it feels (key f), as the panel says to."""
    await pilot.press("o")
    await until(pilot, in_panel(app, KEYS, "f Ask how the room feels"))
    await pilot.press("f")
    await until(pilot, lambda: app.state.open_checkin is not None)


def chart_rows(app: FacilitatorApp) -> dict[int, str]:
    """Score → what its row shows after the ┃ (bar and count)."""
    rows = {}
    for line in seen_in(app, PANEL).splitlines():
        left, bar, right = line.strip(" │").partition("┃")
        if bar and left.strip().isdigit():
            rows[int(left)] = right.strip()
    return rows


async def test_the_rooms_answers_show_as_a_distribution(hub: RunningHub) -> None:
    app = make_app(hub)
    async with app.run_test(size=SIZE) as pilot:
        people = await running_session(pilot, app, hub, "Ann", "Bo", "Cy")
        await start(pilot, app, "stop-skill")
        await ask_feeling(pilot, app)
        await until(pilot, in_panel(app, PANEL, "How do you feel now? · STOP skill"))
        assert "Nobody has answered yet." in seen_in(app, PANEL)
        assert "f Ask how the room feels" not in seen_in(app, KEYS)  # asked once per run

        await rate(people, [4, 7, 7])
        # How many, never what: the count comes as each answer does.
        await until(pilot, in_panel(app, PANEL, "3 people have answered so far."))
        await until(pilot, in_panel(app, KEYS, "c Close check-in"))
        await pilot.press("c")
        await until(pilot, in_panel(app, PANEL, "3 people answered · median 7"))
        rows = chart_rows(app)
        assert sorted(rows) == list(range(11))
        assert rows[7].endswith(" 2") and rows[4].endswith(" 1")
        assert len(rows[7]) > len(rows[4])  # twice the answers, a longer bar
        assert rows[0] == "very low" and rows[10] == "very good"  # what the ends mean
        assert all(rows[s] == "" for s in rows if s not in (0, 4, 7, 10))
        panel = seen_in(app, PANEL)
        assert not any(name in panel for name in ("Ann", "Bo", "Cy"))
        assert "Close check-in" not in seen_in(app, KEYS)
        assert not app.screen.query_one("#checkin-panel").display
        await stop_all(*people)


async def test_too_few_answers_stay_private(hub: RunningHub) -> None:
    app = make_app(hub)
    async with app.run_test(size=SIZE) as pilot:
        people = await running_session(pilot, app, hub, "Ann", "Bo")
        await start(pilot, app, "stop-skill")
        await ask_feeling(pilot, app)
        await until(pilot, in_panel(app, KEYS, "c Close check-in"))
        await rate(people, [3, 9])
        await until(pilot, in_panel(app, PANEL, "2 people have answered so far."))
        await pilot.press("c")

        await until(pilot, reads(app, PANEL, "Not enough answers to show (fewer than 3)."))
        assert "┃" not in seen_in(app, PANEL) and "answered ·" not in seen_in(app, PANEL)
        await stop_all(*people)


# -- layout -------------------------------------------------------------------------------------

BREATHING_EVENTS: list[AnyEvent] = [
    *LAYOUT_EVENTS,
    ExerciseStarted(run=1, exercise=EXERCISES["box-breathing"], at=NOW - 21.5),
]
"""The console's usual picture, 21.5 s into box breathing: breath 2, holding full."""


def test_console_with_a_breathing_exercise(snap_compare: Any) -> None:
    app = FacilitatorApp("ws://127.0.0.1:9", templates=DBT, clock=lambda: NOW)

    async def show_console(pilot: Pilot[Any]) -> None:
        app.link_status = "online"  # no hub in this picture: nothing to connect to
        app.state = replay(BREATHING_EVENTS)
        app.open_console()
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=show_console)
