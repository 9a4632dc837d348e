"""The room board's check-in panel: how many have answered while it is open, then the published
answers (bars, the answer words and the middle answer) or "not enough answers to show".

Never an answer of anyone's, never a running total by answer: the board is told what everyone
is told (``Answering`` counts, then ``checkin.closed``).
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from client.following import answered_words
from client.widgets.checkin_chart import CheckinChart, end_words
from shared.state import Checkin, SessionState

__all__ = ["RESULT_SECONDS", "BoardCheckin", "board_checkin"]

RESULT_SECONDS = 10 * 60
"""How long a closed check-in's answers stay on the wall, unless the agenda moves on first."""


def board_checkin(state: SessionState, now: float) -> Checkin | None:
    """The check-in the board shows at ``now``: the open one, or the last closed one for a while
    (until ``RESULT_SECONDS`` have passed, the agenda moved on, or an exercise started)."""
    if not state.checkins:
        return None
    last = state.checkins[-1]
    if last.open:
        return last
    closed = last.closed_at or 0.0
    if now - closed > RESULT_SECONDS:
        return None
    item = state.current_item
    if item is not None and item.started_at is not None and item.started_at > closed:
        return None
    if state.exercise is not None and state.exercise.started_at > closed:
        return None
    return last


class BoardCheckin(Vertical):
    """The question, then its count or its answers; hidden when no check-in is shown."""

    DEFAULT_CSS = """
    BoardCheckin { height: auto; }
    BoardCheckin #board-checkin-prompt { text-style: bold; }
    BoardCheckin #board-checkin-count { margin-top: 1; }
    """

    def compose(self) -> ComposeResult:
        yield Static("Check-in", classes="panel-title")
        yield Static("", id="board-checkin-prompt")
        yield Static("", id="board-checkin-ends", classes="hint")
        yield Static("", id="board-checkin-count")
        yield CheckinChart(height=4, id="board-checkin-chart")

    def on_mount(self) -> None:
        self.display = False

    def show(self, checkin: Checkin | None, answered: int | None = None) -> None:
        self.display = checkin is not None
        if checkin is None:
            return
        self.query_one("#board-checkin-prompt", Static).update(Text(checkin.question.prompt))
        ends = self.query_one("#board-checkin-ends", Static)
        ends.update(Text(end_words(checkin.question)))
        ends.display = checkin.open and bool(end_words(checkin.question))
        count = self.query_one("#board-checkin-count", Static)
        count.update(Text(answered_words(answered or 0) if checkin.open else ""))
        count.display = checkin.open
        chart = self.query_one(CheckinChart)
        chart.show(checkin)
        chart.display = not checkin.open
