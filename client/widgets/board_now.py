"""The room board's "Now": the current agenda item and its countdown in large digits.

The countdown is the participant terminal's (``ItemState.remaining`` at the hub's clock), drawn
with Textual's ``Digits`` so it reads from across a room. Running over is said plainly, in the
theme's warning colour, never as an alarm.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Digits, Static

from client.widgets.agenda import fmt_clock
from shared.state import SessionState

__all__ = ["NowPanel", "now_words"]

LOBBY_WORDS = "Starting soon"
ALL_DONE_WORDS = "All agenda items are done."


def now_words(state: SessionState, now: float) -> tuple[str, str, str, bool]:
    """(title, digits, words under them, over time) for the running item at ``now``."""
    if state.status == "lobby":
        return LOBBY_WORDS, "", "Waiting for the facilitator to start.", False
    item = state.current_item
    if state.status != "running" or item is None:
        return ALL_DONE_WORDS, "", "", False
    remaining = item.remaining(now) or 0.0
    minutes = item.minutes + item.extra_minutes
    if remaining >= 0:
        return item.title, fmt_clock(remaining), f"left of {minutes} min", False
    return item.title, f"+{fmt_clock(remaining)}", f"over the planned {minutes} min", True


class NowPanel(Vertical):
    """Redraws twice a second from the last state it was shown and the clock it was given."""

    DEFAULT_CSS = """
    NowPanel { height: auto; }
    NowPanel #now-item { text-style: bold; margin-bottom: 1; }
    NowPanel #now-clock { width: auto; color: $primary; text-style: bold; }
    NowPanel #now-left { color: $text-muted; }
    NowPanel.-over #now-clock, NowPanel.-over #now-left { color: $warning; }
    """

    def __init__(self, now: Callable[[], float], *, id: str | None = None) -> None:
        super().__init__(id=id, classes="panel")
        self._now = now
        self._state: SessionState | None = None

    def compose(self) -> ComposeResult:
        yield Static("Now", classes="panel-title")
        yield Static("", id="now-item")
        yield Digits("", id="now-clock")
        yield Static("", id="now-left")

    def on_mount(self) -> None:
        self.set_interval(0.5, self.tick)

    def show(self, state: SessionState) -> None:
        self._state = state
        self.tick()

    def tick(self) -> None:
        if self._state is None or not self.is_mounted:
            return
        title, digits, words, over = now_words(self._state, self._now())
        self.query_one("#now-item", Static).update(Text(title))
        clock = self.query_one("#now-clock", Digits)
        if clock.value != digits:
            clock.update(digits)
        clock.display = bool(digits)
        self.query_one("#now-left", Static).update(Text(words))
        self.set_class(over, "-over")
