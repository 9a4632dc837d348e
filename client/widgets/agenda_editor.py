"""Changing a live session's agenda from the facilitator console.

The editor never changes the agenda itself: each key sends a command to the hub and the list is
redrawn from the reduced state when the hub's event comes back, so every terminal agrees and a
refused edit (the hub says why, as a notification) leaves the list as it was. The keys on offer
are the core's answer for the command they would send (dry-run on this terminal's state): what
has run or is running is the record, so only items still to come are added, removed or moved;
the running item can still change its minutes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, get_args

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Input, Label, Select, Static

from client.connection import new_id
from client.offers import DRY_RUN, FACILITATOR
from client.widgets.confirm import FORM_BOX_CSS, FORM_CSS, Confirm
from client.widgets.key_row import WrappingFooter
from shared.commands import MAX_ITEM_MINUTES, AddItem, AnyCommand, MoveItem, RemoveItem, SetMinutes
from shared.decide import accepts_commands, allowed, upcoming_from
from shared.state import ItemState, ItemStatus, SessionState
from shared.templates import ItemKind

if TYPE_CHECKING:
    from client.apps.base import HubApp

MIN_MINUTES = 1
MAX_MINUTES = MAX_ITEM_MINUTES
TITLE_WIDTH = 44

KINDS: tuple[ItemKind, ...] = get_args(ItemKind)
KIND_OF: dict[object, ItemKind] = {kind: kind for kind in KINDS}
"""A Select's value back as an ``ItemKind``."""
KIND_WORDS: dict[str, str] = {
    "welcome": "Welcome",
    "check-in": "Check-in",
    "topic": "Topic",
    "discussion": "Discussion",
    "exercise": "Exercise",
    "share-round": "Share round",
    "break": "Break",
    "check-out": "Check-out",
}
STATUS_WORDS: dict[ItemStatus, str] = {
    "done": "✓ Done",
    "current": "▶ Running",
    "pending": "· Upcoming",
    "skipped": "– Skipped",
}
ROW_STYLES: dict[ItemStatus, str] = {
    "done": "dim",
    "current": "bold",
    "pending": "",
    "skipped": "dim",
}
MOVABLE = "↕"


def kind_words(kind: str) -> str:
    """An item kind as a counselor would say it ("Share round", not "share-round")."""
    return KIND_WORDS.get(kind, kind.replace("-", " ").capitalize())


def minutes_words(item: ItemState) -> str:
    extra = f" +{item.extra_minutes}" if item.extra_minutes else ""
    return f"{item.minutes}{extra} min"


def short(title: str, width: int = TITLE_WIDTH) -> str:
    return title if len(title) <= width else title[: width - 1] + "…"


# -- what the hub allows: its own answer, asked on this terminal's state ---------------------------


def _allows(state: SessionState, command: AnyCommand) -> bool:
    return allowed(state, command, FACILITATOR, 0.0)  # agenda edits do not depend on the clock


def editable(state: SessionState) -> bool:
    return accepts_commands(state)


def can_remove(state: SessionState, index: int | None) -> bool:
    return index is not None and _allows(state, RemoveItem(id=DRY_RUN, index=index))


def can_move(state: SessionState, index: int | None, step: int) -> bool:
    return index is not None and _allows(state, MoveItem(id=DRY_RUN, index=index, to=index + step))


def can_set_minutes(state: SessionState, index: int | None, step: int = 0) -> bool:
    if index is None or not 0 <= index < len(state.agenda):
        return False
    minutes = state.agenda[index].minutes + step
    return _allows(state, SetMinutes(id=DRY_RUN, index=index, minutes=minutes))


def add_index(state: SessionState, selected: int | None) -> int:
    """Where a new item goes: after the selected one, but never before what has already run."""
    after = -1 if selected is None else selected
    return min(max(after + 1, upcoming_from(state)), len(state.agenda))


def about(state: SessionState, index: int | None) -> str:
    """One calm sentence on what can be done with the selected item, and why."""
    if state.status == "ended":
        return "The session has ended. The agenda is kept as it ran."
    if index is None or not 0 <= index < len(state.agenda):
        return "The agenda is empty. Press a to add an item."
    item = state.agenda[index]
    title = f"“{short(item.title)}”"
    match item.status:
        case "done":
            return f"{title} is done. Items that have run stay as they are, for the record."
        case "current":
            return (
                f"{title} is running now. It stays in its place; "
                "you can give it more or fewer minutes."
            )
        case "pending":
            return f"{title} is still to come. You can move it, remove it or change its minutes."
    if can_remove(state, index):
        return f"{title} was skipped. You can remove it from the agenda."
    return f"{title} was skipped. It stays in the record."


def item_key(item: ItemState) -> tuple[str, str, str | None]:
    """What identifies an item across edits (status, minutes and notes change; these don't)."""
    return (item.kind, item.title, item.exercise)


def follow(old: Sequence[ItemState], new: Sequence[ItemState], selected: int) -> int:
    """Where the selected item is after the agenda changed, so repeated moves keep working.

    Each edit is one insert, one removal or one move, and arrives as its own state.
    """
    if not new:
        return 0
    a, b = [item_key(i) for i in old], [item_key(i) for i in new]
    if a != b:
        lo = next((n for n, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), len(a))
        if len(b) == len(a) + 1:  # inserted at lo
            return selected + 1 if selected >= lo else selected
        if len(b) == len(a) - 1:  # removed at lo
            return min(selected - 1 if selected > lo else selected, len(b) - 1)
        if len(a) == len(b):
            hi = max(n for n, (x, y) in enumerate(zip(a, b, strict=True)) if x != y)
            for src, dst in ((lo, hi), (hi, lo)):
                order = list(range(len(a)))
                order.insert(dst, order.pop(src))
                if [a[n] for n in order] == b and selected in order:
                    return order.index(selected)
    return max(0, min(selected, len(new) - 1))


def parse_minutes(text: str) -> int | None:
    """Whole minutes from 1 to 240, or None."""
    try:
        minutes = int(text.strip())
    except ValueError:
        return None
    return minutes if MIN_MINUTES <= minutes <= MAX_MINUTES else None


MINUTES_HELP = f"Minutes can be a whole number from {MIN_MINUTES} to {MAX_MINUTES}."


# -- the editor -----------------------------------------------------------------------------------


class AgendaEditor(ModalScreen[None]):
    """The agenda as a list: add after the selected item, remove, move, change minutes."""

    DEFAULT_CSS = """
    AgendaEditor {
        align: center middle;
    }

    #editor-hint {
        margin-bottom: 1;
    }

    #agenda-table {
        height: auto;
        max-height: 24;
        background: $surface;
    }

    #editor-about {
        height: auto;
        margin-top: 1;
    }
    """
    CSS = """
    /* The box is a .panel: app CSS, which outranks DEFAULT_CSS (see confirm.FORM_BOX_CSS). */
    #editor-dialog {
        width: 100;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        background: $surface;
        padding: 1 2;
    }
    """
    AUTO_FOCUS = "#agenda-table"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "add", "Add item…"),
        Binding("r,delete", "remove", "Remove…", key_display="r"),
        Binding("u,shift+up", "move(-1)", "Move up", key_display="u"),
        Binding("d,shift+down", "move(1)", "Move down", key_display="d"),
        Binding("plus,equals_sign", "minutes(1)", "+1 min", key_display="+"),
        Binding("minus", "minutes(-1)", "−1 min", key_display="-"),
        Binding("m", "set_minutes", "Minutes…"),
        Binding("escape", "close", "Back"),
    ]

    def __init__(self, hub: HubApp) -> None:
        super().__init__(id="agenda-editor")
        self.hub = hub
        self._shown: tuple[ItemState, ...] | None = None
        """The agenda the list was last drawn from (to follow the selection across edits)."""
        self._adding: tuple[int, str] | None = None
        """(index, title) of an item this editor asked for: select it once it appears."""

    def compose(self) -> ComposeResult:
        with Vertical(id="editor-dialog", classes="panel"):
            yield Static("Edit the agenda", classes="panel-title")
            yield Static(
                f"Everyone sees changes straight away; notes stay on your screen. Items that "
                f"are done or running stay in place; upcoming items ({MOVABLE}) can be moved, "
                "removed or given more or fewer minutes.",
                classes="hint",
                id="editor-hint",
            )
            yield DataTable(id="agenda-table", cursor_type="row", zebra_stripes=False)
            yield Static("", id="editor-about")
        yield WrappingFooter(compact=True)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("", key="number", width=3)
        table.add_column("Status", key="status", width=11)
        table.add_column("Kind", key="kind", width=12)
        table.add_column("Title", key="title", width=TITLE_WIDTH)
        table.add_column(Text("Minutes", justify="right"), key="minutes", width=9)
        table.add_column("", key="movable", width=1)
        self.watch(self.hub, "state", self.show_state, init=True)

    def selected(self) -> int | None:
        """The highlighted item's index in the agenda, if there is one."""
        table = self.query_one(DataTable)
        count = len(self.hub.state.agenda)
        return table.cursor_row if count and 0 <= table.cursor_row < count else None

    def show_state(self, state: SessionState) -> None:
        """Redraw from the state; the list changes only when the hub's events come back."""
        if state.agenda != self._shown:
            self._redraw(state)
        self._describe(state)

    def _redraw(self, state: SessionState) -> None:
        table = self.query_one(DataTable)
        if self._shown is None:
            row = state.current if state.current is not None else state.next_index() or 0
        else:
            row = follow(self._shown, state.agenda, table.cursor_row)
            if self._adding is not None and len(state.agenda) == len(self._shown) + 1:
                at, title = self._adding
                if at < len(state.agenda) and state.agenda[at].title == title:
                    row, self._adding = at, None
        self._shown = state.agenda
        table.clear()
        for index, item in enumerate(state.agenda):
            style = ROW_STYLES[item.status]
            table.add_row(
                Text(f"{index + 1}.", style=style, justify="right"),
                Text(STATUS_WORDS[item.status], style=style),
                Text(kind_words(item.kind), style=style),
                Text(short(item.title), style=style),
                Text(minutes_words(item), style=style, justify="right"),
                Text(MOVABLE if item.status == "pending" else "", style=style),
            )
        if state.agenda:
            table.move_cursor(row=min(row, len(state.agenda) - 1), animate=False)

    def _describe(self, state: SessionState) -> None:
        self.query_one("#editor-about", Static).update(about(state, self.selected()))
        self.refresh_bindings()

    @on(DataTable.RowHighlighted)
    def _row_moved(self) -> None:
        self._describe(self.hub.state)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Offer (and show in the footer) only the edits the hub would accept right now."""
        state, index = self.hub.state, self.selected()
        step = parameters[0] if parameters and isinstance(parameters[0], int) else 0
        match action:
            case "add":
                return editable(state)
            case "remove":
                return can_remove(state, index)
            case "move":
                return can_move(state, index, step)
            case "minutes":
                return can_set_minutes(state, index, step)
            case "set_minutes":
                return can_set_minutes(state, index)
        return True

    def action_add(self) -> None:
        index = self.selected()
        state = self.hub.state
        at = add_index(state, index)
        after = state.agenda[at - 1].title if at > 0 else None
        self.app.push_screen(ItemForm(after=after), self._add_chosen)

    async def _add_chosen(self, item: NewItem | None) -> None:
        if item is None or not editable(self.hub.state):
            return
        at = add_index(self.hub.state, self.selected())
        self._adding = (at, item.title)
        await self.hub.send_command(
            AddItem(
                id=new_id(),
                index=at,
                kind=item.kind,
                title=item.title,
                minutes=item.minutes,
                notes=item.notes,
            )
        )

    def action_remove(self) -> None:
        index = self.selected()
        if index is not None:
            title = self.hub.state.agenda[index].title
            self.app.push_screen(ConfirmRemove(title), self._remove_answered)

    async def _remove_answered(self, remove: bool | None) -> None:
        index = self.selected()
        if remove and can_remove(self.hub.state, index) and index is not None:
            await self.hub.send_command(RemoveItem(id=new_id(), index=index))

    async def action_move(self, step: int) -> None:
        index = self.selected()
        if index is not None:
            await self.hub.send_command(MoveItem(id=new_id(), index=index, to=index + step))

    async def action_minutes(self, step: int) -> None:
        index = self.selected()
        if index is not None:
            minutes = self.hub.state.agenda[index].minutes + step
            await self.hub.send_command(SetMinutes(id=new_id(), index=index, minutes=minutes))

    def action_set_minutes(self) -> None:
        index = self.selected()
        if index is not None:
            item = self.hub.state.agenda[index]
            form = MinutesForm(item.title, item.minutes, item.extra_minutes)
            self.app.push_screen(form, self._minutes_chosen)

    async def _minutes_chosen(self, minutes: int | None) -> None:
        index = self.selected()
        if minutes is not None and index is not None:
            await self.hub.send_command(SetMinutes(id=new_id(), index=index, minutes=minutes))

    def action_close(self) -> None:
        self.dismiss(None)


# -- the small forms ------------------------------------------------------------------------------


@dataclass(frozen=True)
class NewItem:
    """What the add form returns; the editor turns it into an ``AddItem``."""

    kind: ItemKind
    title: str
    minutes: int
    notes: str = ""


class FormInput(Input, inherit_bindings=False):
    """An Input that leaves Enter to its form, so the footer can say what Enter does."""

    BINDINGS: ClassVar[list[BindingType]] = [
        b for b in Input.BINDINGS if not (isinstance(b, Binding) and b.key == "enter")
    ]


class ItemForm(ModalScreen[NewItem | None]):
    """Kind, title, minutes and optional notes for one new item."""

    DEFAULT_CSS = (
        """
    ItemForm {
        align: center middle;
    }

    #item-row {
        height: auto;
    }

    #item-kind-column {
        width: 1fr;
        height: auto;
    }

    #item-minutes-column {
        width: 22;
        height: auto;
        margin-left: 2;
    }
    """
        + FORM_CSS
    )
    CSS = FORM_BOX_CSS
    AUTO_FOCUS = "#item-title"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "submit", "Add item"),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, *, after: str | None) -> None:
        super().__init__(id="item-form")
        self.after = after
        """The title of the item the new one follows (None: at the start)."""

    def compose(self) -> ComposeResult:
        where = (
            Content.from_markup("It goes after [b]$title[/].", title=short(self.after, 60))
            if self.after is not None
            else Content("It goes at the start of the agenda.")
        )
        with Vertical(id="item-dialog", classes="panel form-dialog"):
            yield Static("Add an agenda item", classes="panel-title")
            yield Static(where, classes="hint")
            yield Label("Title")
            yield FormInput(max_length=120, id="item-title")
            with Horizontal(id="item-row"):
                with Vertical(id="item-kind-column"):
                    yield Label("Kind")
                    yield Select(
                        [(kind_words(kind), kind) for kind in KINDS],
                        value="topic",
                        allow_blank=False,
                        id="item-kind",
                    )
                with Vertical(id="item-minutes-column"):
                    yield Label(f"Minutes ({MIN_MINUTES}–{MAX_MINUTES})")
                    yield FormInput("10", type="integer", max_length=3, id="item-minutes")
            yield Label("Notes for you (optional, not shown to participants)")
            yield FormInput(max_length=2000, id="item-notes")
            yield Static("", id="item-message", classes="form-message")
            with Horizontal(classes="form-buttons"):
                yield Button("Cancel", id="item-cancel")
                yield Button("Add item", id="item-add", variant="primary")
        yield WrappingFooter(compact=True)

    def action_submit(self) -> None:
        title = self.query_one("#item-title", Input).value.strip()
        minutes = parse_minutes(self.query_one("#item-minutes", Input).value)
        message = self.query_one("#item-message", Static)
        if not title:
            message.update("Please give the item a title.")
            self.query_one("#item-title").focus()
            return
        if minutes is None:
            message.update(MINUTES_HELP)
            self.query_one("#item-minutes").focus()
            return
        kind = self.query_one("#item-kind", Select).value
        notes = self.query_one("#item-notes", Input).value.strip()
        self.dismiss(
            NewItem(kind=KIND_OF.get(kind, "topic"), title=title, minutes=minutes, notes=notes)
        )

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#item-add")
    def _add(self) -> None:
        self.action_submit()

    @on(Button.Pressed, "#item-cancel")
    def _cancel(self) -> None:
        self.dismiss(None)


class MinutesForm(ModalScreen[int | None]):
    """Type the planned minutes for one item, for changes bigger than a minute or two."""

    DEFAULT_CSS = (
        """
    MinutesForm {
        align: center middle;
    }
    """
        + FORM_CSS
    )
    CSS = FORM_BOX_CSS
    AUTO_FOCUS = "#minutes-input"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "submit", "Set minutes"),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, title: str, minutes: int, extra: int = 0) -> None:
        super().__init__(id="minutes-form")
        self.item_title = title
        self.minutes = minutes
        self.extra = extra
        """Minutes already added with the console's extend key; they stay on top."""

    def compose(self) -> ComposeResult:
        with Vertical(id="minutes-dialog", classes="panel form-dialog"):
            yield Static("Planned minutes", classes="panel-title")
            words = "For [b]$title[/]."
            if self.extra:
                words += " The $extra extra minutes already added are kept as well."
            yield Static(
                Content.from_markup(words, title=short(self.item_title, 60), extra=str(self.extra)),
                classes="hint",
            )
            yield Label(f"Minutes ({MIN_MINUTES}–{MAX_MINUTES})")
            yield FormInput(str(self.minutes), type="integer", max_length=3, id="minutes-input")
            yield Static("", id="minutes-message", classes="form-message")
        yield WrappingFooter(compact=True)

    def action_submit(self) -> None:
        minutes = parse_minutes(self.query_one("#minutes-input", Input).value)
        if minutes is None:
            self.query_one("#minutes-message", Static).update(MINUTES_HELP)
            return
        self.dismiss(minutes)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmRemove(Confirm):
    """Removing is asked once more, naming the item, so a stray key never drops one."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes, remove it"),
        Binding("escape,n", "answer(False)", "No, keep it"),
    ]

    def __init__(self, title: str) -> None:
        super().__init__(
            Content.from_markup("Remove [b]$title[/] from the agenda?", title=title),
            "It has not started, so nothing is lost from the session record.",
            keep="Keep it",
            go="Remove",
            id="confirm-remove",
            dialog_id="remove-dialog",
        )
