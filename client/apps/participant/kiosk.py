"""A kiosk terminal (``circle join --kiosk``): one terminal that several people use in turn.

When the session ends, when the person leaves (Ctrl+E) or when the facilitator clears it from
the People screen, the app forgets everything about the person who sat here: what it learnt
from the hub, what they typed, its seat, the screen and the terminal's scrollback. The app
does the forgetting (``ParticipantApp.clear_for_next``); this module holds its words, the
question before leaving and the escape sequences for the real terminal.
"""

from __future__ import annotations

from typing import Any

from textual.app import App
from textual.content import Content

from client.widgets.confirm import Confirm

__all__ = [
    "CLEARED_BY_FACILITATOR",
    "CLEARED_HERE",
    "ENDED_CLEARED",
    "LEFT_CLEARED",
    "WIPE_SEQUENCE",
    "ConfirmDone",
    "wipe_terminal",
]

WIPE_SEQUENCE = "\x1b[2J\x1b[3J\x1b[H"
"""Erase the screen, then the terminal's scrollback (xterm's ``ESC [ 3 J``, which xterm.js in
a browser tab understands too), then home the cursor; the app then draws itself again whole."""

ENDED_CLEARED = (
    "The session has ended. Thank you for being here.\n"
    "This screen has been cleared for the next person."
)
LEFT_CLEARED = "Thank you for being here. This screen has been cleared for the next person."
CLEARED_BY_FACILITATOR = "The facilitator cleared this screen for the next person."
CLEARED_HERE = "The facilitator cleared this screen. You are still in the session."
"""What a terminal that is not a kiosk says when the facilitator clears it: the scrollback is
wiped, and the person carries on."""
LEAVE_WORDS = (
    "This screen will be cleared for the next person: nothing you saw or wrote stays on it. "
    "Shares you sent stay anonymous. You can join again with the room code."
)


class ConfirmDone(Confirm):
    """Asked before a kiosk terminal leaves the session and clears itself."""

    def __init__(self) -> None:
        super().__init__(
            Content("Leave the session?"),
            LEAVE_WORDS,
            keep="Stay",
            go="Leave and clear",
            dialog_id="leave-dialog",
        )


def wipe_terminal(app: App[Any]) -> None:
    """Erase the real terminal's screen and scrollback, then have the app draw itself again."""
    driver = app._driver  # Textual writes its own escape codes (the clipboard's) the same way
    if driver is not None:
        driver.write(WIPE_SEQUENCE)
        driver.flush()
    app.screen.refresh(repaint=True)
