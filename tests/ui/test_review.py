"""The review app, driven by Pilot over a real SQLite file: list, search, open, replay, scrub.

The sessions are written straight into the store through the real codec (no hub needed for a
read-only tool), with known times, so every check reads the screen as a person would see it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from client.apps.review import ReviewApp, SessionList, SessionReview
from client.theme import CALM, HIGH_CONTRAST
from server.export import build_note
from server.records import timeline
from server.store import AuditEntry, SessionRecord
from server.store.sqlite import SQLiteLog
from shared.codec import encode
from shared.events import (
    AgendaMoved,
    AnyEvent,
    ItemExtended,
    ItemSkipped,
    ParticipantJoined,
    PlannedItem,
    PresenceChanged,
    SessionCreated,
    SessionEnded,
    SessionStarted,
    ShareShown,
    ShareSubmitted,
)
from tests.ui.screen import key_rows, on_screen, screen_text, until

SIZE = (100, 30)
T0 = 1736272800.0  # 2025-01-07 18:00 UTC
M = 60.0
SHARE = "Evenings are the hardest part of my day."


def tuesday(session_id: str, *, record_shares: bool = False) -> list[AnyEvent]:
    """A relapse-prevention group: 17 of 15 minutes, 53 of 45+5, one item skipped."""
    agenda = (
        PlannedItem(kind="welcome", title="Welcome and group agreement", minutes=15),
        PlannedItem(kind="topic", title="Topic discussion", minutes=45),
        PlannedItem(kind="discussion", title="Open discussion", minutes=30),
        PlannedItem(kind="check-out", title="Check-out", minutes=10),
    )
    return [
        SessionCreated(
            session_id=session_id,
            title="Tuesday evening group",
            template="relapse-prevention",
            code="HJKMNP",
            agenda=agenda,
            at=T0,
            record_shares=record_shares,
        ),
        ParticipantJoined(participant="p1", name="Sam", at=T0 + 2 * M),
        ParticipantJoined(participant="p2", name="River", at=T0 + 3 * M),
        SessionStarted(at=T0 + 5 * M),
        AgendaMoved(index=0, at=T0 + 5 * M),
        ParticipantJoined(participant="p3", name="Alex", at=T0 + 9 * M),
        ShareSubmitted(share=1, text=SHARE),
        AgendaMoved(index=1, at=T0 + 22 * M),
        ShareShown(share=1, text=SHARE),
        PresenceChanged(participant="p1", online=False, at=T0 + 40 * M),
        PresenceChanged(participant="p1", online=True, at=T0 + 46 * M),
        ItemExtended(index=1, minutes=5),
        ItemSkipped(index=2),
        AgendaMoved(index=3, at=T0 + 75 * M),
        PresenceChanged(participant="p2", online=False, at=T0 + 80 * M),
        SessionEnded(at=T0 + 86 * M),
    ]


def workshop(session_id: str) -> list[AnyEvent]:
    """An older, shorter session from another template, never ended."""
    start = T0 - 7 * 86400
    return [
        SessionCreated(
            session_id=session_id,
            title="Skills workshop",
            template="dbt-skills",
            code="QRSTVW",
            agenda=(PlannedItem(kind="topic", title="Distress tolerance", minutes=20),),
            at=start,
        ),
        SessionStarted(at=start + M),
        AgendaMoved(index=0, at=start + M),
    ]


def write(log: SQLiteLog, session_id: str, events: list[AnyEvent]) -> None:
    created = events[0]
    assert isinstance(created, SessionCreated)
    record = SessionRecord(session_id, created.code, "epoch", "secret", created.at)
    log.create(record, [("all", encode(e)) for e in events])


@pytest.fixture
def log(tmp_path: Path) -> Iterator[SQLiteLog]:
    store = SQLiteLog(tmp_path / "hub.sqlite3")
    write(store, "aaaa1111", workshop("aaaa1111"))
    write(store, "bbbb2222", tuesday("bbbb2222"))
    yield store
    store.close()


# -- reading the screen -----------------------------------------------------------------------


def table_rows(app: ReviewApp) -> list[str]:
    """The session rows as shown, one line each (the header and the hints cut away)."""
    lines = screen_text(app).splitlines()
    return [line.strip() for line in lines if "relapse-prevention" in line or "dbt-skills" in line]


async def show_panel(pilot: Pilot[Any], selector: str) -> None:
    """Scroll the review so a panel is in view (as ↓ would, without a key per line)."""
    panel = pilot.app.screen.query_one(selector)
    pilot.app.screen.query_one("#review-body").scroll_to_widget(panel, animate=False, top=True)
    await pilot.pause()


async def open_review(pilot: Pilot[Any], app: ReviewApp) -> SessionReview:
    await until(pilot, on_screen(app, "2 sessions"))
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(app.screen, SessionReview))
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, SessionReview)
    return screen


# -- the list ---------------------------------------------------------------------------------


async def test_sessions_are_listed_newest_first_and_searchable(log: SQLiteLog) -> None:
    app = ReviewApp(log, tz=UTC)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, on_screen(app, "Recorded sessions", "2 sessions"))
        rows = table_rows(app)
        assert rows[0].split() == [
            *"2025-01-07 18:05 Tuesday evening group relapse-prevention 81 min 3 ended".split()
        ]
        assert rows[1].split()[:5] == ["2024-12-31", "18:01", "Skills", "workshop", "dbt-skills"]
        assert rows[1].endswith("not ended")
        footer = screen_text(app).splitlines()[-1]
        for key in ("Open session", "Search", "Clear search", "Quit", "High contrast"):
            assert key in footer

        await pilot.press(*"dbt")
        await until(pilot, on_screen(app, "1 session"))
        assert [r.split()[2] for r in table_rows(app)] == ["Skills"]

        await pilot.press("escape", *"2025-01")
        await until(pilot, lambda: [r.split()[2] for r in table_rows(app)] == ["Tuesday"])
        await pilot.press("escape", *"zzz")
        await until(pilot, on_screen(app, "No session matches that search."))
        assert table_rows(app) == []


async def test_an_empty_file_says_so(tmp_path: Path) -> None:
    empty = SQLiteLog(tmp_path / "empty.sqlite3")
    app = ReviewApp(empty, tz=UTC)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, on_screen(app, "No sessions recorded yet in"))
    empty.close()


# -- one session ------------------------------------------------------------------------------


def _table(app: ReviewApp) -> list[str]:
    """The attendance rows on screen (each starts with the panel border, then the name)."""
    names = {"Sam", "River", "Alex"}
    lines = [line.split() for line in screen_text(app).splitlines()]
    return [" ".join(words) for words in lines if len(words) > 1 and words[1] in names]


async def test_opening_a_session_shows_planned_vs_actual(log: SQLiteLog) -> None:
    app = ReviewApp(log, tz=UTC)
    async with app.run_test(size=SIZE) as pilot:
        await open_review(pilot, app)
        text = screen_text(app)
        assert "Tuesday evening group" in text
        assert "relapse-prevention · 2025-01-07 18:05 · ended 19:26, 81 min · 3 joined" in text
        assert "share text not recorded" in text
        assert "Step 16 of 16 (the recorded end) · 19:26 · Session ended" in text
        chart = [" ".join(line.strip("│ ").split()) for line in text.splitlines()]
        assert "1. Welcome and group agreement planned █████████▍ 15 min" in chart
        assert "done actual ██████████▋ 17 min +2 min" in chart
        assert any(line.endswith("45+5 min") and "Topic discussion" in line for line in chart)
        assert "done actual █████████████████████████████████ 53 min +8 min" in chart
        assert "skipped actual skipped" in chart
        assert "done actual ██████▉ 11 min +1 min" in chart

        await pilot.press("down", "down")  # the body scrolls with ↑↓ (the footer says so)
        await until(pilot, lambda: app.screen.query_one("#review-body").scroll_y == 2)
        await show_panel(pilot, "#attendance-panel")
        await until(pilot, on_screen(app, "Attendance", "Alex"))
        rows = {line.split()[1]: " ".join(line.split()[2:-1]) for line in _table(app)}
        assert rows["Sam"] == "18:02 no 18:40 to 18:46 stayed to the end"
        assert rows["River"] == "18:03 no - left at 19:20"
        assert rows["Alex"] == "18:09 yes, 4 min - stayed to the end"

        await show_panel(pilot, "#shares-panel")
        await until(pilot, on_screen(app, "Private requests", "Shares"))
        text = screen_text(app)
        assert "Share text was not recorded" in text and SHARE not in text
        assert text.count("None recorded.") >= 3  # exercises, check-ins, private requests

        footer = key_rows(app)
        for key in (
            "Back",
            "Forward",
            "First",
            "Last",
            "Scroll",
            "n Group note",
            "Sessions",
            "Quit",
        ):
            assert key in footer
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, SessionList))


async def test_share_text_shows_only_when_the_session_recorded_it(tmp_path: Path) -> None:
    store = SQLiteLog(tmp_path / "hub.sqlite3")
    write(store, "cccc3333", tuesday("cccc3333", record_shares=True))
    app = ReviewApp(store, tz=UTC)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, on_screen(app, "1 session"))
        await pilot.press("enter")
        await until(pilot, on_screen(app, "share text recorded"))
        await show_panel(pilot, "#shares-panel")
        await until(pilot, on_screen(app, f"#1 shown  {SHARE}"))
    store.close()


# -- replay -----------------------------------------------------------------------------------


async def test_replay_steps_through_the_session_with_the_same_reduce(log: SQLiteLog) -> None:
    app = ReviewApp(log, tz=UTC)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_review(pilot, app)
        states = timeline(screen.recording.events)

        await pilot.press("home")
        await until(pilot, on_screen(app, "Step 0 of 16 · before the first event"))
        assert "No agenda in this session." in screen_text(app)

        await pilot.press("right")
        await until(
            pilot,
            on_screen(app, "Step 1 of 16 · 18:00 · Session created from the relapse-prevention"),
        )
        assert "not reached" in screen_text(app)

        await pilot.press(*["right"] * 5)  # Alex joins, 4 minutes into the welcome
        await until(pilot, on_screen(app, "Step 6 of 16 · 18:09 · Alex joined"))
        text = screen_text(app)
        assert "in progress" in text and "4 min so far" in text
        assert screen.note == build_note(states[6], screen.recording.events[:6])

        await pilot.press("left")
        await until(pilot, on_screen(app, "Step 5 of 16 · 18:05 · Began item 1, Welcome"))
        await pilot.press("end")
        await until(pilot, on_screen(app, "Step 16 of 16 (the recorded end)"))
        assert screen.note == build_note(states[-1], screen.recording.events)
        await pilot.press("right")  # already at the end: stays there
        await until(pilot, on_screen(app, "Step 16 of 16 (the recorded end)"))


async def test_clicking_the_timeline_scrubs_to_that_point(log: SQLiteLog) -> None:
    app = ReviewApp(log, tz=UTC)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_review(pilot, app)
        bar = app.screen.query_one("#timeline")
        width = bar.content_region.width
        await pilot.click("#timeline", offset=(1, 0))  # the padding, then the first cell
        await until(pilot, on_screen(app, "Step 0 of 16"))
        await pilot.click("#timeline", offset=(1 + (width - 1) // 2, 0))
        await until(pilot, lambda: screen.position == 8)
        await until(pilot, on_screen(app, "Step 8 of 16 · 18:22 · Began item 2, Topic discussion"))


async def test_f2_switches_to_high_contrast(log: SQLiteLog) -> None:
    app = ReviewApp(log, tz=UTC)
    async with app.run_test(size=SIZE) as pilot:
        assert app.theme == CALM.name
        await pilot.press("f2")
        assert app.theme == HIGH_CONTRAST.name
        await pilot.press("f3")
        assert app.has_class("-large")


async def test_the_audit_log_shows_who_did_what_and_when(log: SQLiteLog) -> None:
    for at, account, action, detail in [
        (T0, "dana", "session created", "Relapse prevention group"),
        (T0 + 5 * M, "dana", "session started", ""),
        (T0 + 30 * M, "sam", "participant removed", "Alex"),
        (T0 + 90 * M, "records", "export made", "md group note"),
    ]:
        log.add_audit("bbbb2222", AuditEntry(at, account, action, detail))
    app = ReviewApp(log, tz=UTC)
    async with app.run_test(size=SIZE) as pilot:
        await open_review(pilot, app)
        await show_panel(pilot, "#audit-panel")
        await until(pilot, on_screen(app, "Audit log: facilitator actions"))
        text = screen_text(app)
        assert "2025-01-07 18:00  dana · session created · Relapse prevention group" in text
        assert "18:30  sam · participant removed · Alex" in text
        assert "19:30  records · export made · md group note" in text
