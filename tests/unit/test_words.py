"""One way to say a duration: the group note, the review chart and the session list agree."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from client.widgets.plan_chart import PlanChart
from server.export import build_note, render
from shared.events import (
    AgendaMoved,
    AnyEvent,
    PlannedItem,
    SessionCreated,
    SessionEnded,
    SessionStarted,
)
from shared.projections import agenda
from shared.reduce import replay
from shared.words import clock, day, minutes, plural, scores, signed_minutes, whole_minutes, zone

T0 = 1736272800.0  # 2025-01-07 18:00 UTC


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (None, "-"),
        (0, "0 min"),
        (1, "<1 min"),
        (29.9, "<1 min"),
        (30, "1 min"),
        (89, "1 min"),
        (90, "2 min"),
        (150, "3 min"),  # was "2 min" in the session list and "3 min" in the note
        (210, "4 min"),
        (81 * 60, "81 min"),
    ],
)
def test_a_half_minute_always_rounds_up(seconds: float | None, words: str) -> None:
    assert minutes(seconds) == words


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (None, "-"),
        (0, "on time"),
        (29, "on time"),
        (-29, "on time"),
        (30, "+1 min"),
        (-30, "-1 min"),
        (8 * 60, "+8 min"),
        (-19 * 60, "-19 min"),
    ],
)
def test_over_and_under_the_plan_round_the_same_way_both_sides(
    seconds: float | None, words: str
) -> None:
    assert signed_minutes(seconds) == words


def test_whole_minutes_is_the_number_behind_the_words() -> None:
    assert [whole_minutes(s) for s in (0, 29, 30, 150, -150)] == [0, 0, 1, 3, -3]


def test_counts_read_as_words() -> None:
    assert plural(1, "session") == "1 session"
    assert plural(2, "session") == "2 sessions"
    assert plural(0, "person", "people") == "0 people"
    assert scores([0] * 6 + [1, 2] + [0] * 3) == "6: 1, 7: 2"
    assert scores([4, 1], ["No", "Yes"]) == "No: 4, Yes: 1"
    assert scores([0] * 11) == "no answers"


def test_times_read_the_same_from_hub_seconds_or_a_utc_time() -> None:
    at = datetime.fromtimestamp(T0, UTC)
    eastern = timezone(timedelta(hours=-5), "EST")
    for when in (T0, at):
        assert clock(when, UTC) == "18:00" and clock(when, eastern) == "13:00"
        assert day(when, eastern) == "2025-01-07" and zone(when, eastern) == "EST"
    assert clock(None, UTC) == "-"


def _ran(seconds: float) -> list[AnyEvent]:
    """One 2-minute item that ran ``seconds``."""
    return [
        SessionCreated(
            session_id="s1",
            title="Short group",
            template="t",
            code="C",
            agenda=(PlannedItem(kind="welcome", title="Welcome", minutes=2),),
            at=T0,
        ),
        SessionStarted(at=T0),
        AgendaMoved(index=0, at=T0),
        SessionEnded(at=T0 + seconds),
    ]


@pytest.mark.parametrize(("seconds", "words"), [(150, "3 min"), (20, "<1 min"), (89, "1 min")])
def test_a_duration_reads_the_same_in_the_note_the_chart_and_the_list(
    seconds: float, words: str
) -> None:
    events = _ran(seconds)
    state = replay(events)
    note = render(build_note(state, list(enumerate(events, 1))), "md", tz=UTC)
    escaped = words.replace("<", "\\<")  # Markdown shows "<" literally
    assert f"| 1 | Welcome | 2 min | {escaped} |" in note
    [row] = agenda(state, state.ended_at)
    _, actual_line = PlanChart()._item(row, label=34, width=20, scale=300)
    assert f" {words}  " in actual_line.plain  # then the difference, e.g. "+1 min"
    assert minutes(state.duration()) == words  # the session list's length column
