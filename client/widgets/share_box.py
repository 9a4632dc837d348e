"""The anonymous share box: a place to write, with the promise and its limits said plainly.

It only holds the text and says what the hub would make of it (``client.following.draft``, which
asks ``shared.decide.share_text``); the app sends it and tells the box what became of it, so the
typed words stay in the box until the hub has acknowledged them (through reconnects too).
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Static, TextArea

from client.following import draft
from shared.commands import MAX_SHARE_CHARS

ANONYMITY_WORDS = (
    "Shares are anonymous: nobody, not even the facilitator, can see who wrote one. "
    "The facilitator reads each share before the room sees it."
)
FEW_PEOPLE_WORDS = (
    "Only a few people are here right now, so others might guess who wrote a share. "
    "You can still write one, or keep it for later."
)
RECEIVED_WORDS = (
    "Received. Thank you for sharing. It reaches the facilitator together with others "
    "in a few moments, without your name."
)


class ShareBox(Vertical):
    """Write a share; see how long it is and what happened to the last one sent."""

    DEFAULT_CSS = """
    ShareBox { height: auto; }
    ShareBox #share-text { height: 7; }
    ShareBox #share-few { display: none; }
    ShareBox.-few #share-few { display: block; }
    ShareBox #share-meta { height: auto; }
    ShareBox #share-counter { width: 12; }
    ShareBox #share-status { width: 1fr; height: auto; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._waiting = False

    def compose(self) -> ComposeResult:
        yield Static("Write a share", classes="panel-title")
        yield Static(ANONYMITY_WORDS, id="share-anonymity", classes="hint")
        yield Static(FEW_PEOPLE_WORDS, id="share-few")
        yield TextArea(id="share-text", soft_wrap=True, tab_behavior="focus")
        with Horizontal(id="share-meta"):
            yield Static(f"0 / {MAX_SHARE_CHARS}", id="share-counter")
            yield Static("", id="share-status")

    @property
    def area(self) -> TextArea:
        return self.query_one("#share-text", TextArea)

    @property
    def text(self) -> str:
        return self.area.text

    @property
    def waiting(self) -> bool:
        """A share was sent and its acknowledgement has not come back yet."""
        return self._waiting

    def set_few_people(self, few: bool) -> None:
        self.set_class(few, "-few")

    def problem(self) -> str | None:
        """Why the current text cannot be sent yet, in words that do not blame anyone."""
        current = draft(self.text)
        match current.problem:
            case "empty":
                return "There is nothing to send yet. Write a few words first."
            case "too_long":
                return (
                    f"This share has {current.length} characters; "
                    f"a share can be up to {MAX_SHARE_CHARS}. "
                    "Please shorten it a little before sending."
                )
            case None:
                return None

    def say(self, words: str, *, concern: bool = False) -> None:
        status = self.query_one("#share-status", Static)
        status.update(Text(words))
        status.set_class(concern, "-concern")

    def sending(self, online: bool) -> None:
        """Hold the text as it is until the hub answers, so the ack clears exactly what was sent."""
        self._waiting = True
        self.area.read_only = True
        self.link_changed(online)

    def link_changed(self, online: bool) -> None:
        if not self._waiting:
            return
        if online:
            self.say("Sending…")
        else:
            self.say("Waiting for the connection. Your share will be sent when it is back.")

    def received(self) -> None:
        self._waiting = False
        self.area.read_only = False
        self.area.clear()
        self.say(RECEIVED_WORDS)

    def not_sent(self, words: str) -> None:
        """The hub turned it down or the link closed: give the text back for another try."""
        self._waiting = False
        self.area.read_only = False
        self.say(words, concern=True)

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        event.stop()
        current = draft(event.text_area.text)
        counter = self.query_one("#share-counter", Static)
        counter.update(f"{current.length} / {MAX_SHARE_CHARS}")
        over = current.problem == "too_long"
        counter.set_class(over, "-concern")
        if over:
            self.say(self.problem() or "", concern=True)
        elif not self._waiting and current.sendable:
            self.say("")
