"""The browser join address as a QR code, for people to open on a tablet without typing."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from client.web_qr import qr_text
from client.widgets.key_row import WrappingFooter


class JoinQrScreen(ModalScreen[None]):
    """Shown on the facilitator's console to hold up, or to read the address from."""

    DEFAULT_CSS = """
    JoinQrScreen { align: center middle; }
    JoinQrScreen #qr-body { width: auto; height: auto; padding: 1 2; border: round $primary;
        background: $surface; }
    JoinQrScreen #qr-code { width: auto; }
    JoinQrScreen #qr-words { width: auto; max-width: 76; margin-top: 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss", "Back")]

    def __init__(self, url: str, code: str) -> None:
        super().__init__()
        self.url, self.code = url, code

    def compose(self) -> ComposeResult:
        drawn = qr_text(self.url)
        with Vertical(id="qr-body"):
            yield Static("Join from a browser", classes="panel-title")
            if drawn is not None:
                yield Static(drawn, id="qr-code")
            yield Static(f"Open {self.url}, then type the room code {self.code}.", id="qr-words")
        yield WrappingFooter(compact=True)
