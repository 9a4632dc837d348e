"""The facilitator console: pick an agenda, read the room code aloud, run the session.

Two screens over one connection: the template picker (skipped when resuming) and the console.
The connection worker lives on the App (``HubApp``), so switching screens never drops it. The
console only ever reads ``HubApp.state``; every change goes to the hub as a command and comes
back as an event. Guided exercises are chosen in a modal picker and followed in a panel above the
agenda; their keys sit on a footer row of their own (see ``KeyRow``).
"""

from __future__ import annotations

import random
import ssl
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import ClassVar

from textual import on
from textual._path import CSSPathType  # where Textual defines it; textual.app does not export it
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, Input, Label, OptionList, Static, Switch
from textual.widgets.option_list import Option

from client import saved_questions
from client.apps.base import STYLES, HubApp
from client.connection import DEFAULT_DELAYS, OPEN_TIMEOUT, Delays, LinkStatus, new_id
from client.messages import LinkChanged
from client.offers import DRY_RUN, EXTEND_MINUTES, FACILITATOR, console_command, offered
from client.widgets.agenda import AgendaView
from client.widgets.agenda_editor import AgendaEditor
from client.widgets.board_join import join_line
from client.widgets.checkin_panel import CheckinPanel, CheckinPicker
from client.widgets.confirm import Confirm
from client.widgets.exercise_panel import ExercisePanel
from client.widgets.exercise_picker import ExercisePicker, Launch
from client.widgets.floor import FloorPanel, HandsScreen
from client.widgets.join_qr import JoinQrScreen
from client.widgets.key_row import KeyRow, WrappingFooter
from client.widgets.lobby import LobbyView, here_count
from client.widgets.people import PeopleScreen
from client.widgets.requests import RequestsScreen, open_requests_words
from client.widgets.roster_match import AttendanceScreen, MatchScreen, PresentScreen
from client.widgets.round_editor import RoundEditor
from client.widgets.share_queue import ShareQueue
from client.widgets.status import LinkBanner
from client.widgets.timer import ItemTimer
from shared.checkins import clean_question
from shared.commands import (
    MAX_NAME_CHARS,
    PROTOCOL_VERSION,
    CreateSession,
    Hello,
    Login,
    MergeSeats,
    OpenCheckin,
    ShareAction,
    StartExercise,
)
from shared.content_check import load_catalogue
from shared.decide import accepts_commands, allowed, returning
from shared.events import Answering, Error, Passed, ServerMessage
from shared.exercises import Exercise, load_exercises
from shared.questions import PRESETS, Question
from shared.roster import roster_words
from shared.state import SessionState
from shared.templates import AgendaTemplate


def default_join_hint(code: str) -> str:
    return f"Participants join with:  {join_line(code)}"


def status_words(state: SessionState) -> str:
    """One calm line saying where the session is."""
    match state.status:
        case "new":
            return "Setting up the session…"
        case "lobby":
            return f"Waiting to start — {here_count(state)}"
        case "running":
            if state.current is None:
                return f"Running — all agenda items are done · {here_count(state)}"
            return (
                f"Running — item {state.current + 1} of {len(state.agenda)} · {here_count(state)}"
            )
        case "ended":
            kept = "" if state.record_shares else " Share text was not kept."
            return (
                f"Session ended — it is recorded for review.{kept}\n"
                "You can close this window with Ctrl+Q."
            )


def template_prompt(template: AgendaTemplate) -> Content:
    items = len(template.items)
    markup = "[b]$title[/]  [$text-muted]· $minutes min · $items[/]"
    if template.description:
        markup += "\n[$text-muted]$description"
    return Content.from_markup(
        markup,
        title=template.title,
        minutes=str(template.minutes),
        items=f"{items} item" if items == 1 else f"{items} items",
        description=template.description,
    )


CLOSE = Binding("ctrl+q", "close", "Close", priority=True)
"""Ctrl+Q always quits (Textual's own binding); this one only names it in the footer where
closing is a sensible thing to do, which keeps the footer short while a session runs."""


class RecordSwitch(Switch, inherit_bindings=False):
    """A Switch that toggles with space only, so Enter creates the session as the footer says.

    Flipping a privacy setting by accident with Enter would be worse than a key that does nothing.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "toggle_switch", "Toggle", show=False),
    ]


class TemplateList(OptionList, inherit_bindings=False):
    """The agendas to choose from. Enter is left to the screen ("Create session") and a click
    only highlights, so nobody opens a room by clicking an agenda to read it.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        b for b in OptionList.BINDINGS if not (isinstance(b, Binding) and b.key == "enter")
    ]

    def action_select(self) -> None:
        """Highlighting is choosing here; creating is the screen's Enter or the button."""


class TemplatePicker(Screen[None]):
    """Sign in (unless the app already holds a sign-in), choose the agenda, an optional title
    and whether share text is kept."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "create", "Create session"),
        CLOSE,
    ]

    def __init__(
        self,
        templates: Mapping[str, AgendaTemplate],
        *,
        sign_in: str | None,
        group: str | None = None,
    ) -> None:
        """``sign_in`` is the account name to suggest, or None when no sign-in is asked for;
        ``group``, the recurring group the new session is a meeting of."""
        super().__init__(id="picker")
        self.templates = templates
        self.sign_in = sign_in
        self.group = group
        self._creating = False

    def compose(self) -> ComposeResult:
        with Vertical(id="picker-body"):
            yield Static("Start a new session", classes="screen-title")
            if self.group is not None:
                yield Static(
                    f"A meeting of the group {self.group}: its roster is on your console.",
                    id="picker-group",
                    classes="hint",
                )
            if self.sign_in is not None:
                with Horizontal(id="sign-in", classes="panel"):
                    with Vertical():
                        yield Label("Your facilitator name")
                        yield Input(value=self.sign_in, max_length=MAX_NAME_CHARS, id="account")
                    with Vertical():
                        yield Label("Password")
                        yield Input(password=True, max_length=256, id="password")
                yield Static("", id="sign-in-words", classes="hint")
            yield Static(
                "Choose an agenda. You can still extend or skip items during the session.",
                classes="hint",
            )
            if self.templates:
                yield TemplateList(
                    *(Option(template_prompt(t), id=key) for key, t in self.templates.items()),
                    id="templates",
                )
            else:
                yield Static(
                    "No agenda templates were found. Ask whoever set up circlekeeper to add one.",
                    id="templates-missing",
                    classes="panel",
                )
            with Vertical(classes="panel", id="options"):
                yield Label("Session title (optional)")
                yield Input(
                    placeholder="The agenda's name is used if you leave this empty",
                    max_length=120,
                    id="title",
                )
                with Horizontal(id="record-row"):
                    yield RecordSwitch(value=False, id="record-shares")
                    with Vertical(id="record-words"):
                        yield Label("Keep share text in the session record")
                        yield Static(
                            "When off, shares are seen in the room but their text is not kept "
                            "after the session.",
                            classes="hint",
                        )
                    yield Button(
                        "Create session",
                        id="create",
                        variant="primary",
                        disabled=not self.templates,
                    )
        yield WrappingFooter(compact=True)

    def chosen_template(self) -> str | None:
        """The id of the highlighted agenda (what the hub knows it by)."""
        if not self.templates:
            return None
        option = self.query_one("#templates", OptionList).highlighted_option
        key = option.id if option is not None and option.id is not None else ""
        return self.templates.get(key, next(iter(self.templates.values()))).id

    def on_mount(self) -> None:
        self._focus_first()

    def _focus_first(self) -> None:
        if self.sign_in is None:
            self.query_one("#templates").focus() if self.templates else None
        elif not self.query_one("#account", Input).value:
            self.query_one("#account", Input).focus()
        else:
            self.query_one("#password", Input).focus()

    def _login(self) -> Login | None:
        """What was typed to sign in, or None (and a word about what is missing)."""
        account = self.query_one("#account", Input).value.strip()
        password = self.query_one("#password", Input).value
        if account and password:
            return Login(account=account, password=password)
        words = self.query_one("#sign-in-words", Static)
        words.update("Please type your facilitator name and password to start a session.")
        words.add_class("-concern")
        self._focus_first()
        return None

    def action_create(self) -> None:
        template = self.chosen_template()
        if template is None or self._creating:
            return
        login = None if self.sign_in is None else self._login()
        if self.sign_in is not None and login is None:
            return
        self._creating = True
        title = self.query_one("#title", Input).value.strip() or None
        record = self.query_one("#record-shares", Switch).value
        app = self.app
        assert isinstance(app, FacilitatorApp)
        app.create_session(template, title=title, record_shares=record, login=login)

    def refused(self, words: str) -> None:
        """Back after the hub said no: say why, and let the password be typed again."""
        if self.sign_in is None:
            return
        self.query_one("#password", Input).value = ""
        message = self.query_one("#sign-in-words", Static)
        message.update(words)
        message.add_class("-concern")
        self._focus_first()

    def on_screen_resume(self) -> None:
        self._creating = False

    def action_close(self) -> None:
        self.app.exit()

    @on(Input.Submitted, "#account")
    def _account_entered(self) -> None:
        self.query_one("#password", Input).focus()

    @on(Input.Submitted, "#title")
    @on(Input.Submitted, "#password")
    @on(Button.Pressed, "#create")
    def _create_from_widget(self) -> None:
        self.action_create()


class ConfirmReturn(Confirm):
    """One person, one row: asked when a name comes back while its earlier seat is away."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes, the same person"),
        Binding("escape,n", "answer(False)", "No, someone else"),
    ]

    def __init__(self, name: str) -> None:
        super().__init__(
            Content.from_markup("[b]$name[/] is back?", name=name),
            Content.from_markup(
                "Someone joined as $name while an earlier $name is away. If it is the same "
                "person (their terminal closed), the record shows them once.",
                name=name,
            ),
            keep="Someone else",
            go="Same person",
            id="confirm-return",
        )


class ConfirmEnd(Confirm):
    """Ending cannot be undone, so it is asked once more in plain words."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes, end the session"),
        Binding("escape,n", "answer(False)", "No, keep going"),
    ]

    def __init__(self, still_open: str = "") -> None:
        """``still_open``: the private requests not yet handled, in words (listed first)."""
        words = (
            "The agenda, timings and attendance are saved for review. "
            "Participants will see that the session has ended. This cannot be undone."
        )
        if still_open:
            words = f"Before everyone leaves: {still_open}\n\n{words}"
        super().__init__(
            Content("End the session for everyone?"),
            words,
            keep="Keep going",
            go="End session",
            id="confirm-end",
            dialog_id="end-dialog",
        )


class Console(Screen[None]):
    """The running session: room code, attendance, agenda, timer, the share queue, any guided
    exercise (and "How do you feel now?" after it), check-ins, who speaks (hands, the speaker's
    timer, go-arounds) and private requests to talk after group."""

    AUTO_FOCUS = "#share-list"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("b", "start", "Begin session"),
        Binding("n", "next_item", "Next item"),
        Binding("plus,equals_sign", "extend", f"+{EXTEND_MINUTES} min", key_display="+"),
        Binding("k", "skip", "Skip next"),
        Binding("s", "moderate('show')", "Show to room"),
        Binding("a", "moderate('set_aside')", "Set aside"),
        Binding("d", "moderate('discussed')", "Discussed"),
        Binding("e", "end", "End session"),
        CLOSE,
        # Shown on a row of their own (KeyRow): the footer above is full at 120 columns.
        Binding("g", "edit_agenda", "Edit agenda…", show=False),
        Binding("w", "people", "People…", show=False),
        Binding("u", "restore", "Bring back skipped", show=False),
        Binding("t", "take_back", "Take back from the room", show=False),
        Binding("x", "exercise_pick", "Exercise…", show=False),
        Binding("p", "exercise_pause", "Pause", show=False),
        Binding("p", "exercise_resume", "Resume", show=False),
        Binding("right_square_bracket", "exercise_skip", "Next step", key_display="]", show=False),
        Binding("o", "exercise_stop", "Stop exercise", show=False),
        Binding("f", "ask_feeling", "Ask how the room feels", show=False),
        Binding("c", "checkin_pick", "Ask a question…", show=False),
        Binding("c", "checkin_close", "Close check-in", show=False),
        Binding("h", "hands", "Hands…", show=False),
        Binding("m", "call_next", "Call next hand", show=False),
        Binding("z", "speaker_done", "Speaker done", show=False),
        Binding("r", "round_pick", "Go-around…", show=False),
        Binding("m", "round_next", "Next turn", show=False),
        Binding("z", "round_end", "End round", show=False),
        Binding("v", "requests", "Talk requests…", show=False),
        Binding("j", "roster_match", "Match to roster…", show=False),
        Binding("i", "roster_present", "Here, no terminal…", show=False),
        Binding("y", "attendance", "Attendance…", show=False),
        Binding("q", "join_qr", "Join QR code…", show=False),
    ]
    MORE_KEYS = (
        ("Agenda and room:", ("edit_agenda", "people", "restore", "take_back", "join_qr")),
        (
            "Guided exercise:",
            (
                "exercise_pick",
                "exercise_pause",
                "exercise_resume",
                "exercise_skip",
                "exercise_stop",
                "ask_feeling",
            ),
        ),
        ("Check-in:", ("checkin_pick", "checkin_close")),
        (
            "Who speaks:",
            (
                "hands",
                "call_next",
                "speaker_done",
                "round_pick",
                "round_next",
                "round_end",
                "requests",
            ),
        ),
        ("Roster:", ("roster_match", "roster_present", "attendance")),
    )

    def __init__(self, join_hint: Callable[[str], str]) -> None:
        super().__init__(id="console")
        self.join_hint = join_hint
        self._cue_for: tuple[int, float] | None = None
        """The (item, start) whose time ran out, while that item is still over time."""
        self._asked: set[tuple[str, str]] = set()
        """(earlier seat, newer seat) pairs the facilitator was asked about: asked once."""

    @property
    def hub(self) -> HubApp:
        app = self.app
        assert isinstance(app, HubApp)
        return app

    def compose(self) -> ComposeResult:
        yield Static("", id="session-title")
        yield LinkBanner(id="link")
        with Horizontal(id="top-row"):
            with Vertical(id="code-panel", classes="panel"):
                yield Static("Room code — read it aloud", classes="panel-title")
                yield Static("", id="room-code")
                yield Static("", id="join-hint")
            with Vertical(id="status-panel", classes="panel"):
                yield Static("Session", classes="panel-title")
                yield Static("", id="status-words")
                yield ItemTimer(self.hub.hub_now, id="timer")
                yield Static("", id="time-cue")
        with Horizontal(id="main-row"):
            with Vertical(id="left-column"):
                yield ExercisePanel(
                    self.hub.hub_now,
                    id="exercise-panel",
                    classes="panel",
                )
                yield CheckinPanel(id="checkin-panel", classes="panel")
                with VerticalScroll(id="agenda-panel", classes="panel"):
                    yield Static("Agenda · notes are only on your screen", classes="panel-title")
                    yield AgendaView(show_notes=True, id="agenda")
            with VerticalScroll(id="side-column"):
                yield FloorPanel(self.hub.hub_now, id="floor-panel", classes="panel")
                with Vertical(id="lobby-panel", classes="panel"):
                    yield Static("In the room", classes="panel-title")
                    yield Static("", id="roster-line")
                    yield LobbyView(id="lobby")
                yield ShareQueue(id="shares", classes="panel")
        yield KeyRow(self.MORE_KEYS, id="more-keys")
        yield WrappingFooter(compact=True)

    @property
    def facilitator(self) -> FacilitatorApp:
        app = self.app
        assert isinstance(app, FacilitatorApp)
        return app

    def on_mount(self) -> None:
        self.watch(self.hub, "state", self.show_state, init=True)
        self.watch(self.hub, "link_status", self.show_link, init=True)
        self.watch(self.hub, "retry_note", self._retry_noted)

    def show_link(self, status: LinkStatus) -> None:
        """The link line; while no hub answers, why, what to check and the next try."""
        note = self.hub.retry_note if status in ("connecting", "reconnecting") else ""
        self.query_one(LinkBanner).show(status, note)

    def _retry_noted(self) -> None:
        self.show_link(self.hub.link_status)

    def show_state(self, state: SessionState) -> None:
        """Redraw from the state; the only way anything on this screen changes."""
        self.query_one("#session-title", Static).update(state.title or "New session")
        code = self.query_one("#room-code", Static)
        hint = self.query_one("#join-hint", Static)
        if state.status == "ended":
            code.update("ended")
            hint.update("The session has ended: its code lets nobody in now.")
        elif state.code:
            code.update(" ".join(state.code))
            hint.update(self.join_hint(state.code))
        else:
            code.update("· · · · · ·")
            hint.update("The room code appears here in a moment.")
        self.query_one("#status-words", Static).update(status_words(state))
        timer = self.query_one(ItemTimer)
        timer.display = state.status == "running"
        timer.show(state)
        self._update_cue(state)
        self.query_one(AgendaView).show(state)
        self.query_one(LobbyView).show(state)
        roster = self.query_one("#roster-line", Static)
        roster.update(roster_words(state))
        roster.display = bool(state.roster)
        self.query_one(ShareQueue).show(state)
        self.show_told(state)
        self.query_one(KeyRow).display = state.status in ("lobby", "running")
        self.refresh_bindings()
        self._ask_about_returns(state)

    def show_told(self, state: SessionState | None = None) -> None:
        """Redraw what the hub tells without logging it: check-in counts and passes."""
        state = state or self.hub.state
        mirror = self.hub.mirror
        self.query_one(ExercisePanel).show(state, mirror.answering)
        self.query_one(CheckinPanel).show(state, mirror.answering)
        self.query_one(FloorPanel).show(state, mirror.passes)

    def _ask_about_returns(self, state: SessionState) -> None:
        """Someone joined again under the name of a seat that is away: the same person?"""
        for old, new in returning(state):
            if (old.id, new.id) in self._asked or not accepts_commands(state):
                continue
            self._asked.add((old.id, new.id))

            async def answered(same: bool | None, old: str = old.id, new: str = new.id) -> None:
                if same:
                    merge = MergeSeats(id=new_id(), participant=old, into=new)
                    await self.hub.send_command(merge)

            self.app.push_screen(ConfirmReturn(new.name), answered)

    def _update_cue(self, state: SessionState) -> None:
        cue = self.query_one("#time-cue", Static)
        item = state.current_item
        key = None if item is None or state.current is None else (state.current, item.started_at)
        over = item is not None and (item.remaining(self.hub.hub_now()) or 0.0) < 0
        if self._cue_for is None or key != self._cue_for or not over:
            self._cue_for = None
            cue.display = False
            return
        cue.update(
            f"Time is up for this item. Press + for {EXTEND_MINUTES} more minutes "
            "or n to move on, when ready."
        )
        cue.display = True

    @on(ItemTimer.Expired)
    def _time_is_up(self, message: ItemTimer.Expired) -> None:
        state = self.hub.state
        if not 0 <= message.index < len(state.agenda):
            return
        item = state.agenda[message.index]
        self._cue_for = (message.index, item.started_at or 0.0)
        self._update_cue(state)
        self.app.bell()
        self.notify(
            f"Time is up for {item.title}. Extend (+{EXTEND_MINUTES} min) or move on when ready.",
            title="Time check",
            timeout=15,
        )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Offer (and show in the footer) a key exactly when the hub would take its command."""
        state = self.hub.state
        if action == "close":
            return state.status != "running"
        if action == "join_qr":
            return self.facilitator.join_url is not None and bool(state.code)
        share = self.query_one(ShareQueue).selected()
        parameter = parameters[0] if parameters else None
        answer = offered(action, parameter, state, share, self.hub.hub_now())
        return True if answer is None else answer

    async def _send(self, action: str, parameter: object = None) -> None:
        """Send the command a key stands for, if it has one in the current state."""
        share = self.query_one(ShareQueue).selected()
        command = console_command(action, parameter, self.hub.state, share, id=new_id())
        if command is not None:
            await self.hub.send_command(command)

    @on(OptionList.OptionHighlighted)
    @on(ExercisePanel.Changed)
    def _selection_moved(self) -> None:
        self.refresh_bindings()

    def on_descendant_focus(self) -> None:
        self.refresh_bindings()

    async def action_start(self) -> None:
        await self._send("start")

    async def action_next_item(self) -> None:
        await self._send("next_item")

    async def action_extend(self) -> None:
        await self._send("extend")

    async def action_skip(self) -> None:
        await self._send("skip")

    async def action_restore(self) -> None:
        await self._send("restore")

    async def action_take_back(self) -> None:
        await self._send("take_back")

    def action_edit_agenda(self) -> None:
        """Add, remove, move or retime items still to come, in a screen of its own."""
        self.app.push_screen(AgendaEditor(self.hub))

    def action_people(self) -> None:
        """Lock or open the room, remove or readmit people, in a screen of its own."""
        self.app.push_screen(PeopleScreen(self.hub))

    async def action_moderate(self, action: ShareAction) -> None:
        await self._send("moderate", action)

    def action_close(self) -> None:
        self.app.exit()

    def action_exercise_pick(self) -> None:
        state = self.hub.state
        item = state.current_item
        following = state.next_index()
        if item is None and state.status == "lobby" and following is not None:
            item = state.agenda[following]  # before the start: the first item's suggestion
        running = state.exercise
        picker = ExercisePicker(
            self.facilitator.exercises,
            suggested=item.exercise if item is not None else None,
            running=running.exercise.title if running is not None else None,
        )
        self.app.push_screen(picker, self._exercise_chosen)

    async def _exercise_chosen(self, launch: Launch | None) -> None:
        self.query_one("#share-list").focus()  # the arrow keys move the shares again
        if launch is not None:
            await self.hub.send_command(
                StartExercise(
                    id=new_id(),
                    exercise=launch.exercise,
                    variant=launch.variant,
                    include_optional=launch.include_optional,
                )
            )

    async def action_exercise_pause(self) -> None:
        await self._send("exercise_pause")

    async def action_exercise_resume(self) -> None:
        await self._send("exercise_resume")

    async def action_exercise_skip(self) -> None:
        await self._send("exercise_skip")

    async def action_exercise_stop(self) -> None:
        await self._send("exercise_stop")

    async def action_ask_feeling(self) -> None:
        await self._send("ask_feeling")

    def action_checkin_pick(self) -> None:
        """Choose a question (a preset, a saved one, or new words) and ask the room."""
        path = self.facilitator.questions_path
        picker = CheckinPicker(saved_questions.load(path), self._question_problem)
        self.app.push_screen(picker, self._question_chosen)

    def _question_problem(self, question: Question) -> str | None:
        """Why the hub would not take this question now, in words (None: it would)."""
        cleaned = clean_question(question)
        if isinstance(cleaned, Error):
            return cleaned.detail
        command = OpenCheckin(id=DRY_RUN, question=cleaned)
        if allowed(self.hub.state, command, FACILITATOR, self.hub.hub_now()):
            return None
        return "Numbers go from 0 to 10, with words of up to 24 characters."

    async def _question_chosen(self, question: Question | None) -> None:
        self.query_one("#share-list").focus()
        if question is None:
            return
        if question not in self.facilitator.presets:
            saved_questions.remember(self.facilitator.questions_path, question)
        await self.hub.send_command(OpenCheckin(id=new_id(), question=question))

    async def action_checkin_close(self) -> None:
        await self._send("checkin_close")

    def action_hands(self) -> None:
        self.app.push_screen(HandsScreen(self.hub))

    async def action_call_next(self) -> None:
        await self._send("call_next")

    async def action_speaker_done(self) -> None:
        await self._send("speaker_done")

    def action_round_pick(self) -> None:
        self.app.push_screen(RoundEditor(self.hub, self.facilitator.shuffle))

    async def action_round_next(self) -> None:
        await self._send("round_next")

    async def action_round_end(self) -> None:
        await self._send("round_end")

    def action_requests(self) -> None:
        self.app.push_screen(RequestsScreen(self.hub))

    def action_join_qr(self) -> None:
        """The browser join address (``circle web``) as a QR code, to hold up to the room."""
        url = self.facilitator.join_url
        if url is not None:
            self.app.push_screen(JoinQrScreen(url, self.hub.state.code))

    def action_roster_match(self) -> None:
        """Say which roster member each person here is, or undo a match."""
        self.app.push_screen(MatchScreen(self.hub))

    def action_roster_present(self) -> None:
        """Mark a roster member present who is here without a terminal."""
        self.app.push_screen(PresentScreen(self.hub))

    def action_attendance(self) -> None:
        """Correct what the record says of a member: late, left early, absent, excused."""
        self.app.push_screen(AttendanceScreen(self.hub))

    def action_end(self) -> None:
        still_open = open_requests_words(self.hub.state)
        self.app.push_screen(ConfirmEnd(still_open), self._end_answered)

    async def _end_answered(self, end: bool | None) -> None:
        if end:
            await self._send("end")


class FacilitatorApp(HubApp):
    """The facilitator's terminal. Built the same way by the CLI and the tests."""

    CSS_PATH: ClassVar[CSSPathType | None] = [STYLES / "app.tcss", STYLES / "facilitator.tcss"]
    TITLE = "circlekeeper · facilitator"
    ENABLE_COMMAND_PALETTE = False

    def __init__(
        self,
        uri: str,
        *,
        templates: Mapping[str, AgendaTemplate] | None = None,
        resume: tuple[str, str] | None = None,
        reconnect_delays: Delays = DEFAULT_DELAYS,
        clock: Callable[[], float] | None = None,
        high_contrast: bool = False,
        large_text: bool = False,
        join_hint: Callable[[str], str] | None = None,
        exercises: Mapping[str, Exercise] | None = None,
        login: Login | None = None,
        account: str | None = None,
        tls: ssl.SSLContext | None = None,
        open_timeout: float = OPEN_TIMEOUT,
        questions_path: Path | None = None,
        shuffle: Callable[[list[str]], None] = random.shuffle,
        group: str | None = None,
        join_url: str | None = None,
    ) -> None:
        """``resume`` is (room code, facilitator token) for a session already running; with an
        empty token, ``login`` signs in to it (a co-facilitator). Otherwise ``login`` signs in to
        create a session without asking (the demo, tests), or the picker asks, with ``account``
        already filled in. ``questions_path`` is where check-in questions in the facilitator's
        own words are kept (default: this user's data folder); ``shuffle`` orders a go-around
        at random (tests pass their own). ``group``: a new session is a meeting of this
        recurring group (its name or id on the hub)."""
        self.group = group
        self.join_url = join_url
        """The browser join address (``circle web``), shown as a QR code with ``q``."""
        self.questions_path = questions_path or saved_questions.default_path()
        self.shuffle = shuffle
        self.presets = tuple(PRESETS.values())
        self.resume = resume
        self.login = login
        self.account = account
        self.refusal = ""
        """The hub's words when it last refused to open a session."""
        super().__init__(
            uri,
            reconnect_delays=reconnect_delays,
            open_timeout=open_timeout,
            high_contrast=high_contrast,
            large_text=large_text,
            clock=clock,
            tls=tls,
        )
        if resume is not None:  # a token comes back as the same facilitator; a login signs in
            code, token = resume
            hello = Hello(
                protocol=PROTOCOL_VERSION,
                role="facilitator",
                code=code,
                token=token or None,
                login=None if token else login,
            )
            self.link = self.new_link(hello)
        if templates is None:
            templates = load_catalogue().templates
        self.agenda_templates: Mapping[str, AgendaTemplate] = templates
        self.join_hint = join_hint or default_join_hint
        if exercises is None:
            exercises = {key: loaded.exercise for key, loaded in load_exercises().items()}
        self.exercises: Mapping[str, Exercise] = exercises
        """What the picker offers: the built-ins unless the CLI passes the hub's catalogue."""

    def on_mount(self) -> None:
        sign_in = None if self.login is not None else (self.account or "")
        picker = TemplatePicker(self.agenda_templates, sign_in=sign_in, group=self.group)
        self.install_screen(picker, "picker")
        if self.resume is None:
            self.push_screen("picker")
        else:
            self.push_screen(Console(self.join_hint))

    @property
    def resume_info(self) -> tuple[str, str] | None:
        """(room code, facilitator token) to come back to this session later, once known."""
        if self.welcome is None:
            return None
        return self.state.code or self.welcome.code, self.welcome.token  # the code now

    def create_session(
        self, template: str, *, title: str | None, record_shares: bool, login: Login | None = None
    ) -> None:
        """Connect with a CreateSession handshake and go to the console straight away."""
        signed = login or self.login
        assert signed is not None, "the picker asks for a sign-in when the app has none"
        handshake = CreateSession(
            protocol=PROTOCOL_VERSION,
            login=signed,
            template=template,
            title=title,
            record_shares=record_shares,
            group=self.group,
        )
        self.connect_to(self.new_link(handshake))
        self.open_console()

    def open_console(self) -> None:
        """Show the console (it draws whatever ``state`` holds, even with no hub link)."""
        self.switch_screen(Console(self.join_hint))

    def watch_link_status(self, status: LinkStatus) -> None:
        """A refused CreateSession leaves no session: go back to the picker to choose again."""
        if status != "closed" or self.resume is not None or self.state.status != "new":
            return
        if self.is_running and self.screen_stack and isinstance(self.screen_stack[-1], Console):
            self.switch_screen("picker")
            picker = self.get_screen("picker")
            assert isinstance(picker, TemplatePicker)
            picker.refused(self.refusal)

    def on_frame(self, frame: ServerMessage) -> None:
        """Check-in counts and passes change no state: the console redraws them when told."""
        if isinstance(frame, Answering | Passed):
            for screen in self.screen_stack:
                if isinstance(screen, Console):
                    screen.show_told()

    @on(LinkChanged)
    def _remember_refusal(self, message: LinkChanged) -> None:
        """Runs before HubApp's handler sets ``link_status``, so the picker can say why."""
        if message.status == "closed" and message.detail:
            self.refusal = message.detail
