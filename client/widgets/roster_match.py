"""The group's roster from the console: who is who, and who is here without a terminal.

``MatchScreen`` lists the people here who are not matched to a roster member yet (then those
who are), and for the highlighted person the members they might be (``shared.roster.candidates``:
unmatched members, those of the same name first). Enter says the person is that member; ``u``
undoes a match, the automatic ones at join included. ``PresentScreen`` lists the members not here
to mark one present who has no terminal, and ``AttendanceScreen`` corrects what the record says
of a member (present, late, left early, absent, excused). Like every console screen, a key is
offered exactly when the rule core would take its command, and the screens redraw when the
hub's events come back, then say plainly what was done. Only facilitators ever see any of this.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from client.connection import new_id
from client.offers import DRY_RUN, FACILITATOR
from client.widgets.confirm import FORM_BOX_CSS, FORM_CSS
from client.widgets.key_row import WrappingFooter
from shared.commands import MarkPresent, MatchMember, SetAttendance
from shared.decide import allowed
from shared.roster import candidates, mark_words, unmatched
from shared.state import Participant, RosterMember, SessionState

if TYPE_CHECKING:
    from client.apps.base import HubApp

__all__ = [
    "AttendanceScreen",
    "MatchScreen",
    "PresentScreen",
    "attendance_words",
    "matched_people",
    "not_here",
]


def matched_people(state: SessionState) -> list[tuple[Participant, RosterMember]]:
    """People here who are matched to a member, in the order they joined."""
    pairs: list[tuple[Participant, RosterMember]] = []
    for person in state.people:
        member = state.member_at(person.id)
        if member is not None and not person.removed:
            pairs.append((person, member))
    return pairs


def not_here(state: SessionState) -> list[RosterMember]:
    """Roster members with no terminal matched and not marked present, in roster order."""
    return [m for m in state.roster if m.seat is None and m.marked_at is None]


def _member_line(member: RosterMember) -> Content:
    note = " · marked present" if member.marked_at is not None else ""
    if member.missed:
        note += f" · missed {member.missed} in a row"
    return Content.from_markup("$name[$text-muted]$note", name=member.name, note=note)


def _highlighted(listing: OptionList) -> str | None:
    option = listing.highlighted_option
    return None if option is None else option.id


class MatchScreen(ModalScreen[None]):
    """Say which roster member each person here is, or undo a match."""

    DEFAULT_CSS = (
        """
    MatchScreen { align: center middle; }
    MatchScreen #match-lists { height: auto; margin-top: 1; }
    MatchScreen #match-lists > Vertical { width: 1fr; height: auto; }
    MatchScreen #match-lists > Vertical:first-of-type { margin-right: 2; }
    MatchScreen OptionList { height: auto; max-height: 9; }
    MatchScreen .list-title { color: $text-muted; }
    MatchScreen #match-words { height: auto; margin-top: 1; }
    MatchScreen.-short #match-lists { margin-top: 0; }
    MatchScreen.-short OptionList { max-height: 7; }
    """
        + FORM_CSS
    )
    CSS = FORM_BOX_CSS
    AUTO_FOCUS = "#match-people"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "match", "Match", priority=True),
        Binding("u", "undo", "Undo match"),
        # priority: the focused list's own (scrolling) left and right would hide these
        Binding("right", "to_members", "Members", key_display="→", priority=True),
        Binding("left", "to_people", "People", key_display="←", priority=True),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self, hub: HubApp) -> None:
        super().__init__(id="match-screen")
        self.hub = hub
        self._listed: tuple[object, ...] | None = None
        self._members_for: tuple[object, ...] | None = None
        self._doing: tuple[str, str, str] | None = None
        """What was last sent: ("match" or "undo", seat, member), until the hub confirms it."""
        self._words = ""

    def compose(self) -> ComposeResult:
        with Vertical(id="match-dialog", classes="panel form-dialog"):
            yield Static(
                "Who is who on the roster · only facilitators see this", classes="panel-title"
            )
            with Horizontal(id="match-lists"):
                with Vertical():
                    yield Static("People here", classes="list-title")
                    yield OptionList(id="match-people")
                with Vertical():
                    yield Static("", id="members-title", classes="list-title")
                    yield OptionList(id="match-members")
            yield Static("", id="match-words")
        yield WrappingFooter(compact=True)

    def on_mount(self) -> None:
        self.watch(self.hub, "state", self.show_state, init=True)

    # -- what is highlighted -------------------------------------------------------------

    def person(self) -> Participant | None:
        seat = _highlighted(self.query_one("#match-people", OptionList))
        return None if seat is None else self.hub.state.participant(seat)

    def member(self) -> RosterMember | None:
        member = _highlighted(self.query_one("#match-members", OptionList))
        return None if member is None else self.hub.state.member(member)

    def command(self, action: str, id: str = DRY_RUN) -> MatchMember | None:
        """The command a key sends for what is highlighted now (None: it sends none)."""
        person = self.person()
        if person is None:
            return None
        matched = self.hub.state.member_at(person.id)
        if action == "match":
            member = self.member()
            if matched is not None or member is None:
                return None
            return MatchMember(id=id, member=member.member, participant=person.id)
        if action == "undo" and matched is not None:
            return MatchMember(id=id, member=matched.member)
        return None

    # -- drawing -------------------------------------------------------------------------

    def show_state(self, state: SessionState) -> None:
        strangers = unmatched(state)
        matched = matched_people(state)
        listed = (tuple(strangers), tuple(matched))
        if listed != self._listed:
            self._listed = listed
            people = self.query_one("#match-people", OptionList)
            keep = _highlighted(people)
            people.clear_options()
            people.add_options(Option(Content(p.name), id=p.id) for p in strangers)
            people.add_options(
                Option(
                    Content.from_markup(
                        "$name [$text-muted]is $member", name=p.name, member=m.name
                    ),
                    id=p.id,
                )
                for p, m in matched
            )
            seats = [p.id for p in strangers] + [p.id for p, _ in matched]
            # after a match, on to the next person to match; otherwise stay where we were
            just_matched = self._doing is not None and self._doing[0] == "match"
            stay = keep in seats and (not just_matched or any(p.id == keep for p in strangers))
            if seats:
                people.highlighted = seats.index(keep) if stay and keep is not None else 0
        self._show_members(state)
        self._say(state)
        self.refresh_bindings()

    def _show_members(self, state: SessionState) -> None:
        person = self.person()
        title = self.query_one("#members-title", Static)
        members = self.query_one("#match-members", OptionList)
        matched = None if person is None else state.member_at(person.id)
        shown: list[RosterMember] = []
        if person is not None and matched is None:
            shown = candidates(state, person.id)
        key = (person, matched, tuple(shown))
        if key == self._members_for:
            return
        self._members_for = key
        keep = _highlighted(members)
        members.clear_options()
        if person is None:
            title.update("Roster members")
        elif matched is not None:
            title.update(Content.from_markup("[b]$name[/] is", name=person.name))
            members.add_option(Option(_member_line(matched), id=matched.member, disabled=True))
        else:
            title.update(Content.from_markup("[b]$name[/] might be", name=person.name))
            members.add_options(Option(_member_line(m), id=m.member) for m in shown)
            ids = [m.member for m in shown]
            if ids:
                members.highlighted = ids.index(keep) if keep in ids else 0

    def _say(self, state: SessionState) -> None:
        """Plain words: what was just done, or what to do."""
        doing = self._doing
        if doing is not None:
            action, seat, member_id = doing
            person, member = state.participant(seat), state.member(member_id)
            if person is not None and member is not None:
                if action == "match" and member.seat == seat:
                    self._words = f"Done: {person.name} is {member.name} on the roster."
                    self._doing = None
                elif action == "undo" and member.seat is None:
                    self._words = f"Done: {person.name} is no longer matched to {member.name}."
                    self._doing = None
        words = self._words
        if not words:
            if not state.people:
                words = "Nobody has joined yet."
            elif not unmatched(state):
                words = "Everyone here is matched to the roster."
            elif not any(m.seat is None for m in state.roster):
                words = "Every roster member is matched: the others here are not on the roster."
            else:
                words = "Highlight a person, then the member they are (→), and press Enter."
        self.query_one("#match-words", Static).update(words)

    @on(OptionList.OptionHighlighted, "#match-people")
    def _person_moved(self) -> None:
        self._show_members(self.hub.state)
        self.refresh_bindings()

    @on(OptionList.OptionHighlighted, "#match-members")
    def _member_moved(self) -> None:
        self.refresh_bindings()

    def on_descendant_focus(self) -> None:
        self.refresh_bindings()

    # -- keys ----------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        people = self.query_one("#match-people", OptionList)
        members = self.query_one("#match-members", OptionList)
        if action == "to_members":
            return people.has_focus and any(not o.disabled for o in members.options)
        if action == "to_people":
            return not people.has_focus
        if action not in ("match", "undo"):
            return True
        command = self.command(action)
        return command is not None and allowed(
            self.hub.state, command, FACILITATOR, self.hub.hub_now()
        )

    async def _send(self, action: str) -> None:
        command = self.command(action, id=new_id())
        person = self.person()
        if command is None or person is None:
            return
        self._doing = (action, person.id, command.member)
        member = self.hub.state.member(command.member)
        name = member.name if member is not None else "the member"
        self._words = (
            f"Matching {person.name} to {name}…"
            if action == "match"
            else f"Undoing: {person.name} as {name}…"
        )
        self.query_one("#match-words", Static).update(self._words)
        self.query_one("#match-people", OptionList).focus()  # then on to the next person
        await self.hub.send_command(command)

    async def action_match(self) -> None:
        await self._send("match")

    async def action_undo(self) -> None:
        await self._send("undo")

    def action_to_members(self) -> None:
        self.query_one("#match-members", OptionList).focus()

    def action_to_people(self) -> None:
        self.query_one("#match-people", OptionList).focus()

    def action_back(self) -> None:
        self.dismiss(None)


class PresentScreen(ModalScreen[None]):
    """Mark a roster member present who is here without a terminal."""

    DEFAULT_CSS = (
        """
    PresentScreen { align: center middle; }
    PresentScreen #present-list { height: auto; max-height: 12; margin-top: 1; }
    PresentScreen #present-words { height: auto; margin-top: 1; }
    PresentScreen.-short #present-list { max-height: 9; }
    """
        + FORM_CSS
    )
    CSS = FORM_BOX_CSS
    AUTO_FOCUS = "#present-list"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "present", "Mark present", priority=True),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self, hub: HubApp) -> None:
        super().__init__(id="present-screen")
        self.hub = hub
        self._listed: tuple[RosterMember, ...] | None = None
        self._marking: str | None = None
        """The member last marked present, until the hub confirms it."""
        self._words = ""

    def compose(self) -> ComposeResult:
        with Vertical(id="present-dialog", classes="panel form-dialog"):
            yield Static(
                "Here without a terminal · only facilitators see this", classes="panel-title"
            )
            yield Static("Roster members not here on a terminal:", classes="hint")
            yield OptionList(id="present-list")
            yield Static("", id="present-words")
        yield WrappingFooter(compact=True)

    def on_mount(self) -> None:
        self.watch(self.hub, "state", self.show_state, init=True)

    def selected(self) -> RosterMember | None:
        member = _highlighted(self.query_one("#present-list", OptionList))
        return None if member is None else self.hub.state.member(member)

    def show_state(self, state: SessionState) -> None:
        missing = tuple(not_here(state))
        marked = tuple(m for m in state.roster if m.seat is None and m.marked_at is not None)
        listed = missing + marked
        if listed != self._listed:
            self._listed = listed
            listing = self.query_one("#present-list", OptionList)
            keep = _highlighted(listing)
            listing.clear_options()
            listing.add_options(Option(_member_line(m), id=m.member) for m in missing)
            listing.add_options(Option(_member_line(m), id=m.member, disabled=True) for m in marked)
            ids = [m.member for m in missing]
            if ids:
                listing.highlighted = ids.index(keep) if keep in ids else 0
        if self._marking is not None:
            member = state.member(self._marking)
            if member is not None and member.marked_at is not None:
                self._words = f"Done: {member.name} is marked present, without a terminal."
                self._marking = None
        words = self._words
        if not words:
            words = (
                "Highlight a member who is here without a terminal and press Enter."
                if missing
                else "Every member on the roster is here or marked present."
            )
        self.query_one("#present-words", Static).update(words)
        self.refresh_bindings()

    @on(OptionList.OptionHighlighted)
    def _moved(self) -> None:
        self.refresh_bindings()

    def command(self, id: str = DRY_RUN) -> MarkPresent | None:
        member = self.selected()
        return None if member is None else MarkPresent(id=id, member=member.member)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action != "present":
            return True
        command = self.command()
        return command is not None and allowed(
            self.hub.state, command, FACILITATOR, self.hub.hub_now()
        )

    async def action_present(self) -> None:
        command = self.command(new_id())
        member = self.selected()
        if command is None or member is None:
            return
        self._marking = member.member
        self._words = f"Marking {member.name} present…"
        self.query_one("#present-words", Static).update(self._words)
        await self.hub.send_command(command)

    def action_back(self) -> None:
        self.dismiss(None)


LATE_STEP = 5
"""Minutes one press of the late or left-early key adds."""


def attendance_words(member: RosterMember) -> str:
    """What the record says of a member now: the facilitator's correction, else the terminals."""
    if member.status is not None:
        return mark_words(member.status, member.late_minutes, member.left_early_minutes)
    if member.seat is not None:
        return "here on a terminal"
    if member.marked_at is not None:
        return "marked present"
    return "not here"


class AttendanceScreen(ModalScreen[None]):
    """Correct a member's attendance: present, late, left early, absent or excused (the hub
    keeps each correction in the audit log)."""

    DEFAULT_CSS = (
        """
    AttendanceScreen { align: center middle; }
    AttendanceScreen #attendance-list { height: auto; max-height: 12; margin-top: 1; }
    AttendanceScreen #attendance-words { height: auto; margin-top: 1; }
    AttendanceScreen.-short #attendance-list { max-height: 9; }
    """
        + FORM_CSS
    )
    CSS = FORM_BOX_CSS
    AUTO_FOCUS = "#attendance-list"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("p", "mark('present')", "Present"),
        Binding("l", "mark('late')", f"+{LATE_STEP} min late"),
        Binding("e", "mark('early')", f"Left +{LATE_STEP} min early"),
        Binding("a", "mark('absent')", "Absent"),
        Binding("x", "mark('excused')", "Excused"),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self, hub: HubApp) -> None:
        super().__init__(id="attendance-screen")
        self.hub = hub
        self._listed: tuple[RosterMember, ...] | None = None
        self._sent: SetAttendance | None = None
        """The last correction sent, until the hub confirms it."""
        self._words = ""

    def compose(self) -> ComposeResult:
        with Vertical(id="attendance-dialog", classes="panel form-dialog"):
            yield Static("Attendance · only facilitators see this", classes="panel-title")
            yield OptionList(id="attendance-list")
            yield Static("", id="attendance-words")
        yield WrappingFooter(compact=True)

    def on_mount(self) -> None:
        self.watch(self.hub, "state", self.show_state, init=True)

    def selected(self) -> RosterMember | None:
        member = _highlighted(self.query_one("#attendance-list", OptionList))
        return None if member is None else self.hub.state.member(member)

    def show_state(self, state: SessionState) -> None:
        if state.roster != self._listed:
            self._listed = state.roster
            listing = self.query_one("#attendance-list", OptionList)
            keep = _highlighted(listing)
            listing.clear_options()
            listing.add_options(
                Option(
                    Content.from_markup(
                        "$name [$text-muted]· $mark", name=m.name, mark=attendance_words(m)
                    ),
                    id=m.member,
                )
                for m in state.roster
            )
            ids = [m.member for m in state.roster]
            if ids:
                listing.highlighted = ids.index(keep) if keep in ids else 0
        sent = self._sent
        if sent is not None:
            member = state.member(sent.member)
            if member is not None and (
                member.status,
                member.late_minutes,
                member.left_early_minutes,
            ) == (sent.status, sent.late_minutes, sent.left_early_minutes):
                self._words = f"Done: {member.name} is {attendance_words(member)}."
                self._sent = None
        words = self._words or "Highlight a member and press the key for what the record says."
        self.query_one("#attendance-words", Static).update(words)
        self.refresh_bindings()

    @on(OptionList.OptionHighlighted)
    def _moved(self) -> None:
        self.refresh_bindings()

    def command(self, mark: object, id: str = DRY_RUN) -> SetAttendance | None:
        """The correction a key makes for the highlighted member (None: it makes none)."""
        member = self.selected()
        if member is None:
            return None
        late, early = member.late_minutes, member.left_early_minutes
        match mark:
            case "present":
                return SetAttendance(id=id, member=member.member, status="present")
            case "late":
                late += LATE_STEP
            case "early":
                early += LATE_STEP
            case "absent" | "excused":
                return SetAttendance(id=id, member=member.member, status=mark)
            case _:
                return None
        if member.status not in (None, "present"):
            late, early = (LATE_STEP, 0) if mark == "late" else (0, LATE_STEP)
        return SetAttendance(
            id=id,
            member=member.member,
            status="present",
            late_minutes=late,
            left_early_minutes=early,
        )

    def changes(self, mark: object, id: str = DRY_RUN) -> SetAttendance | None:
        """``command``, unless the record already says exactly that."""
        command, member = self.command(mark, id), self.selected()
        if command is None or member is None:
            return None
        now = (member.status, member.late_minutes, member.left_early_minutes)
        said = (command.status, command.late_minutes, command.left_early_minutes)
        return None if now == said else command

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action != "mark":
            return True
        command = self.changes(parameters[0] if parameters else None)
        return command is not None and allowed(
            self.hub.state, command, FACILITATOR, self.hub.hub_now()
        )

    async def action_mark(self, mark: str) -> None:
        command = self.changes(mark, id=new_id())
        member = self.selected()
        if command is None or member is None:
            return
        self._sent = command
        words = mark_words(command.status, command.late_minutes, command.left_early_minutes)
        self._words = f"Recording {member.name} as {words}…"
        self.query_one("#attendance-words", Static).update(self._words)
        await self.hub.send_command(command)

    def action_back(self) -> None:
        self.dismiss(None)
