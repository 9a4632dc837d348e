"""Private requests to talk with a counselor after group, as facilitators see them.

Each shows the participant's name, their note and when they asked; open ones first. A key marks
the highlighted one handled (the participant learns it was seen). Only facilitators ever receive
these, and the room is never told.
"""

from __future__ import annotations

import time
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
from client.offers import FACILITATOR, console_command
from client.widgets.confirm import FORM_BOX_CSS, FORM_CSS
from client.widgets.key_row import WrappingFooter
from shared.decide import allowed
from shared.state import SessionState, TalkRequest
from shared.words import plural

if TYPE_CHECKING:
    from client.apps.base import HubApp

__all__ = ["RequestsScreen", "open_requests_words", "request_line"]


def clock_time(at: float) -> str:
    """A moment as this terminal's local time of day (e.g. "10:42")."""
    return time.strftime("%H:%M", time.localtime(at))


def request_line(request: TalkRequest) -> Content:
    """One request: name, time, note, and whether it is handled."""
    return Content.from_markup(
        "[b]$name[/] · $time$note[$text-muted]$handled",
        name=request.name,
        time=clock_time(request.at),
        note=f" · “{request.note}”" if request.note else "",
        handled=" · handled" if request.handled_at is not None else "",
    )


def open_requests_words(state: SessionState) -> str:
    """The open requests in plain words, for the console and the end of session."""
    waiting = state.open_requests
    if not waiting:
        return ""
    names = ", ".join(r.name + (f" (“{r.note}”)" if r.note else "") for r in waiting)
    asked = plural(len(waiting), "person", "people")
    return f"{asked} asked to talk with a counselor after group: {names}."


class RequestsScreen(ModalScreen[None]):
    """Every private request of the session; Enter marks the highlighted one handled."""

    DEFAULT_CSS = (
        """
    RequestsScreen { align: center middle; }
    RequestsScreen #requests-list { height: auto; max-height: 14; }
    """
        + FORM_CSS
    )
    CSS = FORM_BOX_CSS
    AUTO_FOCUS = "#requests-list"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "handled", "Mark handled", priority=True),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self, hub: HubApp) -> None:
        super().__init__(id="requests-screen")
        self.hub = hub
        self._listed: tuple[TalkRequest, ...] | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="requests-dialog", classes="panel form-dialog"):
            yield Static("Talk after group · only facilitators see this", classes="panel-title")
            yield OptionList(id="requests-list")
            yield Static("", id="requests-words", classes="hint")
        yield WrappingFooter(compact=True)

    def on_mount(self) -> None:
        self.watch(self.hub, "state", self.show_state, init=True)

    def listed(self) -> list[TalkRequest]:
        """Open requests first, then handled ones, each in the order they came."""
        requests = self.hub.state.requests
        return [r for r in requests if r.handled_at is None] + [
            r for r in requests if r.handled_at is not None
        ]

    def selected(self) -> TalkRequest | None:
        option = self.query_one("#requests-list", OptionList).highlighted_option
        if option is None or option.id is None:
            return None
        return self.hub.state.request(int(option.id))

    def show_state(self, state: SessionState) -> None:
        if state.requests != self._listed:
            listing = self.query_one("#requests-list", OptionList)
            keep = self.selected()
            self._listed = state.requests
            shown = self.listed()
            listing.clear_options()
            listing.add_options(Option(request_line(r), id=str(r.number)) for r in shown)
            numbers = [r.number for r in shown]
            if shown:
                at = numbers.index(keep.number) if keep is not None else 0
                listing.highlighted = at if keep is not None and keep.handled_at is None else 0
        words = "Nobody has asked yet." if not state.requests else ""
        self.query_one("#requests-words", Static).update(words)
        self.refresh_bindings()

    @on(OptionList.OptionHighlighted)
    def _moved(self) -> None:
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action != "handled":
            return True
        chosen = self.selected()
        number = chosen.number if chosen is not None else None
        command = console_command("handle_request", number, self.hub.state, None)
        return command is not None and allowed(
            self.hub.state, command, FACILITATOR, self.hub.hub_now()
        )

    async def action_handled(self) -> None:
        chosen = self.selected()
        number = chosen.number if chosen is not None else None
        command = console_command("handle_request", number, self.hub.state, None, id=new_id())
        if command is not None:
            await self.hub.send_command(command)

    def action_back(self) -> None:
        self.dismiss(None)
