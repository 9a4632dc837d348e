"""Who speaks, from the console: the speaker and their timer, the go-around, the raised hands.

The panel draws the state and the hub's clock (``client.speaking`` words the timer, the same
words the room sees). What the room never sees is drawn here only: the round's order, who is up
next, and a pass ("Sam passed"), which the hub tells facilitators and never stores.
``HandsScreen`` lists the queue to call anyone in it or lower a hand; like every console screen
it only sends commands the core would take, and redraws when the hub's events come back.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
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
from client.speaking import clock, speaking_phase, speaking_words
from client.widgets.confirm import FORM_BOX_CSS, FORM_CSS
from client.widgets.key_row import WrappingFooter
from shared.decide import allowed
from shared.state import SessionState

if TYPE_CHECKING:
    from client.apps.base import HubApp

__all__ = ["FloorPanel", "HandsScreen", "floor_lines", "name_of", "pass_notes"]

PHASE_STYLES = {"speaking": "$success", "finish": "$warning", "time_up": "$error"}


def name_of(state: SessionState, seat: str) -> str:
    person = state.participant(seat)
    return person.name if person is not None else "someone who left"


def pass_notes(state: SessionState, passes: Mapping[int, str]) -> list[str]:
    """Who passed in the round going on, turn by turn (facilitators' eyes only)."""
    if state.round is None:
        return []
    return [f"{name_of(state, seat)} passed" for _, seat in sorted(passes.items())]


def floor_lines(state: SessionState, passes: Mapping[int, str], now: float) -> list[Content]:
    """The panel's lines: the round, the speaker and timer, passes, the queue of hands."""
    lines: list[Content] = []
    going = state.round
    speaker = state.speaker
    if going is not None:
        taken = going.taken
        upcoming = [seat for seat in going.to_come if state.here(seat)]
        after = name_of(state, upcoming[0]) if upcoming else "nobody: this is the last turn"
        lines.append(
            Content.from_markup(
                "[b]Go-around[/] · turn $turn of $of · next: $next",
                turn=str(taken),
                of=str(len(going.order)),
                next=after,
            )
        )
    if speaker is not None:
        timer, words = speaking_words(speaker, now)
        hard = speaker.hard_minutes
        lines.append(
            Content.from_markup(
                "[b]$name[/] is speaking · $timer$hard · [$style]$words",
                name=speaker.name,
                timer=timer,
                hard=f" (limit {clock(hard * 60)})" if hard is not None else "",
                style=PHASE_STYLES[speaking_phase(speaker, now)],
                words=words,
            )
        )
    elif going is None:
        lines.append(Content.from_markup("[$text-muted]Nobody has the floor."))
    notes = pass_notes(state, passes)
    if notes:
        lines.append(
            Content.from_markup(
                "[$text-muted]Only you see this:[/] $notes.", notes=", ".join(notes)
            )
        )
    if state.hands:
        names = "  ".join(f"{n}. {name_of(state, seat)}" for n, seat in enumerate(state.hands, 1))
        lines.append(Content.from_markup("[b]Hands up:[/] $names", names=names))
    if state.open_requests:
        names = ", ".join(r.name for r in state.open_requests)
        lines.append(Content.from_markup("[$warning]Talk after group:[/] $names (v)", names=names))
    return lines


class FloorPanel(Vertical):
    """Shown while someone speaks, a round goes on, hands are up or a private request is
    open; hidden otherwise."""

    DEFAULT_CSS = """
    FloorPanel { height: auto; display: none; }
    FloorPanel.-shown { display: block; }
    FloorPanel #floor-body { height: auto; }
    """

    def __init__(
        self, now: Callable[[], float], *, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(id=id, classes=classes)
        self._now = now
        self._state = SessionState()
        self._passes: Mapping[int, str] = {}

    def compose(self) -> ComposeResult:
        yield Static("Who speaks", id="floor-title", classes="panel-title")
        yield Static("", id="floor-body")

    def on_mount(self) -> None:
        self.set_interval(1.0, self.tick)

    def show(self, state: SessionState, passes: Mapping[int, str]) -> None:
        self._state, self._passes = state, passes
        self.tick()

    def tick(self) -> None:
        state = self._state
        shown = any((state.speaker, state.round, state.hands, state.open_requests))
        self.set_class(shown, "-shown")
        if shown:
            lines = floor_lines(state, self._passes, self._now())
            self.query_one("#floor-body", Static).update(Content("\n").join(lines))


class HandsScreen(ModalScreen[None]):
    """The raised hands in the order they went up: call anyone, or lower a hand."""

    DEFAULT_CSS = (
        """
    HandsScreen { align: center middle; }
    HandsScreen #hands-list { height: auto; max-height: 14; }
    """
        + FORM_CSS
    )
    CSS = FORM_BOX_CSS
    AUTO_FOCUS = "#hands-list"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "call", "Call to speak", priority=True),
        Binding("l", "lower", "Lower hand"),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self, hub: HubApp) -> None:
        super().__init__(id="hands-screen")
        self.hub = hub
        self._listed: tuple[str, ...] | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="hands-dialog", classes="panel form-dialog"):
            yield Static("Raised hands · first raised first", classes="panel-title")
            yield Static(
                "Only facilitators see these names. Calling someone starts their speaking "
                "timer for the room.",
                classes="hint",
            )
            yield OptionList(id="hands-list")
            yield Static("", id="hands-words", classes="form-message")
        yield WrappingFooter(compact=True)

    def on_mount(self) -> None:
        self.watch(self.hub, "state", self.show_state, init=True)

    def selected(self) -> str | None:
        option = self.query_one("#hands-list", OptionList).highlighted_option
        return option.id if option is not None else None

    def show_state(self, state: SessionState) -> None:
        if state.hands != self._listed:
            listing = self.query_one("#hands-list", OptionList)
            keep = self.selected()
            self._listed = state.hands
            listing.clear_options()
            listing.add_options(
                Option(f"{n}. {name_of(state, seat)}", id=seat)
                for n, seat in enumerate(state.hands, 1)
            )
            if state.hands:
                at = state.hands.index(keep) if keep in state.hands else 0
                listing.highlighted = at
        words = "" if state.hands else "No hands are raised now."
        self.query_one("#hands-words", Static).update(words)
        self.refresh_bindings()

    @on(OptionList.OptionHighlighted)
    def _moved(self) -> None:
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Offer a key exactly when the hub would take its command for the highlighted hand."""
        if action not in ("call", "lower"):
            return True
        seat = self.selected()
        kind = "call" if action == "call" else "lower_hand"
        command = console_command(kind, seat, self.hub.state, None)
        return command is not None and allowed(
            self.hub.state, command, FACILITATOR, self.hub.hub_now()
        )

    async def action_call(self) -> None:
        command = console_command("call", self.selected(), self.hub.state, None, id=new_id())
        if command is not None:
            await self.hub.send_command(command)
            self.dismiss(None)

    async def action_lower(self) -> None:
        seat = self.selected()
        command = console_command("lower_hand", seat, self.hub.state, None, id=new_id())
        if command is not None:
            await self.hub.send_command(command)

    def action_back(self) -> None:
        self.dismiss(None)
