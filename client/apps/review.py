"""``circle review``: look back at recorded sessions, and replay one event by event.

Read-only over the SQLite file: no hub link, so this is a plain ``App`` that reuses the
circlekeeper themes and styles rather than ``HubApp``. Every state shown, at the end or at any
step of a replay, is ``shared.reduce.reduce`` applied to the stored log (``server.records``);
every number shown comes from the same model the exports render (``server.export``), derived
by ``shared.projections`` and worded by ``shared.words``.
"""

from __future__ import annotations

import asyncio
from datetime import tzinfo
from pathlib import PurePath
from typing import ClassVar

from rich import box
from rich.table import Table
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Input, Static

from client.apps.base import HEIGHT_CLASSES, STYLES, WIDTH_CLASSES
from client.theme import ReadableApp
from client.widgets.key_row import WrappingFooter
from client.widgets.plan_chart import PlanChart
from client.widgets.timeline import TimelineBar, describe
from server.api import (
    GroupError,
    GroupNote,
    NoteError,
    RecordError,
    Recording,
    SessionSummary,
    SQLiteLog,
    build_note,
    get_group,
    grid,
    load,
    summaries,
    timeline,
    trends,
)
from shared.projections import last_time
from shared.state import SessionState
from shared.words import (
    NONE,
    away_words,
    clock,
    day,
    late_words,
    left_words,
    minutes,
    plural,
    scores,
)

STATUS_WORDS = {"new": "not started", "lobby": "not started", "running": "not ended"}


def session_date(summary: SessionSummary, tz: tzinfo | None) -> str:
    at = summary.started_at or summary.created_at
    return f"{day(at, tz)} {clock(at, tz)}"


def matches(summary: SessionSummary, query: str, tz: tzinfo | None) -> bool:
    """Every word of the query is in the title, template, date, id or room code."""
    haystack = " ".join(
        (summary.title, summary.template, session_date(summary, tz), summary.id, summary.code)
    ).casefold()
    return all(word in haystack for word in query.casefold().split())


class SessionList(Screen[None]):
    """The recorded sessions, newest first, narrowed as you type."""

    AUTO_FOCUS = "#search"
    """Enter is the screen's (priority), so it opens the highlighted session from the search
    box as well as from the table, and the footer says so."""
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open", "Open session", priority=True),
        Binding("down", "to_table", "Sessions", show=False),
        Binding("slash", "search", "Search", key_display="/"),
        Binding("escape", "clear", "Clear search"),
    ]

    def __init__(self) -> None:
        super().__init__(id="sessions-screen")
        self.found: list[SessionSummary] = []
        self.loaded = False

    @property
    def review(self) -> ReviewApp:
        app = self.app
        assert isinstance(app, ReviewApp)
        return app

    def compose(self) -> ComposeResult:
        with Vertical(id="list-body"):
            yield Static("Recorded sessions", classes="screen-title")
            yield Static(
                "Newest first. Type to search by title, agenda template or date "
                "(for example 2025-03); Enter opens the session.",
                classes="hint",
            )
            yield Input(placeholder="Search sessions", id="search")
            yield DataTable(id="sessions", cursor_type="row", zebra_stripes=True)
            yield Static("Reading the recorded sessions…", id="list-message", classes="hint")
        yield WrappingFooter(compact=True)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Date", "Title", "Template", "Length", "People", "Status")
        self.load()

    @work(exclusive=True, group="list")
    async def load(self) -> None:
        """Replaying every session takes a moment on a big file: keep it off the UI loop."""
        try:
            self.found = await asyncio.to_thread(summaries, self.review.records)
        except Exception as exc:
            self.query_one("#list-message", Static).update(f"Could not read the sessions: {exc}")
            return
        self.loaded = True
        self.fill()

    def shown(self) -> list[SessionSummary]:
        query = self.query_one("#search", Input).value
        return [s for s in self.found if matches(s, query, self.review.tz)]

    def fill(self) -> None:
        table = self.query_one(DataTable)
        table.clear()
        rows = self.shown()
        for s in rows:
            table.add_row(
                session_date(s, self.review.tz),
                s.title,
                s.template,
                minutes(s.duration_seconds),
                str(s.joined),
                STATUS_WORDS.get(s.status, s.status),
                key=s.id,
            )
        message = self.query_one("#list-message", Static)
        if not self.found:
            message.update(f"No sessions recorded yet in {self.review.records.path}.")
        elif not rows:
            message.update("No session matches that search.")
        else:
            message.update(plural(len(rows), "session"))

    @on(Input.Changed, "#search")
    def _search_changed(self) -> None:
        if self.loaded:
            self.fill()

    @on(DataTable.RowSelected, "#sessions")
    def _row_chosen(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value is not None:
            self.review.open_session(event.row_key.value)

    def action_open(self) -> None:
        table = self.query_one(DataTable)
        if table.row_count == 0:
            return
        key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        if key.value is not None:
            self.review.open_session(key.value)

    def action_to_table(self) -> None:
        self.query_one(DataTable).focus()

    def action_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_clear(self) -> None:
        search = self.query_one("#search", Input)
        search.value = ""
        search.focus()


class SessionReview(Screen[None]):
    """One session: planned vs actual, attendance, activities, requests, shares; replayable.

    ``position`` is how many events are applied; it starts at the end (the recorded result).
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left", "step(-1)", "Back"),
        Binding("right", "step(1)", "Forward"),
        Binding("home", "jump(0)", "First"),
        Binding("end", "jump(-1)", "Last"),
        Binding("up", "scroll(-1)", "Scroll", key_display="↑↓"),
        Binding("down", "scroll(1)", "Scroll", show=False),
        Binding("n", "note", "Group note…"),
        Binding("g", "group", "Group trends…"),
        Binding("escape", "back", "Sessions"),
    ]

    def __init__(self, recording: Recording, tz: tzinfo | None) -> None:
        super().__init__(id="review-screen")
        self.recording = recording
        self.tz = tz
        self.states: list[SessionState] = timeline(recording.events)
        self.position = len(recording.events)
        self.note: GroupNote | None = None

    def compose(self) -> ComposeResult:
        yield Static("", id="review-title", classes="screen-title")
        yield Static("", id="review-facts", classes="hint")
        with Vertical(id="replay-panel", classes="panel"):
            yield TimelineBar(id="timeline")
            yield Static("", id="replay-caption")
        with VerticalScroll(id="review-body", can_focus=False):
            with Vertical(classes="panel", id="agenda-panel"):
                yield Static("Agenda: planned vs actual", classes="panel-title")
                yield PlanChart(id="plan")
            with Vertical(classes="panel", id="attendance-panel"):
                yield Static("Attendance", classes="panel-title")
                yield Static("", id="attendance")
            with Vertical(classes="panel", id="exercises-panel"):
                yield Static("Exercises", classes="panel-title")
                yield Static("", id="exercises")
            with Vertical(classes="panel", id="checkins-panel"):
                yield Static(
                    "Check-ins (shown only when enough people answered)", classes="panel-title"
                )
                yield Static("", id="checkins")
            with Vertical(classes="panel", id="requests-panel"):
                yield Static("Private requests", classes="panel-title")
                yield Static("", id="requests")
            with Vertical(classes="panel", id="shares-panel"):
                yield Static("Shares", classes="panel-title")
                yield Static("", id="shares")
            with Vertical(classes="panel", id="audit-panel"):
                yield Static("Audit log: facilitator actions", classes="panel-title")
                yield Static("", id="audit")
        yield WrappingFooter(compact=True)

    def on_mount(self) -> None:
        final = self.recording.final
        self.query_one("#review-title", Static).update(final.title or "Untitled session")
        self.query_one("#audit", Static).update(self._audit())
        self.show_position(self.position)

    # -- replay -----------------------------------------------------------------------------

    @property
    def total(self) -> int:
        return len(self.recording.events)

    def show_position(self, position: int) -> None:
        """Redraw everything from the state after ``position`` events."""
        self.position = max(0, min(position, self.total))
        events = self.recording.events[: self.position]
        state = self.states[self.position]
        self.note = build_note(state, events)
        self.query_one(TimelineBar).show(self.position, self.total)
        self.query_one("#replay-caption", Static).update(self._caption(state))
        self.query_one("#review-facts", Static).update(self._facts())
        self.query_one(PlanChart).show(self.note.agenda)
        self.query_one("#attendance", Static).update(self._attendance(self.note))
        self.query_one("#exercises", Static).update(self._exercises(self.note))
        self.query_one("#checkins", Static).update(self._checkins(self.note))
        self.query_one("#requests", Static).update(self._requests(self.note))
        self.query_one("#shares", Static).update(self._shares(state))

    def _caption(self, state: SessionState) -> Content:
        where = f"Step {self.position} of {self.total}"
        if self.position == 0:
            return Content.assemble(
                (where, "bold"), " · before the first event. → steps forward, End jumps to the end."
            )
        _, event = self.recording.events[self.position - 1]
        at = last_time(e for _, e in self.recording.events[: self.position])
        when = "" if at is None else f" · {clock(at, self.tz)}"
        ending = " (the recorded end)" if self.position == self.total else ""
        return Content.assemble((where + ending, "bold"), when, " · ", describe(event, state))

    def _facts(self) -> str:
        final = self.recording.final
        note = build_note(final, self.recording.events)
        facts = note.session
        when = f"{day(facts.created_at, self.tz)} {clock(facts.started_at, self.tz)}"
        if facts.started_at is None:
            when = f"{day(facts.created_at, self.tz)}, not started"
        if facts.ended:
            length = f"ended {clock(facts.ended_at, self.tz)}, {facts.duration_minutes} min"
        else:
            length = "not ended"
        shares = "share text recorded" if facts.share_text_recorded else "share text not recorded"
        return f"{facts.template} · {when} · {length} · {facts.joined} joined · {shares}"

    def _attendance(self, note: GroupNote) -> Table | str:
        if not note.attendance:
            return "Nobody has joined yet." if self.position < self.total else "Nobody joined."
        table = Table(box=box.SIMPLE_HEAD, expand=True, pad_edge=False)
        for column in ("Name", "Joined", "Late", "Away", "Left"):
            table.add_column(column)
        for row in note.attendance:
            table.add_row(
                row.name,
                clock(row.joined_at, self.tz),
                late_words(row),
                away_words(row, self.tz) or "-",
                left_words(row, self.tz, ended=note.session.ended),
            )
        return table

    def _exercises(self, note: GroupNote) -> str:
        lines = [
            f"{e.title} · {clock(e.started_at, self.tz)} · {minutes(e.minutes * 60)}"
            + ("" if e.completed else " (stopped early)")
            for e in note.exercises
        ]
        return "\n".join(lines) or NONE

    def _checkins(self, note: GroupNote) -> str:
        """Each closed check-in as published: its distribution in the answers' words and its
        median, or only how many answered when too few did (nothing per person exists)."""
        lines = []
        for c in note.checkins:
            question = f"{c.question} ({c.scale})" if c.scale else c.question
            if c.counts is None:
                given = f"not enough answers to show (fewer than {c.minimum})"
            else:
                given = scores(c.counts, c.answers) + (
                    f" · median {c.median:g}" if c.median is not None else ""
                )
            lines.append(f"{question}: {c.answered} answered · {given}")
        lines += [
            f"{t.name} spoke · {clock(t.started_at, self.tz)} · {minutes(t.seconds)}"
            + (f" (round {t.round}, turn {t.turn} of {t.of})" if t.turn else "")
            for t in note.turns
        ]
        return "\n".join(lines) or NONE

    def _requests(self, note: GroupNote) -> str:
        lines = [
            f"{r.name}: {r.request} · {'handled' if r.handled else 'not handled'}"
            for r in note.requests
        ]
        return "\n".join(lines) or NONE

    def _shares(self, state: SessionState) -> Content:
        if not self.recording.final.record_shares:
            return Content.styled(
                'Share text was not recorded: the session was created with "record shared '
                'text" off, so it is not kept or shown here.',
                "$text-muted",
            )
        if not state.shares:
            return Content(NONE)
        words = {"pending": "waiting", "shown": "shown", "set_aside": "set aside"}
        return Content("\n").join(
            Content.assemble((f"#{s.id} {words.get(s.status, s.status)}  ", "$text-muted"), s.text)
            for s in state.shares
        )

    def _audit(self) -> str:
        """The whole session's audit log (it is not part of the replay: exports come later)."""
        lines = [
            f"{day(e.at, self.tz)} {clock(e.at, self.tz)}  {e.account} · {e.action}"
            + (f" · {e.detail}" if e.detail else "")
            for e in self.recording.audit
        ]
        return "\n".join(lines) or NONE

    def action_step(self, delta: int) -> None:
        self.show_position(self.position + delta)

    def action_jump(self, where: int) -> None:
        self.show_position(self.total if where < 0 else where)

    def action_scroll(self, direction: int) -> None:
        body = self.query_one("#review-body", VerticalScroll)
        if direction < 0:
            body.scroll_up()
        else:
            body.scroll_down()

    def action_back(self) -> None:
        self.app.pop_screen()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "group":
            return bool(self.recording.final.group)
        return True

    @work(exclusive=True, group="group-view")
    async def action_group(self) -> None:
        """The session's group across its weeks: replaying every session takes a moment."""
        from client.apps.review_group import GroupScreen

        app = self.app
        assert isinstance(app, ReviewApp)

        def read() -> GroupScreen:
            group = get_group(app.records, self.recording.final.group)
            found = grid(app.records, group)
            return GroupScreen(found, trends(app.records, found.meetings))

        try:
            screen = await asyncio.to_thread(read)
        except (GroupError, RecordError) as exc:
            self.notify(str(exc), title="Could not open the group", severity="error")
            return
        await app.push_screen(screen)

    def action_note(self) -> None:
        """The note to complete and sign: always of the whole session, whatever step shows."""
        from client.apps.review_note import NoteScreen

        app = self.app
        assert isinstance(app, ReviewApp)
        try:
            screen = NoteScreen(app.records, self.recording, self.tz)
        except NoteError as exc:
            self.notify(str(exc), title="Could not open the note", severity="error")
            return
        app.push_screen(screen)

    @on(TimelineBar.Scrubbed)
    def _scrubbed(self, message: TimelineBar.Scrubbed) -> None:
        self.show_position(message.position)


class ReviewApp(ReadableApp):
    """The review tool. Built the same way by the CLI and the tests (give it an open log)."""

    CSS_PATH: ClassVar[list[str | PurePath]] = [STYLES / "app.tcss", STYLES / "review.tcss"]
    HORIZONTAL_BREAKPOINTS = WIDTH_CLASSES
    VERTICAL_BREAKPOINTS = HEIGHT_CLASSES
    TITLE = "circlekeeper · review"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "Quit", priority=True),
    ]

    def __init__(
        self,
        log: SQLiteLog,
        *,
        high_contrast: bool = False,
        large_text: bool = False,
        tz: tzinfo | None = None,
    ) -> None:
        super().__init__(high_contrast=high_contrast, large_text=large_text)
        self.records = log
        self.tz = tz
        """Times are shown in this zone (default: the computer's)."""

    def on_mount(self) -> None:
        self.push_screen(SessionList())

    @work(exclusive=True, group="open")
    async def open_session(self, session_id: str) -> None:
        try:
            recording = await asyncio.to_thread(load, self.records, session_id)
        except RecordError as exc:
            self.notify(str(exc), title="Could not open the session", severity="error")
            return
        await self.push_screen(SessionReview(recording, self.tz))


__all__ = ["ReviewApp", "SessionList", "SessionReview", "matches"]
