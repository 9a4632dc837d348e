"""The session view: what a participant follows during the session, and the share box."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Container, Vertical, VerticalScroll
from textual.widgets import Static

from client.following import few_people, shown_shares
from client.widgets.agenda import AgendaView
from client.widgets.board_now import NowPanel
from client.widgets.board_speaking import SpeakingPanel
from client.widgets.share_box import ShareBox
from client.widgets.status import LinkBanner
from client.widgets.timer import ItemTimer
from shared.state import SessionState

__all__ = [
    "HIDE_HINT",
    "NOTHING_SHARED",
    "RECORD_KEPT",
    "RECORD_NOT_KEPT",
    "SessionView",
    "room_shares_text",
]

RECORD_KEPT = (
    "This session keeps the text of shares in its record for later review, never who wrote them."
)
RECORD_NOT_KEPT = "This session does not keep the text of shares in its record."
NOTHING_SHARED = "Nothing has been shared with the room yet."
HIDE_HINT = "F9 hides this screen at once, even while you type. Tab moves to the next part."


def room_shares_text(state: SessionState) -> Text:
    """The shares the room has seen (``client.following.shown_shares``), as plain text."""
    text = Text()
    shares = shown_shares(state)
    for number, share in enumerate(shares):
        if number:
            text.append("\n\n")
        text.append("❝ ", style="bold")
        text.append(share)
    if not shares:
        text.append(NOTHING_SHARED, style="italic")
    return text


class SessionView(Vertical):
    """What a participant follows during the session, and the share box."""

    def __init__(self, now: Callable[[], float], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._now = now

    def compose(self) -> ComposeResult:
        yield LinkBanner(id="banner")
        yield Static("", id="session-title", classes="panel-title")
        yield Static("", id="record-note", classes="hint")
        # A grid (participant.tcss): the left column beside the room's shares over the share
        # box; in a small window the share box takes the whole width along the bottom.
        with Container(id="session-body"):
            with Vertical(id="session-left"):
                with Vertical(id="now-panel", classes="panel"):
                    yield Static("Now", classes="panel-title")
                    yield ItemTimer(self._now, id="timer")
                    # Larger text (F3) shows the countdown in the board's block digits instead.
                    yield NowPanel(self._now, id="big-now")
                    yield SpeakingPanel(self._now, id="speaking")
                    yield Static("", id="floor-note")
                    yield Static("", id="exercise-hint", classes="hint")
                with Vertical(id="agenda-panel", classes="panel"):
                    yield Static("Agenda", classes="panel-title")
                    yield AgendaView(id="agenda")
                yield Static(HIDE_HINT, id="hide-hint", classes="hint")
            with Vertical(id="room-panel", classes="panel"):
                yield Static("Shared with the room", classes="panel-title")
                with VerticalScroll(id="room-scroll"):
                    yield Static("", id="room-shares")
            yield ShareBox(id="share-box", classes="panel")

    def show(self, state: SessionState, seat: str | None = None, note: str = "") -> None:
        """The room's state; ``seat`` is this participant's (for "You have the floor"), and
        ``note`` what concerns only them (their hand, their turn, their request)."""
        self.query_one("#session-title", Static).update(Text(state.title))
        self.query_one("#timer", ItemTimer).show(state)
        self.query_one("#big-now", NowPanel).show(state)
        self.query_one(SpeakingPanel).show(state, seat)
        floor_note = self.query_one("#floor-note", Static)
        floor_note.update(Text(note))
        floor_note.display = bool(note)
        self.query_one("#agenda", AgendaView).show(state)
        record = RECORD_KEPT if state.record_shares else RECORD_NOT_KEPT
        self.query_one("#record-note", Static).update(record)
        self.query_one("#room-shares", Static).update(room_shares_text(state))
        self.query_one(ShareBox).set_few_people(few_people(state))
