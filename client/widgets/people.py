"""Who is in the room, from the facilitator console: lock the room, remove and readmit people.

Like the agenda editor, this screen never changes anything itself: each key sends a command to the
hub and the screen is redrawn from the reduced state when the hub's event comes back, so every
terminal agrees and a refused command (the hub says why, as a notification) changes nothing here.
Removing someone changes the room code (so the old one lets nobody in); the new code is shown
large on this screen, to read out to anyone still to arrive.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, Static

from client.connection import new_id
from client.offers import DRY_RUN, FACILITATOR
from client.widgets.confirm import FORM_BOX_CSS, FORM_CSS, Confirm
from client.widgets.key_row import WrappingFooter
from shared.commands import (
    MAX_NAME_CHARS,
    AddCofacilitator,
    AnyCommand,
    ClearTerminal,
    LockRoom,
    ReadmitParticipant,
    RemoveParticipant,
)
from shared.decide import accepts_commands, allowed
from shared.state import Participant, SessionState

if TYPE_CHECKING:
    from client.apps.base import HubApp

NAME_WIDTH = MAX_NAME_CHARS


def presence(person: Participant) -> tuple[str, str]:
    """(words, row style) for one seat: here, away or removed; a board says it is one."""
    if person.removed:
        return "– Removed", "dim"
    if person.board:
        return ("▣ Board", "italic") if person.online else ("□ Board, off", "dim italic")
    if person.online:
        return "● Here", "bold"
    return "○ Away", ""


def door_command(action: str, person: Participant | None) -> AnyCommand | None:
    """The command a key of this screen sends (None: it sends none in this state)."""
    match action:
        case "lock" | "open_room":
            return LockRoom(id=DRY_RUN, locked=action == "lock")
        case "remove" if person is not None:
            return RemoveParticipant(id=DRY_RUN, participant=person.id)
        case "readmit" if person is not None:
            return ReadmitParticipant(id=DRY_RUN, participant=person.id)
        case "clear_terminal" if person is not None:
            return ClearTerminal(id=DRY_RUN, participant=person.id)
    return None


def door_words(state: SessionState) -> str:
    """Whether new people can come in, in words."""
    if state.locked:
        return "Room locked: nobody new can join; people already here can reconnect."
    if state.code:
        return f"Room open: people can join with code {state.code}"
    return "Room open: the room code appears here in a moment."


def run_by(state: SessionState) -> str:
    """Who may run the session: the owner, then any co-facilitators."""
    if not state.facilitators:
        return ""
    owner, *others = state.facilitators
    return f"Run by {owner}" + (f", with {', '.join(others)}" if others else "") + "."


def about(state: SessionState, person: Participant | None) -> str:
    """One calm sentence on the selected person and what can be done."""
    if state.status == "ended":
        return "The session has ended. Who came is kept in the session record."
    if person is None:
        return "Nobody has joined yet. People appear here as they join with the room code."
    if person.removed:
        return f"{person.name} was asked to leave. Press a to readmit them."
    if person.board:
        return "A room board: it shows the agenda, the timer and shown shares, never names."
    if person.online:
        return f"{person.name} is here."
    return f"{person.name} is away for now; their terminal can reconnect."


def short(name: str, width: int = NAME_WIDTH) -> str:
    return name if len(name) <= width else name[: width - 1] + "…"


class PeopleScreen(ModalScreen[None]):
    """The people in the session and the room's door: lock or open it, remove or readmit."""

    DEFAULT_CSS = """
    PeopleScreen {
        align: center middle;
    }

    #people-door {
        height: auto;
        margin-bottom: 1;
        color: $success;
    }

    PeopleScreen.-locked #people-door {
        color: $warning;
    }

    #people-new-code {
        height: auto;
        margin-bottom: 1;
        padding: 0 1;
        border: round $accent;
        text-style: bold;
    }

    #people-table {
        height: auto;
        max-height: 20;
        background: $surface;
    }

    #people-about {
        height: auto;
        margin-top: 1;
    }
    """
    CSS = """
    /* The box is a .panel: app CSS, which outranks DEFAULT_CSS (see confirm.FORM_BOX_CSS). */
    #people-dialog {
        width: 80;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        background: $surface;
        padding: 1 2;
    }
    """
    AUTO_FOCUS = "#people-table"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("l", "lock", "Lock room"),
        Binding("l", "open_room", "Open room"),
        Binding("r,delete", "remove", "Remove…", key_display="r"),
        Binding("a", "readmit", "Readmit"),
        Binding("k", "clear_terminal", "Clear their screen…"),
        Binding("c", "add_cofacilitator", "Add co-facilitator…"),
        Binding("escape", "close", "Back"),
    ]

    def __init__(self, hub: HubApp) -> None:
        super().__init__(id="people-screen")
        self.hub = hub
        self._shown: tuple[Participant, ...] | None = None
        """The people the list was last drawn from."""
        self._first_code: str | None = None
        """The room code when this screen opened: a different one is shown as the new code."""
        self._asked_about: str | None = None
        """The id of the person the remove question is about."""

    def compose(self) -> ComposeResult:
        with Vertical(id="people-dialog", classes="panel"):
            yield Static("People in this session", classes="panel-title")
            yield Static("", id="people-door")
            yield Static("", id="people-run-by", classes="hint")
            yield Static("", id="people-new-code")
            yield DataTable(id="people-table", cursor_type="row", zebra_stripes=False)
            yield Static("", id="people-about")
        yield WrappingFooter(compact=True)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("Name", key="name", width=NAME_WIDTH)
        table.add_column("", key="presence", width=11)
        self.watch(self.hub, "state", self.show_state, init=True)

    def selected(self) -> Participant | None:
        """The highlighted person, if there is one."""
        table = self.query_one(DataTable)
        people = self.hub.state.participants
        row = table.cursor_row
        return people[row] if people and 0 <= row < len(people) else None

    def show_state(self, state: SessionState) -> None:
        """Redraw from the state; nothing here changes until the hub's events come back."""
        if self._first_code is None and state.code:
            self._first_code = state.code
        self.query_one("#people-door", Static).update(door_words(state))
        self.query_one("#people-run-by", Static).update(run_by(state))
        self.set_class(state.locked, "-locked")
        new_code = self.query_one("#people-new-code", Static)
        changed = bool(state.code) and self._first_code not in (None, state.code)
        new_code.display = changed
        if changed:
            new_code.update(
                Content.from_markup(
                    "New room code: [b]$code[/]: read it out to anyone still to arrive",
                    code=state.code,
                )
            )
        if state.participants != self._shown:
            self._redraw(state)
        self._describe(state)

    def _redraw(self, state: SessionState) -> None:
        table = self.query_one(DataTable)
        shown, at = self._shown or (), table.cursor_row
        keep = shown[at].id if 0 <= at < len(shown) else None  # stays highlighted, wherever
        self._shown = state.participants
        table.clear()
        row = 0
        for index, person in enumerate(state.participants):
            words, style = presence(person)
            table.add_row(Text(short(person.name), style=style), Text(words, style=style))
            if person.id == keep:
                row = index
        if state.participants:
            table.move_cursor(row=row, animate=False)

    def _describe(self, state: SessionState) -> None:
        self.query_one("#people-about", Static).update(about(state, self.selected()))
        self.refresh_bindings()

    @on(DataTable.RowHighlighted)
    def _row_moved(self) -> None:
        self._describe(self.hub.state)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Offer (and show in the footer) a key exactly when the hub would take its command."""
        state = self.hub.state
        if action == "add_cofacilitator":
            return accepts_commands(state)
        if action not in ("lock", "open_room", "remove", "readmit", "clear_terminal"):
            return True
        command = door_command(action, self.selected())
        return command is not None and allowed(state, command, FACILITATOR, self.hub.hub_now())

    async def action_lock(self) -> None:
        await self.hub.send_command(LockRoom(id=new_id(), locked=True))

    async def action_open_room(self) -> None:
        await self.hub.send_command(LockRoom(id=new_id(), locked=False))

    def action_remove(self) -> None:
        person = self.selected()
        if person is not None and not person.removed:
            self._asked_about = person.id
            self.app.push_screen(ConfirmRemoveParticipant(person.name), self._remove_answered)

    async def _remove_answered(self, remove: bool | None) -> None:
        """Remove the person the question named, even if the highlight has moved since."""
        person = self.hub.state.participant(self._asked_about or "")
        self._asked_about = None
        if remove and person is not None and not person.removed:
            await self.hub.send_command(RemoveParticipant(id=new_id(), participant=person.id))

    async def action_readmit(self) -> None:
        person = self.selected()
        if person is not None and person.removed:
            await self.hub.send_command(ReadmitParticipant(id=new_id(), participant=person.id))

    def action_clear_terminal(self) -> None:
        person = self.selected()
        if person is not None:
            self._asked_about = person.id
            self.app.push_screen(ConfirmClearTerminal(person.name), self._clear_answered)

    async def _clear_answered(self, clear: bool | None) -> None:
        person = self.hub.state.participant(self._asked_about or "")
        self._asked_about = None
        if clear and person is not None:
            await self.hub.send_command(ClearTerminal(id=new_id(), participant=person.id))

    def action_add_cofacilitator(self) -> None:
        self.app.push_screen(CofacilitatorForm(), self._cofacilitator_named)

    async def _cofacilitator_named(self, account: str | None) -> None:
        if account:
            await self.hub.send_command(AddCofacilitator(id=new_id(), account=account))

    def action_close(self) -> None:
        self.dismiss(None)


class CofacilitatorForm(ModalScreen[str | None]):
    """Name another facilitator account; they then sign in to this session with its code."""

    DEFAULT_CSS = (
        """
    CofacilitatorForm {
        align: center middle;
    }
    """
        + FORM_CSS
    )
    CSS = FORM_BOX_CSS
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def compose(self) -> ComposeResult:
        with Vertical(id="cofacilitator-dialog", classes="panel form-dialog"):
            yield Static("Add a co-facilitator", classes="panel-title")
            yield Static(
                "Their facilitator account name. They join with: "
                "circle facilitate --code ROOMCODE --as NAME",
                classes="hint",
            )
            yield Input(
                placeholder="account name", max_length=MAX_NAME_CHARS, id="cofacilitator-name"
            )
        yield WrappingFooter(compact=True)

    @on(Input.Submitted, "#cofacilitator-name")
    def _named(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip().lower() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmRemoveParticipant(Confirm):
    """Removing someone is asked once more, saying plainly what happens."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes, remove"),
        Binding("escape,n", "answer(False)", "No, keep them"),
    ]

    def __init__(self, name: str) -> None:
        super().__init__(
            Content.from_markup("Remove [b]$name[/] from the session?", name=name),
            Content.from_markup(
                "$name's terminal is disconnected and the room code changes, so they cannot "
                "rejoin with the old one. You can readmit them.",
                name=name,
            ),
            keep="Keep them",
            go="Remove",
            id="confirm-remove-participant",
            dialog_id="remove-person-dialog",
            words_id="remove-person-words",
        )


class ConfirmClearTerminal(Confirm):
    """Asked before clearing someone's terminal, so a person still at it is not surprised."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes, clear it"),
        Binding("escape,n", "answer(False)", "No, leave it"),
    ]

    def __init__(self, name: str) -> None:
        super().__init__(
            Content.from_markup("Clear [b]$name[/]'s screen?", name=name),
            "A kiosk terminal (circle join --kiosk) goes back to its join screen and forgets "
            "everything shown or typed on it, ready for the next person. Any other terminal "
            "only clears what scrolled off its screen. They stay in the session's record.",
            keep="Leave it",
            go="Clear it",
            id="confirm-clear-terminal",
        )
