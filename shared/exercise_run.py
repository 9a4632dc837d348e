"""What happens to a guided exercise run when it is paused, resumed, skipped on or stopped.

One implementation for both places a run changes: ``reduce`` applies these to the room's run
when the hub's events say so, and a participant's private practice applies them to its own run
on its own clock. Each returns a new ``ExerciseRun`` (runs are immutable) and is total: a change
that does not fit the run (resuming a run that is not paused, stopping one already stopped)
leaves it as it is, so replaying any log is safe.

Whether a change may be asked for is a rule, and rules live in ``shared.decide``; these only say
what a change does.
"""

from __future__ import annotations

from msgspec.structs import replace

from shared.state import ExerciseRun

__all__ = ["in_progress", "paused", "resumed", "skipped", "stopped"]


def in_progress(run: ExerciseRun, at: float) -> bool:
    """Whether the run is still going at ``at``: not stopped and its time not up.

    A paused run is still going: its time stands still until it is resumed."""
    return run.active and not run.position(at).finished


def paused(run: ExerciseRun, at: float) -> ExerciseRun:
    """The run held still from ``at``; its timeline waits until ``resumed``."""
    if run.paused_at is not None or not run.active:
        return run
    return replace(run, paused_at=at)


def resumed(run: ExerciseRun, at: float) -> ExerciseRun:
    """The run going on from where it was paused; the pause is left out of its timeline.

    A clock that stepped back during the pause counts the pause as nothing, never as less."""
    if run.paused_at is None:
        return run
    pause = max(0.0, at - run.paused_at)
    return replace(run, paused_at=None, paused_for=run.paused_for + pause)


def skipped(run: ExerciseRun, seconds: float) -> ExerciseRun:
    """The run moved on by ``seconds`` of its timeline (to the next step: the rest of this one)."""
    return replace(run, skipped=run.skipped + seconds)


def stopped(run: ExerciseRun, at: float) -> ExerciseRun:
    """The run ended at ``at``, before its time was up or after; a stopped run stays stopped."""
    if not run.active:
        return run
    return replace(run, stopped_at=at)
