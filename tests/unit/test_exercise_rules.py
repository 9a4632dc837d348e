"""Room exercises as pure rules: launch, pause, skip, and the "how do you feel" check-in after.

The check-in's own rules (answers, suppression, publishing once) are in test_checkins.py.
"""

from __future__ import annotations

from shared.checkins import counted
from shared.commands import (
    AnswerCheckin,
    CloseCheckin,
    EndSession,
    OpenCheckin,
    PauseExercise,
    ResumeExercise,
    SkipExerciseStep,
    StartExercise,
    StopExercise,
)
from shared.decide import Context, decide
from shared.decision import EVERYONE, Decision, ReleaseShares, Tally
from shared.events import (
    CheckinClosed,
    CheckinOpened,
    Error,
    ExerciseStarted,
    ExerciseStopped,
    SessionEnded,
)
from shared.exercises import load_exercises, total_seconds
from shared.questions import PRESETS
from shared.reduce import reduce
from shared.state import SessionState
from tests.unit.test_decide import FAC, SAM, T0, apply, cid, ok, refused, running

CATALOGUE = {key: loaded.exercise for key, loaded in load_exercises().items()}
CONTEXT = Context(exercises=CATALOGUE)
BOX = CATALOGUE["box-breathing"]


def started(state: SessionState | None = None, at: float = T0 + 100) -> SessionState:
    state = state or running()
    return apply(
        state, decide(state, StartExercise(id=cid(), exercise="box-breathing"), FAC, at, CONTEXT)
    )


def test_launch_sends_the_configured_exercise_to_everyone() -> None:
    state = running()
    [(audience, event)] = ok(
        decide(
            state,
            StartExercise(id=cid(), exercise="box-breathing", variant="beginner"),
            FAC,
            T0 + 100,
            CONTEXT,
        )
    ).events
    assert audience == EVERYONE
    assert isinstance(event, ExerciseStarted) and event.run == 1
    assert event.exercise.breathing is not None
    assert {p.seconds for p in event.exercise.breathing.phases} == {3}


def test_unknown_private_or_badly_configured_exercises_are_refused() -> None:
    state = running()
    refused(
        decide(state, StartExercise(id=cid(), exercise="nope"), FAC, T0, CONTEXT),
        "no_such_exercise",
    )
    refused(
        decide(state, StartExercise(id=cid(), exercise="thought-record"), FAC, T0, CONTEXT),
        "invalid",
    )
    refused(
        decide(
            state, StartExercise(id=cid(), exercise="box-breathing", variant="x"), FAC, T0, CONTEXT
        ),
        "invalid",
    )


def test_a_new_launch_stops_the_running_exercise_first() -> None:
    state = started()
    restarted = ok(
        decide(state, StartExercise(id=cid(), exercise="stop-skill"), FAC, T0 + 110, CONTEXT)
    )
    assert [type(e) for _, e in restarted.events] == [ExerciseStopped, ExerciseStarted]
    state = apply(state, restarted)
    assert [r.active for r in state.exercises] == [False, True]
    assert state.exercise is not None and state.exercise.exercise.id == "stop-skill"


def test_pause_freezes_and_resume_continues_the_shared_timeline() -> None:
    state = started(at=T0)
    state = apply(state, decide(state, PauseExercise(id=cid()), FAC, T0 + 10, CONTEXT))
    assert state.exercise is not None
    assert state.exercise.elapsed(T0 + 500) == 10
    refused(decide(state, PauseExercise(id=cid()), FAC, T0 + 11, CONTEXT), "invalid")
    state = apply(state, decide(state, ResumeExercise(id=cid()), FAC, T0 + 30, CONTEXT))
    assert state.exercise is not None
    assert state.exercise.elapsed(T0 + 35) == 15
    refused(decide(state, ResumeExercise(id=cid()), FAC, T0 + 36, CONTEXT), "invalid")


def test_skip_moves_the_room_to_the_start_of_the_next_phase() -> None:
    state = started(at=T0)
    before = state.exercise.position(T0 + 1.5)  # type: ignore[union-attr]
    state = apply(state, decide(state, SkipExerciseStep(id=cid()), FAC, T0 + 1.5, CONTEXT))
    after = state.exercise.position(T0 + 1.5)  # type: ignore[union-attr]
    assert after.index == before.index + 1
    assert after.fraction == 0


def test_skip_or_stop_with_nothing_running_is_refused() -> None:
    state = running()
    for command in (SkipExerciseStep(id=cid()), StopExercise(id=cid())):
        refused(decide(state, command, FAC, T0, CONTEXT), "invalid")
    finished = T0 + total_seconds(BOX) + 1
    refused(decide(started(at=T0), SkipExerciseStep(id=cid()), FAC, finished, CONTEXT), "invalid")


def ask_feeling(state: SessionState, at: float) -> Decision | Error:
    question = OpenCheckin(id=cid(), question=PRESETS["feeling"], run=1)
    return decide(state, question, FAC, at, CONTEXT)


def test_how_do_you_feel_waits_for_the_end_and_is_asked_once_per_exercise() -> None:
    state = started(at=T0)
    refused(ask_feeling(state, T0 + 5), "invalid")
    after = T0 + total_seconds(BOX)
    [(audience, opened)] = ok(ask_feeling(state, after)).events
    assert audience == EVERYONE
    assert isinstance(opened, CheckinOpened) and (opened.checkin, opened.run) == (1, 1)
    assert opened.question == PRESETS["feeling"]
    state = reduce(state, opened)
    answer = AnswerCheckin(id=cid(), checkin=1, value=7)
    # Counted by the hub, never logged: the tally is told the seat only to count it once.
    rated = ok(decide(state, answer, SAM, after + 1, CONTEXT))
    assert rated.events == () and rated.effects == (Tally(checkin=1, value=7, voter="p-sam"),)
    assert rated.anonymous
    refused(decide(state, answer, FAC, after + 1, CONTEXT), "not_allowed")
    closed = ok(decide(state, CloseCheckin(id=cid(), checkin=1), FAC, after + 2, CONTEXT))
    state = apply(state, closed)
    assert state.checkin_after(1) is not None
    refused(ask_feeling(state, after + 3), "invalid")  # the room was asked about this run


def test_how_do_you_feel_can_follow_an_exercise_stopped_early_but_not_a_missing_one() -> None:
    state = started(at=T0)
    state = apply(state, decide(state, StopExercise(id=cid()), FAC, T0 + 9, CONTEXT))
    ok(ask_feeling(state, T0 + 10))
    missing = OpenCheckin(id=cid(), question=PRESETS["feeling"], run=2)
    refused(decide(state, missing, FAC, T0 + 10, CONTEXT), "invalid")


def test_ending_the_session_stops_the_exercise_and_publishes_the_open_answers() -> None:
    state = started(at=T0)
    finished = T0 + total_seconds(BOX)
    state = apply(state, ask_feeling(state, finished))
    ballots = {1: {"p-a": 6, "p-b": 6, "p-c": 6}}
    context = Context(exercises=CATALOGUE, tallies=counted(ballots))
    end = ok(decide(state, EndSession(id=cid()), FAC, finished + 60, context))
    assert [type(e) for _, e in end.events] == [ExerciseStopped, CheckinClosed, SessionEnded]
    assert [a for a, _ in end.events] == [EVERYONE, EVERYONE, EVERYONE]
    assert end.effects == (ReleaseShares(),)
    ended = apply(state, end)
    assert ended.exercise is None and ended.open_checkin is None
    [checkin] = ended.checkins
    assert checkin.answered == 3 and checkin.median == 6.0
    assert checkin.counts is not None and checkin.counts[6] == 3 and sum(checkin.counts) == 3
