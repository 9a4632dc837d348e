"""The plain terminal's narrator on its own: a clock and states in, the lines a person reads out.

Time is given, not waited for, so the timer's milestones and a breathing exercise's phases are
checked at exact moments."""

from __future__ import annotations

from msgspec.structs import replace

from client.following import Following
from client.plain.narrator import Narrator, milestone
from shared.exercises import load_exercises
from shared.state import ExerciseRun, ItemState, SessionState

T0 = 1_000_000.0


def running(minutes: int = 10, started_at: float = T0) -> SessionState:
    item = ItemState(kind="discussion", title="Check-in round", minutes=minutes)
    later = ItemState(kind="discussion", title="Open discussion", minutes=30)
    return SessionState(
        title="Tuesday group",
        status="running",
        agenda=(replace(item, status="current", started_at=started_at), later),
        current=0,
        head_count=4,
    )


def joined() -> Following:
    following = Following()
    following.join("seat-1")
    return following


def test_the_first_lines_say_where_the_room_is() -> None:
    lines = Narrator().tell(running(), joined(), T0 + 120)
    assert lines == [
        "You are in the session Tuesday group.",
        "4 people are here.",
        "Now: Check-in round, 8 minutes left. Still to come: Open discussion (30 minutes).",
        "Nothing has been shared with the room yet.",
    ]


def test_each_milestone_is_said_once_as_time_runs_out() -> None:
    narrator, following, state = Narrator(), joined(), running(minutes=10)
    narrator.tell(state, following, T0)
    said: list[str] = []
    for second in range(0, 11 * 60, 1):  # every tick for eleven minutes
        said += narrator.tell(state, following, T0 + second)
    assert said == [
        "5 minutes left for Check-in round.",
        "1 minute left for Check-in round.",
        "Time is up for Check-in round.",
    ]


def test_joining_late_does_not_announce_milestones_already_past() -> None:
    narrator, following, state = Narrator(), joined(), running(minutes=10)
    first = narrator.tell(state, following, T0 + 9 * 60 + 30)
    assert "Now: Check-in round, less than a minute left." in first[2]
    assert narrator.tell(state, following, T0 + 9 * 60 + 31) == []
    assert narrator.tell(state, following, T0 + 10 * 60) == ["Time is up for Check-in round."]


def test_milestone_boundaries() -> None:
    assert milestone(None) is None
    assert milestone(301) is None
    assert milestone(300) == 300
    assert milestone(61) == 300
    assert milestone(60) == 60
    assert milestone(0.5) == 60
    assert milestone(0) == 0
    assert milestone(-20) == 0


def test_a_breathing_exercise_is_one_line_per_phase() -> None:
    box = load_exercises()["box-breathing"].exercise
    assert box.breathing is not None
    state = running()
    following, narrator = joined(), Narrator()
    narrator.tell(state, following, T0)
    run = ExerciseRun(run=1, exercise=box, started_at=T0 + 10)
    with_run = replace(state, exercises=(run,))
    said: list[str] = []
    cycle = sum(p.seconds for p in box.breathing.phases)
    for tenth in range(0, int((cycle + 1) * 10)):
        said += narrator.tell(with_run, following, T0 + 10 + tenth / 10)
    assert said[0].startswith("The room is starting the exercise Box breathing")
    phases = box.breathing.phases
    assert said[1] == f"Breath 1 of {box.breathing.cycles}: {phases[0].label}, 4 seconds."
    assert said[2:5] == [f"{p.label}, 4 seconds." for p in phases[1:]]
    assert said[5].startswith(f"Breath 2 of {box.breathing.cycles}: ")
    assert len(said) == 6
