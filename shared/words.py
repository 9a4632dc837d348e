"""The words every surface uses for times, durations and counts.

The review screen, the CLI and the group note read side by side in a clinician's record, so a
duration must read the same everywhere: one rounding rule, here.

**Minutes**: durations are shown in whole minutes, rounded half up (89 s is "1 min", 90 s and
150 s are "2 min" and "3 min"), so a half minute never rounds one way in one place and the other
way in another. Anything above zero but under half a minute is "<1 min" rather than "0 min": a
clinician should not read that something did not happen when it did. Exactly zero is "0 min";
an unknown duration is "-".

Standard library only: the hub, every client and third-party tools build on ``shared``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import UTC, datetime, tzinfo
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from shared.projections import AgendaRow, AttendanceRow

__all__ = [
    "NONE",
    "actual",
    "away_words",
    "clock",
    "day",
    "difference",
    "late_words",
    "left_words",
    "minutes",
    "planned",
    "plural",
    "scores",
    "signed_minutes",
    "whole_minutes",
    "zone",
]

NONE = "None recorded."
"""What an empty section of a record says."""

UNKNOWN = "-"


# -- durations ---------------------------------------------------------------------------------


def whole_minutes(seconds: float) -> int:
    """``seconds`` in whole minutes, half up (away from zero for negative spans)."""
    whole = math.floor(abs(seconds) / 60 + 0.5)
    return -whole if seconds < 0 else whole


def minutes(seconds: float | None) -> str:
    """A duration as "3 min", "<1 min" under half a minute, "-" when unknown."""
    if seconds is None:
        return UNKNOWN
    if 0 < seconds < 30:
        return "<1 min"
    return f"{max(0, whole_minutes(seconds))} min"


def signed_minutes(seconds: float | None) -> str:
    """An overrun as "+8 min" or "-19 min"; "on time" when it rounds to no minute at all."""
    if seconds is None:
        return UNKNOWN
    whole = whole_minutes(seconds)
    if whole == 0:
        return "on time"
    return f"+{whole} min" if whole > 0 else f"{whole} min"


def plural(count: int, word: str, many: str | None = None) -> str:
    """ "1 session", "2 sessions"; give ``many`` for words that do not just take an "s"."""
    return f"{count} {word if count == 1 else many or word + 's'}"


# -- times -------------------------------------------------------------------------------------


def _moment(at: datetime | float) -> datetime:
    return at if isinstance(at, datetime) else datetime.fromtimestamp(at, UTC)


def clock(at: datetime | float | None, tz: tzinfo | None) -> str:
    """The time of day as "18:05" in ``tz`` (None: this computer's zone); hub seconds or UTC."""
    return UNKNOWN if at is None else _moment(at).astimezone(tz).strftime("%H:%M")


def day(at: datetime | float, tz: tzinfo | None) -> str:
    return _moment(at).astimezone(tz).strftime("%Y-%m-%d")


def zone(at: datetime | float, tz: tzinfo | None) -> str:
    """The zone's name at that moment (summer time included), for "times in ..." lines."""
    return _moment(at).astimezone(tz).tzname() or "local time"


# -- agenda: planned vs actual -----------------------------------------------------------------


def planned(row: AgendaRow) -> str:
    if row.extended_minutes:
        return f"{row.planned_minutes} min (+{row.extended_minutes} extended)"
    return f"{row.planned_minutes} min"


def actual(row: AgendaRow) -> str:
    match row.outcome:
        case "skipped" | "not reached":
            return row.outcome
        case "in progress":
            return f"{minutes(row.actual_seconds)} so far"
        case "done":
            return minutes(row.actual_seconds)


def difference(row: AgendaRow) -> str:
    """Actual against the original plan (extensions count as over); "-" until it is done."""
    return signed_minutes(row.over_seconds)


# -- attendance --------------------------------------------------------------------------------


def late_words(row: AttendanceRow) -> str:
    if not row.late:
        return "no"
    return f"yes, {row.minutes_late} min" if row.minutes_late else "yes, <1 min"


def away_words(row: AttendanceRow, tz: tzinfo | None) -> str:
    """Each time away and back, "18:40 to 18:46"; "" when never away."""
    spans = []
    for gap in row.absences:
        span = f"{clock(gap.left_at, tz)} to {clock(gap.returned_at, tz)}"
        if gap.removed_at is not None:
            when = "" if gap.removed_at == gap.left_at else f" at {clock(gap.removed_at, tz)}"
            span += f" (removed{when}, readmitted)"
        spans.append(span)
    return ", ".join(spans)


def left_words(row: AttendanceRow, tz: tzinfo | None, *, ended: bool) -> str:
    """How their attendance ended; ``ended``: the session has ended (else it is still open)."""
    if row.left_at is None:
        return "stayed to the end" if ended else "still there at the last record"
    if row.removed_at is None:
        return f"left at {clock(row.left_at, tz)}"
    if row.removed_at == row.left_at:
        return f"removed at {clock(row.removed_at, tz)}"
    return f"left at {clock(row.left_at, tz)}, removed at {clock(row.removed_at, tz)}"


# -- check-ins ---------------------------------------------------------------------------------


def scores(counts: Sequence[int], answers: Sequence[str] | None = None) -> str:
    """A distribution as "3: 1, 7: 2" or "No: 4, Yes: 1" (answers nobody chose left out).

    ``answers`` names each count (default: 0, 1, 2 …)."""
    names = answers if answers is not None else [str(n) for n in range(len(counts))]
    given = [f"{name}: {n}" for name, n in zip(names, counts, strict=False) if n]
    return ", ".join(given) or "no answers"


def median_words(median: float | None) -> str:
    """A published median as people read it: "median 6" or "median 6.5"."""
    if median is None:
        return ""
    return f"median {median:g}"
