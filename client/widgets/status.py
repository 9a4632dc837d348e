"""A calm line that says when the hub is out of reach, and that nothing typed is lost.

While no hub answers, the apps also say why, what to check and when the next try is
(``retry_words``); ``HubApp.retry_note`` keeps those words and their countdown current.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from client.connection import LinkStatus, Retry

__all__ = ["CHECKS", "WORDS", "LinkBanner", "link_words", "retry_words"]

WORDS: dict[LinkStatus, str] = {
    "connecting": "Connecting to the session…",
    "online": "",
    "reconnecting": "Reconnecting… anything you type is kept and sent when the link is back.",
    "closed": "Not connected.",
}
CHECKS = (
    "Is 'circle hub' running on that computer? Is this computer on the same network? "
    "Is the address right?"
)
"""What to check, for whoever set the room up (the same three things for every app)."""


def retry_words(retry: Retry, now: float) -> str:
    """Where the hub was looked for, why it was not found, what to check, and when the next
    try is (in whole seconds, so it can count down once a second), one line each: the
    countdown, which changes, never wraps into the middle of the others."""
    left = retry.seconds_left(now)
    when = f"Trying again in {left} s…" if left else "Trying again now…"
    return f"Can't reach the hub at {retry.uri}: {retry.reason}.\n{CHECKS}\n{when}"


def link_words(status: LinkStatus, detail: str = "") -> str:
    """The banner's words: ``detail`` is ``retry_words`` while the hub cannot be reached."""
    if status == "connecting" and detail:
        return detail
    if status == "reconnecting" and detail:
        return f"{WORDS[status]}\n{detail}"
    return WORDS[status]


class LinkBanner(Static):
    DEFAULT_CSS = """
    LinkBanner { height: auto; padding: 0 1; background: $warning 30%; display: none; }
    LinkBanner.-visible { display: block; }
    """

    def show(self, status: LinkStatus, detail: str = "") -> None:
        """The words for ``status``; ``detail`` says why the hub cannot be reached, if so."""
        words = link_words(status, detail)
        self.update(Text(words))
        self.set_class(bool(words), "-visible")
