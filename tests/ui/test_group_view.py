"""The group view in ``circle review``, driven by Pilot over a real SQLite file.

Three weekly meetings of one group, written through the real codec: Lee misses the last two
(and is flagged), the craving check-in is published twice and withheld once (too few answered).
The view must show the grid as the attendance report has it, the flag, and a chart built from
published medians only.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC
from pathlib import Path

import pytest

from client.apps.review import ReviewApp, SessionReview
from client.apps.review_group import GroupScreen
from client.widgets.group_trends import TrendChart
from server.groups import Group, add_group, add_member, get, grid, trends
from server.store import SessionRecord
from server.store.sqlite import SQLiteLog
from shared.codec import encode
from shared.events import (
    AnyEvent,
    CheckinClosed,
    CheckinOpened,
    MemberMatched,
    ParticipantJoined,
    PlannedItem,
    RosterEntry,
    RosterSet,
    SessionCreated,
    SessionEnded,
    SessionStarted,
)
from shared.questions import PRESETS
from tests.ui.screen import seen, until, until_seen

SIZE = (100, 36)
T0 = 1736272800.0  # 2025-01-07 18:00 UTC
WEEK = 7 * 86400.0
CRAVING = PRESETS["craving"]


def meeting(
    group: Group, n: int, here: tuple[str, ...], counts: tuple[int, ...] | None
) -> list[AnyEvent]:
    at = T0 + n * WEEK
    roster = tuple(RosterEntry(member=m.id, name=m.name) for m in group.members)
    events: list[AnyEvent] = [
        SessionCreated(
            session_id=f"s{n}",
            title=f"Week {n + 1}",
            template="relapse-prevention",
            code="HJKMNP",
            agenda=(PlannedItem(kind="topic", title="Topic", minutes=30),),
            at=at,
        ),
        RosterSet(group=group.id, group_name=group.name, members=roster),
        SessionStarted(at=at + 60),
    ]
    for k, member in enumerate(m for m in group.members if m.name in here):
        events.append(ParticipantJoined(participant=f"p{k}", name=member.name, at=at + 30))
        events.append(MemberMatched(member=member.id, seat=f"p{k}", at=at + 30))
    events.append(CheckinOpened(checkin=1, question=CRAVING, at=at + 600))
    answered = sum(counts) if counts else 2
    events.append(CheckinClosed(checkin=1, answered=answered, counts=counts, at=at + 700))
    events.append(SessionEnded(at=at + 3600))
    return events


def scores(*values: int) -> tuple[int, ...]:
    counts = [0] * 11
    for v in values:
        counts[v] += 1
    return tuple(counts)


@pytest.fixture
def log(tmp_path: Path) -> Iterator[SQLiteLog]:
    store = SQLiteLog(tmp_path / "hub.sqlite3")
    add_group(store, "Tue/Thu evening IOP", flag_after=2)
    for name in ("Sam", "Kim", "Lee"):
        add_member(store, "Tue/Thu evening IOP", name)
    group = get(store, "Tue/Thu evening IOP")
    weeks = [
        (("Sam", "Kim", "Lee"), scores(2, 4, 6)),
        (("Sam", "Kim"), None),  # two answered: withheld
        (("Sam", "Kim"), scores(1, 1, 3)),
    ]
    for n, (here, counts) in enumerate(weeks):
        events = meeting(group, n, here, counts)
        record = SessionRecord(f"s{n}", "HJKMNP", "epoch", "secret", T0 + n * WEEK)
        store.create(record, [("all", encode(e)) for e in events])
        store.link_session(f"s{n}", group.id)
    yield store
    store.close()


async def test_the_group_view_shows_the_grid_the_flag_and_published_medians(
    log: SQLiteLog,
) -> None:
    app = ReviewApp(log, tz=UTC)
    async with app.run_test(size=SIZE) as pilot:
        await until_seen(pilot, "3 sessions")
        await pilot.press("enter")  # the newest: week 3
        await until(pilot, lambda: isinstance(app.screen, SessionReview))
        await pilot.pause()
        await until_seen(pilot, "g Group trends")
        await pilot.press("g")
        await until(pilot, lambda: isinstance(app.screen, GroupScreen))
        shown = await until_seen(pilot, "Group: Tue/Thu evening IOP")
        assert "3 ended sessions · flagged after 2 missed sessions in a row" in shown
        assert "⚑ Lee missed the last 2 sessions in a row" in shown
        assert seen(app, "#group-flags") == "⚑ Lee missed the last 2 sessions in a row"
        rows = {line.split()[0]: line.split()[1:] for line in _grid_lines(app)}
        assert rows["Sam"][:6] == ["P", "P", "P", "3", "0", "0"]
        assert rows["Lee"][:6] == ["P", "A", "A", "1", "2", "2"]
        assert "How strong is any craving right now? (0 = none, 10 = very strong)" in shown
        assert "esc Back to the session" in shown
        chart = app.screen.query_one(TrendChart)
        assert chart.plt is not None
    found = grid(log, get(log, "Tue/Thu evening IOP"))
    [craving] = trends(log, found.meetings)
    assert craving.medians == [4, None, 1]  # the withheld week has no point at all


async def test_a_session_of_no_group_offers_no_group_view(tmp_path: Path) -> None:
    store = SQLiteLog(tmp_path / "hub.sqlite3")
    created = SessionCreated(
        session_id="s1", title="Drop-in", template="t", code="HJKMNP", agenda=(), at=T0
    )
    store.create(SessionRecord("s1", "HJKMNP", "e", "s", T0), [("all", encode(created))])
    app = ReviewApp(store, tz=UTC)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await until_seen(pilot, "1 session")
            await pilot.press("enter")
            await until(pilot, lambda: isinstance(app.screen, SessionReview))
            await pilot.pause()
            assert "Group trends" not in seen(app)
            await pilot.press("g")
            await pilot.pause()
            assert isinstance(app.screen, SessionReview)
    finally:
        store.close()


def _grid_lines(app: ReviewApp) -> list[str]:
    from tests.ui.screen import screen_text

    text = screen_text(app, "#group-grid")
    return [line for line in text.splitlines() if line.split()[:1] and line.split()[0] != "Member"]
