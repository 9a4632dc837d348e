"""Setting up a go-around: who speaks in what order, and for how long each.

The order starts as the people here now, in the order they joined. The facilitator moves people
up or down or shuffles them (the shuffle happens here, on the console; the hub is sent the
order), sets the soft limit and, if wanted, a hard limit. The round starts only when the core
would take it (the console's dry run), and the screen says why not otherwise.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from client.connection import new_id
from client.offers import DRY_RUN, FACILITATOR, HARD_MINUTES, SPEAKING_MINUTES, here_now
from client.widgets.confirm import FORM_BOX_CSS, FORM_CSS
from client.widgets.floor import name_of
from client.widgets.key_row import WrappingFooter
from shared.commands import StartRound
from shared.decide import allowed
from shared.state import SessionState

if TYPE_CHECKING:
    from client.apps.base import HubApp

__all__ = ["RoundEditor"]

MAX_MINUTES = 30


class RoundEditor(ModalScreen[None]):
    """The round's order and limits; Enter starts it for the room."""

    DEFAULT_CSS = (
        """
    RoundEditor { align: center middle; }
    RoundEditor #round-order { height: auto; max-height: 12; }
    """
        + FORM_CSS
    )
    CSS = FORM_BOX_CSS
    AUTO_FOCUS = "#round-order"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "start", "Start round", priority=True),
        Binding("u", "move(-1)", "Move up"),
        Binding("d", "move(1)", "Move down"),
        Binding("r", "shuffle", "Shuffle"),
        Binding("plus,equals_sign", "minutes(1)", "+1 min", key_display="+"),
        Binding("minus", "minutes(-1)", "−1 min", key_display="-"),
        Binding("l", "hard", "Hard limit on/off"),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self, hub: HubApp, shuffle: Callable[[list[str]], None] = random.shuffle) -> None:
        super().__init__(id="round-editor")
        self.hub = hub
        self._shuffle = shuffle
        self.order: list[str] = list(here_now(hub.state))
        self.minutes = SPEAKING_MINUTES
        self.hard: int | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="round-dialog", classes="panel form-dialog"):
            yield Static("Go-around · everyone here, in turn", classes="panel-title")
            yield Static(
                "Each person may pass on their turn; only you will see that they passed.",
                classes="hint",
            )
            yield OptionList(id="round-order")
            yield Static("", id="round-limits")
            yield Static("", id="round-words", classes="form-message")
        yield WrappingFooter(compact=True)

    def on_mount(self) -> None:
        self._redraw(0)

    def command(self, id: str = DRY_RUN) -> StartRound | None:
        if not self.order:
            return None
        return StartRound(
            id=id, order=tuple(self.order), minutes=self.minutes, hard_minutes=self.hard
        )

    def _redraw(self, highlight: int | None = None) -> None:
        state: SessionState = self.hub.state
        listing = self.query_one("#round-order", OptionList)
        at = listing.highlighted if highlight is None else highlight
        listing.clear_options()
        listing.add_options(
            Option(f"{n}. {name_of(state, seat)}", id=seat) for n, seat in enumerate(self.order, 1)
        )
        if self.order:
            listing.highlighted = max(0, min(len(self.order) - 1, at or 0))
        hard = f"hard limit {self.hard} min" if self.hard is not None else "no hard limit"
        self.query_one("#round-limits", Static).update(
            Content.from_markup(
                "Each turn: [b]$minutes min[/] (then “please finish your thought”) · $hard",
                minutes=str(self.minutes),
                hard=hard,
            )
        )
        words = "" if self.order else "Nobody is here for a round yet."
        self.query_one("#round-words", Static).update(words)
        self.refresh_bindings()

    @on(OptionList.OptionHighlighted)
    def _moved(self) -> None:
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        at = self.query_one("#round-order", OptionList).highlighted
        match action:
            case "start":
                command = self.command()
                return command is not None and allowed(
                    self.hub.state, command, FACILITATOR, self.hub.hub_now()
                )
            case "move":
                step = parameters[0] if parameters and isinstance(parameters[0], int) else 0
                return at is not None and 0 <= at + step < len(self.order)
            case "shuffle":
                return len(self.order) > 1
            case "minutes":
                step = parameters[0] if parameters and isinstance(parameters[0], int) else 0
                return 1 <= self.minutes + step <= (self.hard or MAX_MINUTES)
        return True

    def action_move(self, step: int) -> None:
        at = self.query_one("#round-order", OptionList).highlighted
        if at is None or not 0 <= at + step < len(self.order):
            return
        self.order[at], self.order[at + step] = self.order[at + step], self.order[at]
        self._redraw(at + step)

    def action_shuffle(self) -> None:
        self._shuffle(self.order)
        self._redraw(0)

    def action_minutes(self, step: int) -> None:
        self.minutes = max(1, min(self.hard or MAX_MINUTES, self.minutes + step))
        self._redraw()

    def action_hard(self) -> None:
        self.hard = None if self.hard is not None else max(HARD_MINUTES, self.minutes)
        self._redraw()

    async def action_start(self) -> None:
        command = self.command(id=new_id())
        if command is None:
            return
        if not allowed(self.hub.state, command, FACILITATOR, self.hub.hub_now()):
            self.query_one("#round-words", Static).update(
                "Everyone in the round must be here now. Press escape and open it again."
            )
            return
        await self.hub.send_command(command)
        self.dismiss(None)

    def action_back(self) -> None:
        self.dismiss(None)
