"""A yes/no question asked once more before something that cannot simply be taken back.

Subclasses give the words and their own key labels; the keys and buttons behave the same
everywhere: ``y`` or the warning button says yes, ``n``/Escape or the first button says no.

The look of every small form (``.form-dialog``, ``.form-buttons``, ``.form-message``) lives here
too, so a question or a form looks the same whichever app opens it: a form screen puts
``FORM_CSS`` in its ``DEFAULT_CSS`` and ``FORM_BOX_CSS`` in its ``CSS`` (see there for why).
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from client.widgets.key_row import WrappingFooter

FORM_CSS = """
.form-dialog Label {
    margin-top: 1;
}

.form-message {
    height: auto;
    color: $warning;
}

.form-buttons {
    height: auto;
    margin-top: 1;
    align-horizontal: right;
}

.form-buttons Button {
    margin-left: 2;
}
"""
"""Inside a form: labels, the message line, right-aligned buttons. For a screen's ``DEFAULT_CSS``,
which Textual scopes to that screen (``ItemForm .form-buttons``), so no other screen gets it."""

FORM_BOX_CSS = """
.form-dialog {
    width: 72;
    max-width: 100%;
    height: auto;
    max-height: 100%;
    background: $surface;
    padding: 1 2;
}
"""
"""A form's box. It is also a ``.panel``, and app CSS (app.tcss's ``.panel { padding: 0 1 }``)
always outranks ``DEFAULT_CSS`` whatever the selectors, so this goes in the screen's ``CSS``:
Textual reads that as app CSS when the screen is first pushed, scoped to the screen like
``DEFAULT_CSS`` (``ItemForm .form-dialog``), where it outranks ``.panel`` by specificity. Use only
id and class selectors in a screen's ``CSS``: a subclass inherits it scoped to its own name.
"""


class Confirm(ModalScreen[bool]):
    DEFAULT_CSS = (
        """
    Confirm {
        align: center middle;
    }
    """
        + FORM_CSS
    )
    CSS = (
        FORM_BOX_CSS
        + """
    .form-dialog {
        border: round $warning;
    }
    """
    )
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
        yield WrappingFooter(compact=True)

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)

    @on(Button.Pressed, "#confirm-go")
    def _yes(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#confirm-keep")
    def _keep(self) -> None:
        self.dismiss(False)
