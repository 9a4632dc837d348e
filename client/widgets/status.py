"""A calm line that says when the hub is out of reach, and that nothing typed is lost."""

from __future__ import annotations

from textual.widgets import Static

from client.connection import LinkStatus

WORDS: dict[LinkStatus, str] = {
    "connecting": "Connecting to the session…",
    "online": "",
    "reconnecting": "Reconnecting… anything you type is kept and sent when the link is back.",
    "closed": "Not connected.",
}


class LinkBanner(Static):
    DEFAULT_CSS = """
    LinkBanner { height: auto; padding: 0 1; background: $warning 30%; display: none; }
    LinkBanner.-visible { display: block; }
    """

    def show(self, status: LinkStatus) -> None:
        self.update(WORDS[status])
        self.set_class(status != "online", "-visible")
