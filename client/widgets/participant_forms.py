"""Two small forms on the participant's terminal, each saying plainly who will see what.

- ``HandNoticeScreen``: before the first raised hand, that the facilitator sees the name in the
  queue (the room never sees the queue).
- ``TalkRequestScreen``: "I'd like to talk with a counselor after group", with an optional short
  note; the facilitators see the name and the note, nobody else.

Neither sends anything: each gives its answer back to the app, which sends.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from client.widgets.key_row import WrappingFooter
from shared.commands import MAX_NOTE_CHARS

__all__ = [
    "HAND_WORDS",
    "REQUEST_PRIVACY_WORDS",
    "REQUEST_WORDS",
    "HandNoticeScreen",
    "TalkRequestScreen",
]

HAND_WORDS = (
    "When you raise your hand, the facilitator sees your name in the queue of people who "
    "would like to speak. The rest of the room does not see the queue; they see who is "
    "speaking once the facilitator gives someone the floor. You can lower your hand at any time."
)
REQUEST_WORDS = "I'd like to talk with a counselor after group."
REQUEST_PRIVACY_WORDS = "The facilitators will see your name and your note. Nobody else will."

FORM_CSS = """
    {name} {{ align: center middle; }}
    {name} .participant-form {{
        width: 72; max-width: 100%; height: auto; max-height: 100%;
        background: $surface; padding: 1 2; border: round $primary;
    }}
    {name} .form-title {{ text-style: bold; margin-bottom: 1; }}
    {name} .form-words {{ margin-bottom: 1; }}
    {name} .form-actions {{ height: auto; margin-top: 1; }}
    {name} .form-actions Button {{ margin-right: 2; }}
"""


class HandNoticeScreen(ModalScreen[bool]):
    """Asked once, before the first raised hand: True raises it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "raise_hand", "Raise my hand", priority=True),
        Binding("escape", "not_now", "Not now", priority=True),
    ]
    DEFAULT_CSS = FORM_CSS.format(name="HandNoticeScreen")

    def compose(self) -> ComposeResult:
        with Vertical(classes="participant-form"):
            yield Static("Raise your hand?", classes="form-title")
            yield Static(HAND_WORDS, id="hand-words", classes="form-words")
            with Horizontal(classes="form-actions"):
                yield Button("Raise my hand", id="hand-yes", variant="primary")
                yield Button("Not now", id="hand-no")
        yield WrappingFooter()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "hand-yes")

    def action_raise_hand(self) -> None:
        self.dismiss(True)

    def action_not_now(self) -> None:
        self.dismiss(False)


def counter_words(note: str) -> str:
    """The note's length as the hub counts it (runs of spaces as one, ends trimmed)."""
    return f"{len(' '.join(note.split()))} / {MAX_NOTE_CHARS}"


class TalkRequestScreen(ModalScreen[str | None]):
    """The request and an optional note: the note (maybe "") to send, or None for not now."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "send", "Send request", priority=True),
        Binding("escape", "cancel", "Not now", priority=True),
    ]
    DEFAULT_CSS = (
        FORM_CSS.format(name="TalkRequestScreen")
        + """
    TalkRequestScreen #request-counter { color: $text-muted; }
    TalkRequestScreen #request-counter.-concern { color: $warning; }
    """
    )

    def compose(self) -> ComposeResult:
        with Vertical(classes="participant-form"):
            yield Static("Talk with a counselor after group", classes="form-title")
            yield Static(REQUEST_WORDS, id="request-words", classes="form-words")
            yield Label("A short note, if you like (you can leave it empty)")
            yield Input(placeholder="optional", id="request-note", max_length=MAX_NOTE_CHARS)
            yield Static(counter_words(""), id="request-counter")
            yield Static(REQUEST_PRIVACY_WORDS, id="request-privacy", classes="form-words")
            with Horizontal(classes="form-actions"):
                yield Button("Send request", id="request-send", variant="primary")
                yield Button("Not now", id="request-cancel")
        yield WrappingFooter()

    def on_mount(self) -> None:
        self.query_one("#request-note", Input).focus()

    @property
    def note(self) -> str:
        return self.query_one("#request-note", Input).value

    @on(Input.Changed, "#request-note")
    def _typed(self) -> None:
        counter = self.query_one("#request-counter", Static)
        counter.update(Text(counter_words(self.note)))

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "request-send":
            self.action_send()
        else:
            self.action_cancel()

    def action_send(self) -> None:
        self.dismiss(" ".join(self.note.split()))

    def action_cancel(self) -> None:
        self.dismiss(None)
