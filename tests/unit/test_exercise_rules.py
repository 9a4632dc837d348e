"""Room exercises as pure rules: launch, pause, skip, and the anonymous "how do you feel"."""

from __future__ import annotations

from shared.commands import (
    CloseFeelings,
    EndSession,
    PauseExercise,
    RateFeeling,
    ResumeExercise,
    SkipExerciseStep,
    StartExercise,
    StopExercise,
)
from shared.decide import Context, decide
from shared.decision import EVERYONE, FACILITATORS, ReleaseShares, Tally
from shared.events import ExerciseStarted, ExerciseStopped, FeelingsSummary, SessionEnded
from shared.exercises import load_exercises, total_seconds
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


def test_answers_wait_for_the_end_and_count_once_per_person() -> None:
    state = started(at=T0)
    rate = RateFeeling(id=cid(), run=1, score=7)
    refused(decide(state, rate, SAM, T0 + 5, CONTEXT), "invalid")
    after = T0 + total_seconds(BOX)
    # Counted by the hub, never logged: the tally is told the voter only to count them once.
    rated = ok(decide(state, rate, SAM, after, CONTEXT))
    assert rated.events == () and rated.effects == (Tally(run=1, score=7, voter="p-sam"),)
    assert rated.anonymous
    voted = Context(exercises=CATALOGUE, voters={1: {"p-sam"}})
    refused(decide(state, rate, SAM, after, voted), "invalid")
    refused(decide(state, rate, FAC, after, CONTEXT), "not_allowed")


def test_distribution_is_published_to_facilitators_only_and_withheld_below_minimum() -> None:
    state = apply(
        started(at=T0), decide(started(at=T0), StopExercise(id=cid()), FAC, T0 + 9, CONTEXT)
    )
    two = [0] * 11
    two[3] = two[8] = 1
    [(audience, summary)] = ok(
        decide(
            state,
            CloseFeelings(id=cid(), run=1),
            FAC,
            T0 + 20,
            Context(answers={1: two}, minimum=3),
        )
    ).events
    assert audience == FACILITATORS
    assert isinstance(summary, FeelingsSummary)
    assert (summary.answered, summary.counts) == (2, None)
    three = list(two)
    three[8] += 1
    [(_, summary)] = ok(
        decide(
            state,
            CloseFeelings(id=cid(), run=1),
            FAC,
            T0 + 20,
            Context(answers={1: three}, minimum=3),
        )
    ).events
    assert isinstance(summary, FeelingsSummary) and summary.counts == tuple(three)
    state = reduce(state, summary)
    refused(decide(state, CloseFeelings(id=cid(), run=1), FAC, T0 + 21, CONTEXT), "invalid")
    refused(decide(state, RateFeeling(id=cid(), run=1, score=1), SAM, T0 + 21, CONTEXT), "invalid")


def test_minimum_below_two_still_hides_a_single_answer() -> None:
    state = apply(
        started(at=T0), decide(started(at=T0), StopExercise(id=cid()), FAC, T0 + 9, CONTEXT)
    )
    one = [0] * 11
    one[5] = 1
    [(_, summary)] = ok(
        decide(
            state,
            CloseFeelings(id=cid(), run=1),
            FAC,
            T0 + 20,
            Context(answers={1: one}, minimum=1),
        )
    ).events
    assert isinstance(summary, FeelingsSummary) and summary.counts is None


def test_ending_the_session_stops_the_exercise_and_closes_open_answers() -> None:
    state = started(at=T0)
    answers = [0] * 11
    answers[6] = 3
    end = ok(decide(state, EndSession(id=cid()), FAC, T0 + 300, Context(answers={1: answers})))
    assert [type(e) for _, e in end.events] == [ExerciseStopped, FeelingsSummary, SessionEnded]
    assert [a for a, _ in end.events] == [EVERYONE, FACILITATORS, EVERYONE]
    assert end.effects == (ReleaseShares(),)
    ended = apply(state, end)
    assert ended.exercise is None
    assert ended.feelings[0].counts == tuple(answers)
