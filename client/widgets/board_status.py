"""The board's calm link line and its head count.

A board has nothing to type, so it says less than the participant's banner: only that it is
getting back in touch, which it does by itself.
"""

from __future__ import annotations

from textual.widgets import Static

from client.connection import LinkStatus
from client.widgets.status import LinkBanner

__all__ = ["WORDS", "BoardBanner", "PresentCount", "present_words"]

WORDS: dict[LinkStatus, str] = {
    "connecting": "Connecting to the session…",
    "online": "",
    "reconnecting": "Reconnecting…",
    "closed": "Not connected.",
}


class BoardBanner(LinkBanner):
    """The participant's banner with the board's words; hidden while online."""

    def show(self, status: LinkStatus, detail: str = "") -> None:
        self.update(f"{WORDS[status]} {detail}".strip())
        self.set_class(status != "online", "-visible")


def present_words(count: int) -> str:
    """How many people are here: a number, never who (a wall screen must not list people)."""
    if count == 0:
        return "Nobody has joined yet"
    return "1 person here" if count == 1 else f"{count} people here"


class PresentCount(Static):
    """The head count line; given a number only, so no name can reach it."""

    def show(self, count: int) -> None:
        self.update(present_words(count))
