"""The join view: the room code and a name chosen for the room.

The hub's words appear here when it cannot let someone in, and so do the rule core's when a name
could not be used (``shared.decide.clean_name``, the same check the hub runs).
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Center, Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static

from shared.commands import MAX_NAME_CHARS

__all__ = ["NAME_WORDS", "JoinView"]

NAME_WORDS = (
    "Choose any name to show in the room: a first name, a nickname or a made-up name is fine."
)


class JoinView(Vertical):
    """Room code and a chosen name; the hub's words appear here if it cannot let us in."""

    def __init__(self, code: str | None, name: str | None, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._code = code
        self._name = name

    def compose(self) -> ComposeResult:
        with Center(), Vertical(id="join-panel", classes="panel"):
            yield Static("Join the session", classes="panel-title")
            yield Label("Room code", id="code-label")
            yield Input(
                self._code or "", placeholder="the code your facilitator gives you", id="code"
            )
            yield Static("", id="code-given")
            yield Label("Your name in the room")
            yield Static(NAME_WORDS, classes="hint")
            yield Input(
                self._name or "", placeholder="any name", id="name", max_length=MAX_NAME_CHARS
            )
            with Horizontal(id="join-actions"):
                yield Button("Join", id="join-button", variant="primary")
                yield Static("Press Enter to join.", classes="hint", id="join-hint")
            yield Static("", id="join-message")

    def on_mount(self) -> None:
        self.set_class(bool(self._code), "-code-given")
        if self._code:
            self.query_one("#code-given", Static).update(Text(f"Room code: {self._code.upper()}"))

    def reveal_code(self) -> None:
        """After a refusal the code may be the reason: let it be changed."""
        self.remove_class("-code-given")

    def focus_first_empty(self, *, otherwise_code: bool = False) -> None:
        """Put the cursor where typing is needed (focusing selects the text, so typing replaces)."""
        code = self.query_one("#code", Input)
        name = self.query_one("#name", Input)
        code_shown = not self.has_class("-code-given")
        if code_shown and not code.value.strip():
            code.focus()
        elif not name.value.strip():
            name.focus()
        elif code_shown and otherwise_code:
            code.focus()
        else:
            name.focus()

    def tell(self, words: str, *, concern: bool = False) -> None:
        message = self.query_one("#join-message", Static)
        message.update(Text(words))
        message.set_class(concern, "-concern")

    def set_busy(self, busy: bool) -> None:
        self.query_one("#join-button", Button).disabled = busy
