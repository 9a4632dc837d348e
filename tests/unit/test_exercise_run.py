"""Pause, resume, skip and stop of an exercise run: one implementation for the room and for
practising alone, so both keep the same time."""

from __future__ import annotations

import pytest

from shared.events import (
    AnyEvent,
    ExercisePaused,
    ExerciseResumed,
    ExerciseSkipped,
    ExerciseStarted,
    ExerciseStopped,
)
from shared.exercise_run import in_progress, paused, resumed, skipped, stopped
from shared.exercises import load_exercises, total_seconds
from shared.reduce import replay
from shared.state import ExerciseRun, SessionState

T0 = 1_700_000_000.0
BOX = load_exercises()["box-breathing"].exercise  # in 4 · hold 4 · out 4 · hold 4, ten times


def fresh(at: float = T0) -> ExerciseRun:
    return ExerciseRun(run=1, exercise=BOX, started_at=at)


def test_a_pause_holds_the_timeline_and_a_resume_leaves_the_pause_out() -> None:
    run = paused(fresh(), T0 + 3)
    assert run.paused_at == T0 + 3
    assert run.elapsed(T0 + 50) == 3  # time stands still while paused
    run = resumed(run, T0 + 10)
    assert (run.paused_at, run.paused_for) == (None, 7)
    assert run.elapsed(T0 + 12) == 5
    run = resumed(paused(run, T0 + 20), T0 + 21)
    assert run.paused_for == 8  # pauses add up


def test_pausing_twice_keeps_the_first_moment_and_resuming_a_running_run_changes_nothing() -> None:
    run = paused(fresh(), T0 + 3)
    assert paused(run, T0 + 5) is run
    going = fresh()
    assert resumed(going, T0 + 5) is going


def test_a_clock_that_steps_back_during_a_pause_never_adds_time() -> None:
    run = resumed(paused(fresh(), T0 + 10), T0 + 8)
    assert run.paused_for == 0
    assert run.elapsed(T0 + 12) == 12


def test_skipping_moves_the_timeline_on_by_the_seconds_given() -> None:
    run = fresh()
    rest = run.position(T0 + 1).seconds_left  # the rest of "Breathe in"
    run = skipped(run, rest)
    assert run.position(T0 + 1).index == 1  # the hold after breathing in
    assert skipped(run, 2.5).skipped == pytest.approx(rest + 2.5)


def test_stopping_ends_the_run_once() -> None:
    run = stopped(fresh(), T0 + 30)
    assert not run.active and run.stopped_at == T0 + 30
    assert run.elapsed(T0 + 100) == 30
    assert stopped(run, T0 + 40) is run
    assert paused(run, T0 + 40) is run  # a stopped run is not paused afterwards


def test_in_progress_until_stopped_or_its_time_is_up_and_while_paused() -> None:
    run = fresh()
    end = T0 + total_seconds(BOX)
    assert in_progress(run, T0) and in_progress(run, end - 0.1)
    assert not in_progress(run, end)
    assert in_progress(paused(run, T0 + 5), end + 100)  # paused: it waits
    assert not in_progress(stopped(run, T0 + 5), T0 + 6)


def test_the_room_and_practice_alone_keep_the_same_time() -> None:
    """``reduce`` over the hub's events gives the run the functions give on their own."""
    events: list[AnyEvent] = [
        ExerciseStarted(run=1, exercise=BOX, at=T0),
        ExercisePaused(run=1, at=T0 + 3),
        ExerciseResumed(run=1, at=T0 + 9),
        ExerciseSkipped(run=1, seconds=2.0),
        ExerciseStopped(run=1, at=T0 + 40),
    ]
    room = replay(events, SessionState(status="running")).run(1)
    alone = stopped(skipped(resumed(paused(fresh(), T0 + 3), T0 + 9), 2.0), T0 + 40)
    assert room == alone


def test_a_new_exercise_stops_the_one_before_and_changes_to_unknown_runs_are_ignored() -> None:
    state = replay(
        [
            ExerciseStarted(run=1, exercise=BOX, at=T0),
            ExerciseStarted(run=2, exercise=BOX, at=T0 + 20),
            ExercisePaused(run=7, at=T0 + 21),
            ExerciseSkipped(run=7, seconds=5.0),
        ],
        SessionState(status="running"),
    )
    first, second = state.exercises
    assert first.stopped_at == T0 + 20
    assert second == ExerciseRun(run=2, exercise=BOX, started_at=T0 + 20)
    assert state.exercise == second
