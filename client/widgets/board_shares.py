"""Shares the facilitator showed to the room, the newest large at the top.

Only shares the room has seen are drawn (shown or discussed, and public); a pending or
set-aside share never is. The hub never sends a board a pending share in the first place; this
is the second lock on the same door.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from shared.state import SessionState, Share

__all__ = ["NOTHING_SHOWN", "RoomShares", "newest_first"]

NOTHING_SHOWN = "Shares the group chooses to show will appear here."


def newest_first(state: SessionState) -> list[Share]:
    """The room's shares, the most recently shown first (a share shown again comes back up)."""
    visible = {s.id: s for s in state.shares_with("shown", "discussed") if s.public}
    rank = {share: n for n, share in enumerate(state.shown_order)}
    return sorted(visible.values(), key=lambda s: (rank.get(s.id, -1), s.id), reverse=True)


class RoomShares(Vertical):
    """The newest share in bold, earlier ones below it; what does not fit is the oldest."""

    DEFAULT_CSS = """
    RoomShares { height: 1fr; overflow: hidden hidden; }
    RoomShares #share-newest { text-style: bold; padding: 1 1; }
    RoomShares #share-earlier { padding: 0 1; margin-top: 1; }
    RoomShares #share-none { color: $text-muted; text-style: italic; padding: 1 1; }
    """

    def compose(self) -> ComposeResult:
        yield Static("Shared with the room", classes="panel-title")
        yield Static(NOTHING_SHOWN, id="share-none")
        yield Static("", id="share-newest")
        yield Static("", id="share-earlier")

    def show(self, shares: Sequence[Share]) -> None:
        newest = self.query_one("#share-newest", Static)
        earlier = self.query_one("#share-earlier", Static)
        self.query_one("#share-none").display = not shares
        newest.display = earlier.display = bool(shares)
        if not shares:
            return
        newest.update(Text(f"❝ {shares[0].text} ❞"))
        text = Text()
        for number, share in enumerate(shares[1:]):
            if number:
                text.append("\n\n")
            text.append("❝ ", style="bold")
            text.append(share.text)
        earlier.update(text)
