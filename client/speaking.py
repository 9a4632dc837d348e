"""What a speaking timer says: the words for someone's turn at a moment on the hub's clock.

Pure (no Textual, no I/O), so the console, the participant's screen and the room board all
show the same words for the same ``Turn``.
"""

from __future__ import annotations

from shared.state import Turn

__all__ = [
    "FINISH_WORDS",
    "SPEAKING_WORDS",
    "TIME_UP_WORDS",
    "clock",
    "speaking_phase",
    "speaking_words",
]

SPEAKING_WORDS = "speaking"
FINISH_WORDS = "please finish your thought"
TIME_UP_WORDS = "time is up"


def clock(seconds: float) -> str:
    """Seconds as ``m:ss`` (``h:mm:ss`` past an hour); never negative."""
    whole = int(max(0.0, seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def speaking_phase(turn: Turn, now: float) -> str:
    """``"speaking"``, ``"finish"`` (past the soft limit) or ``"time_up"`` (past the hard one)."""
    elapsed = turn.elapsed(now)
    if turn.hard_minutes is not None and elapsed >= turn.hard_minutes * 60:
        return "time_up"
    if elapsed >= turn.minutes * 60:
        return "finish"
    return "speaking"


def speaking_words(turn: Turn, now: float) -> tuple[str, str]:
    """The timer text and the status words for ``turn`` at ``now`` (the hub's clock).

    The timer counts up from the turn's start: ``"1:05 of 3:00"``. The status is
    ``"speaking"`` until the soft limit, then ``"please finish your thought"``, then, once an
    optional hard limit is reached, ``"time is up"``. A turn that has ended stops its timer.
    """
    timer = f"{clock(turn.elapsed(now))} of {clock(turn.minutes * 60)}"
    words = {
        "speaking": SPEAKING_WORDS,
        "finish": FINISH_WORDS,
        "time_up": TIME_UP_WORDS,
    }[speaking_phase(turn, now)]
    return timer, words
