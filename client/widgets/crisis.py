"""The crisis screen: the facility's own words and the crisis line for the hub's country.

One key opens it on every participant screen. It sends nothing, writes nothing and tells nobody:
it reads the words the hub gave at join (``Welcome.crisis``, ``Welcome.locale``), or before any
join the default country's line, and shows them until Escape.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from client.widgets.key_row import WrappingFooter
from shared.crisis import DEFAULT_LOCALE, crisis_words

__all__ = ["CRISIS_TITLE", "PRIVATE_WORDS", "CrisisScreen"]

CRISIS_TITLE = "If you need help right now"
PRIVATE_WORDS = (
    "Opening this screen sends nothing and is not recorded. Nobody is told. "
    "You can also tell the facilitator or any staff member."
)


class CrisisScreen(ModalScreen[None]):
    """Calm words and where to turn; Escape closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", priority=True),
    ]
    DEFAULT_CSS = """
    CrisisScreen { align: center middle; }
    CrisisScreen #crisis-panel {
        width: 72; max-width: 100%; height: auto; max-height: 100%;
        background: $surface; padding: 1 2; border: round $primary;
    }
    CrisisScreen #crisis-title { text-style: bold; margin-bottom: 1; }
    CrisisScreen .crisis-line { margin-bottom: 1; }
    CrisisScreen #crisis-private { margin-top: 1; }
    """

    def __init__(self, facility: str = "", locale: str = DEFAULT_LOCALE) -> None:
        super().__init__()
        self.lines = crisis_words(facility, locale)

    def compose(self) -> ComposeResult:
        with Vertical(id="crisis-panel"):
            yield Static(CRISIS_TITLE, id="crisis-title")
            for line in self.lines:
                yield Static(Text(line), classes="crisis-line")
            yield Static(PRIVATE_WORDS, id="crisis-private", classes="hint")
            yield Static("Press Escape to close this screen.", classes="hint")
        yield WrappingFooter()

    def action_close(self) -> None:
        self.dismiss()
