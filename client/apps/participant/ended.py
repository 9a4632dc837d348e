"""The view once the session has ended: a calm goodbye."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Center, Vertical
from textual.widgets import Static

__all__ = ["ENDED_WORDS", "EndedView"]

ENDED_WORDS = "The session has ended. Thank you for being here."


class EndedView(Vertical):
    """A calm goodbye; nothing is left to do but close."""

    def compose(self) -> ComposeResult:
        with Center(), Vertical(id="ended-panel", classes="panel"):
            yield Static(ENDED_WORDS, id="ended-words")
            yield Static("You can close this window with Q.", classes="hint")
