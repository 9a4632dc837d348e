"""The two small forms of a group note: signing it, and adding an addendum once it is signed.

Both only collect words and hand them back (``dismiss``); the review app does the saving, so a
refusal from the records (an incomplete note, a note signed meanwhile) is shown where the note
is. A signature is a name and credentials; the time is the hub computer's clock when saved.
"""

from __future__ import annotations

from typing import ClassVar, NamedTuple

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static, TextArea

from client.widgets.confirm import FORM_BOX_CSS, FORM_CSS
from client.widgets.key_row import WrappingFooter

__all__ = ["AddendumForm", "SignForm", "Signature", "Written"]


class Signature(NamedTuple):
    name: str
    credentials: str


class Written(NamedTuple):
    """An addendum: who adds it and the words."""

    by: Signature
    text: str


class SignForm(ModalScreen[Signature | None]):
    """Name and credentials, with what signing means said before the key is pressed."""

    DEFAULT_CSS = (
        """
    SignForm {
        align: center middle;
    }
    """
        + FORM_CSS
    )
    CSS = FORM_BOX_CSS
    AUTO_FOCUS = "#sign-name"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "submit", "Sign and lock", priority=True),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, name: str = "", credentials: str = "") -> None:
        super().__init__(id="sign-form")
        self.name_given, self.credentials_given = name, credentials

    def compose(self) -> ComposeResult:
        with Vertical(id="sign-dialog", classes="panel form-dialog"):
            yield Static("Sign the group note", classes="panel-title")
            yield Static(
                "Signing locks the note: it can never be edited again. Anything you add later "
                "is a dated addendum under it.",
                classes="hint",
            )
            yield Label("Your name")
            yield Input(self.name_given, id="sign-name", max_length=80)
            yield Label("Your credentials (for example LCSW, CADC)")
            yield Input(self.credentials_given, id="sign-credentials", max_length=80)
            yield Static("", id="sign-message", classes="form-message")
            with Horizontal(classes="form-buttons"):
                yield Button("Cancel", id="sign-cancel")
                yield Button("Sign and lock", id="sign-go", variant="warning")
        yield WrappingFooter(compact=True)

    def action_submit(self) -> None:
        name = self.query_one("#sign-name", Input).value.strip()
        credentials = self.query_one("#sign-credentials", Input).value.strip()
        if not name or not credentials:
            self.query_one("#sign-message", Static).update(
                "Give your name and your credentials to sign."
            )
            self.query_one("#sign-name" if not name else "#sign-credentials", Input).focus()
            return
        self.dismiss(Signature(name, credentials))

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#sign-go")
    def _go(self) -> None:
        self.action_submit()

    @on(Button.Pressed, "#sign-cancel")
    def _cancel(self) -> None:
        self.dismiss(None)


class AddendumForm(ModalScreen[Written | None]):
    """Words added under a signed note, with who adds them; dated when saved."""

    DEFAULT_CSS = (
        """
    AddendumForm {
        align: center middle;
    }

    #addendum-text {
        height: 6;
    }

    #addendum-who {
        height: auto;
    }

    #addendum-who Input {
        width: 1fr;
    }
    """
        + FORM_CSS
    )
    CSS = FORM_BOX_CSS
    AUTO_FOCUS = "#addendum-text"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "submit", "Add addendum", priority=True),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, name: str = "", credentials: str = "") -> None:
        super().__init__(id="addendum-form")
        self.name_given, self.credentials_given = name, credentials

    def compose(self) -> ComposeResult:
        with Vertical(id="addendum-dialog", classes="panel form-dialog"):
            yield Static("Add an addendum", classes="panel-title")
            yield Static(
                "The signed note stays as it is; this is added under it with today's date "
                "and your name.",
                classes="hint",
            )
            yield Label("Addendum")
            yield TextArea(id="addendum-text", soft_wrap=True, show_line_numbers=False)
            with Horizontal(id="addendum-who"):
                yield Input(self.name_given, placeholder="Your name", id="addendum-name")
                yield Input(
                    self.credentials_given, placeholder="Credentials", id="addendum-credentials"
                )
            yield Static("", id="addendum-message", classes="form-message")
            with Horizontal(classes="form-buttons"):
                yield Button("Cancel", id="addendum-cancel")
                yield Button("Add addendum", id="addendum-go", variant="primary")
        yield WrappingFooter(compact=True)

    def action_submit(self) -> None:
        text = self.query_one("#addendum-text", TextArea).text.strip()
        name = self.query_one("#addendum-name", Input).value.strip()
        credentials = self.query_one("#addendum-credentials", Input).value.strip()
        message = self.query_one("#addendum-message", Static)
        if not text:
            message.update("Write the addendum first.")
            return
        if not name:
            message.update("Give your name: an addendum is signed like the note.")
            self.query_one("#addendum-name", Input).focus()
            return
        self.dismiss(Written(Signature(name, credentials), text))

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#addendum-go")
    def _go(self) -> None:
        self.action_submit()

    @on(Button.Pressed, "#addendum-cancel")
    def _cancel(self) -> None:
        self.dismiss(None)
