"""The hidden screen: a blank, calm screen pushed on top of everything at one key (F9).

Whatever changes underneath stays underneath: nothing from the session shows here, not even a
toast, until the same key brings the terminal back.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Static

from client.widgets.key_row import WrappingFooter

__all__ = ["HIDDEN_WORDS", "HiddenScreen"]

HIDDEN_WORDS = "Screen hidden. Press F9 to come back."


class HiddenScreen(Screen[None]):
    """A blank, calm screen: nothing from the session, not even a toast."""

    DEFAULT_CSS = """
    HiddenScreen { align: center middle; }
    HiddenScreen #textual-toastrack { display: none; }
    """

    def compose(self) -> ComposeResult:
        yield Static(HIDDEN_WORDS, id="hidden-words", classes="hint")
        yield WrappingFooter()
