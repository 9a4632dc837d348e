"""A yes/no question asked once more before something that cannot simply be taken back.

Subclasses give the words and their own key labels; the keys and buttons behave the same
everywhere: ``y`` or the warning button says yes, ``n``/Escape or the first button says no.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Static


class Confirm(ModalScreen[bool]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes"),
        Binding("escape,n", "answer(False)", "No"),
    ]

    def __init__(
        self,
        question: Content,
        words: Content | str,
        *,
        keep: str,
        go: str,
        id: str | None = None,
        dialog_id: str | None = None,
        words_id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.question, self.words = question, words
        self.keep, self.go = keep, go
        self.dialog_id, self.words_id = dialog_id, words_id

    def compose(self) -> ComposeResult:
        with Vertical(id=self.dialog_id, classes="panel form-dialog"):
            yield Static(self.question, classes="panel-title")
            yield Static(self.words, id=self.words_id)
            with Horizontal(classes="form-buttons"):
                yield Button(self.keep, id="confirm-keep", variant="primary")
                yield Button(self.go, id="confirm-go", variant="warning")
        yield Footer(compact=True)

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)

    @on(Button.Pressed, "#confirm-go")
    def _yes(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#confirm-keep")
    def _keep(self) -> None:
        self.dismiss(False)
