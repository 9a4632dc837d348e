"""The participant terminal: join with a room code and a chosen name, follow the agenda, share,
follow the room's guided exercises and practise one alone.

The join, session, exercise and ended views live side by side in one ``ContentSwitcher`` on the
main screen, so a reconnect or a return to the join view never loses what someone has typed.
Hiding is a separate blank screen pushed on top: whatever changes underneath stays underneath.
Practising alone is another screen pushed on top; it has no way to reach the hub.
"""

from __future__ import annotations

import ssl
from collections.abc import Callable
from pathlib import Path, PurePath
from typing import ClassVar

import msgspec
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Center, Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, ContentSwitcher, Footer, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from client.apps.base import HubApp
from client.connection import DEFAULT_DELAYS, Delays, HubLink, LinkStatus, new_id
from client.messages import FrameReceived, LinkChanged
from client.widgets.agenda import AgendaView
from client.widgets.exercise_view import (
    ExerciseView,
    FeelingAsk,
    FeelingQuestion,
    GuidedView,
    PrivateAnswers,
)
from client.widgets.share_box import ShareBox
from client.widgets.status import LinkBanner
from client.widgets.timer import ItemTimer
from shared.commands import PROTOCOL_VERSION, Hello, RateFeeling, SubmitShare
from shared.events import Ack, Error, ServerMessage, Welcome
from shared.exercises import Exercise, load_exercises
from shared.state import ExerciseRun, SessionState

NAME_WORDS = (
    "Choose any name to show in the room: a first name, a nickname or a made-up name is fine."
)
RECORD_KEPT = (
    "This session keeps the text of shares in its record for later review, never who wrote them."
)
RECORD_NOT_KEPT = "This session does not keep the text of shares in its record."
NOTHING_SHARED = "Nothing has been shared with the room yet."
ENDED_WORDS = "The session has ended. Thank you for being here."
HIDDEN_WORDS = "Screen hidden. Press F9 to come back."
HIDE_HINT = "F9 hides this screen at once, even while you type. Tab moves to the next part."
PRACTICE_WORDS = (
    "Pick an exercise to do at your own pace. Nothing you do or write here is sent to anyone, "
    "not even the facilitator: it stays on this screen and is cleared when you leave."
)
LEAVE_WORDS = (
    "Your answers will be cleared from this screen. They were never sent anywhere, "
    "so nobody else has seen them."
)
STYLES = Path(__file__).parent.parent / "styles"
"""Absolute, so the styles are found whichever file a subclass lives in."""
MAX_CODE_CHARS = 16
MAX_NAME_CHARS = 40


def room_shares_text(state: SessionState) -> Text:
    """The shares the room has seen; pending or set-aside ones never appear here."""
    text = Text()
    shares = [s for s in state.shares_with("shown", "discussed") if s.public]
    for number, share in enumerate(shares):
        if number:
            text.append("\n\n")
        text.append("❝ ", style="bold")
        text.append(share.text)
    if not shares:
        text.append(NOTHING_SHARED, style="italic")
    return text


class HiddenScreen(Screen[None]):
    """A blank, calm screen: nothing from the session, not even a toast."""

    DEFAULT_CSS = """
    HiddenScreen { align: center middle; }
    HiddenScreen #textual-toastrack { display: none; }
    """

    def compose(self) -> ComposeResult:
        yield Static(HIDDEN_WORDS, id="hidden-words", classes="hint")
        yield Footer(show_command_palette=False)


class JoinView(Vertical):
    """Room code and a chosen name; the hub's words appear here if it cannot let us in."""

    def __init__(self, code: str | None, name: str | None, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._code = code
        self._name = name

    def compose(self) -> ComposeResult:
        with Center(), Vertical(id="join-panel", classes="panel"):
            yield Static("Join the session", classes="panel-title")
            yield Label("Room code", id="code-label")
            yield Input(
                self._code or "",
                placeholder="the code your facilitator gives you",
                id="code",
                max_length=MAX_CODE_CHARS + 8,
            )
            yield Static("", id="code-given")
            yield Label("Your name in the room")
            yield Static(NAME_WORDS, classes="hint")
            yield Input(
                self._name or "", placeholder="any name", id="name", max_length=MAX_NAME_CHARS
            )
            with Horizontal(id="join-actions"):
                yield Button("Join", id="join-button", variant="primary")
                yield Static("Press Enter to join.", classes="hint", id="join-hint")
            yield Static("", id="join-message")

    def on_mount(self) -> None:
        self.set_class(bool(self._code), "-code-given")
        if self._code:
            self.query_one("#code-given", Static).update(Text(f"Room code: {self._code.upper()}"))

    def reveal_code(self) -> None:
        """After a refusal the code may be the reason: let it be changed."""
        self.remove_class("-code-given")

    def focus_first_empty(self, *, otherwise_code: bool = False) -> None:
        """Put the cursor where typing is needed (focusing selects the text, so typing replaces)."""
        code = self.query_one("#code", Input)
        name = self.query_one("#name", Input)
        code_shown = not self.has_class("-code-given")
        if code_shown and not code.value.strip():
            code.focus()
        elif not name.value.strip():
            name.focus()
        elif code_shown and otherwise_code:
            code.focus()
        else:
            name.focus()

    def tell(self, words: str, *, concern: bool = False) -> None:
        message = self.query_one("#join-message", Static)
        message.update(Text(words))
        message.set_class(concern, "-concern")

    def set_busy(self, busy: bool) -> None:
        self.query_one("#join-button", Button).disabled = busy


class SessionView(Vertical):
    """What a participant follows during the session, and the share box."""

    def __init__(self, now: Callable[[], float], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._now = now

    def compose(self) -> ComposeResult:
        yield LinkBanner(id="banner")
        yield Static("", id="session-title", classes="panel-title")
        yield Static("", id="record-note", classes="hint")
        with Horizontal(id="session-body"):
            with Vertical(id="session-left"):
                with Vertical(id="now-panel", classes="panel"):
                    yield Static("Now", classes="panel-title")
                    yield ItemTimer(self._now, id="timer")
                    yield Static("", id="exercise-hint", classes="hint")
                with Vertical(id="agenda-panel", classes="panel"):
                    yield Static("Agenda", classes="panel-title")
                    yield AgendaView(id="agenda")
                yield Static(HIDE_HINT, id="hide-hint", classes="hint")
            with Vertical(id="session-right"):
                with Vertical(id="room-panel", classes="panel"):
                    yield Static("Shared with the room", classes="panel-title")
                    with VerticalScroll(id="room-scroll"):
                        yield Static("", id="room-shares")
                yield ShareBox(id="share-box", classes="panel")

    def show(self, state: SessionState) -> None:
        self.query_one("#session-title", Static).update(Text(state.title))
        self.query_one("#timer", ItemTimer).show(state)
        self.query_one("#agenda", AgendaView).show(state)
        record = RECORD_KEPT if state.record_shares else RECORD_NOT_KEPT
        self.query_one("#record-note", Static).update(record)
        self.query_one("#room-shares", Static).update(room_shares_text(state))
        self.query_one(ShareBox).set_few_people(state.present < 3)


class EndedView(Vertical):
    """A calm goodbye; nothing is left to do but close."""

    def compose(self) -> ComposeResult:
        with Center(), Vertical(id="ended-panel", classes="panel"):
            yield Static(ENDED_WORDS, id="ended-words")
            yield Static("You can close this window with Q.", classes="hint")


def exercise_option(exercise: Exercise) -> Option:
    """One line of the practice list: the title, then the kind of exercise and its length."""
    minutes = max(1, round(exercise.minutes))
    return Option(
        Content.from_markup(
            "$title  [$text-muted]$category · about $minutes min",
            title=exercise.title,
            category=exercise.category.replace("-", " "),
            minutes=str(minutes),
        ),
        id=exercise.id,
    )


class ConfirmLeaveScreen(ModalScreen[bool]):
    """Asked before answers are cleared, so one key too many never loses a thought record."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "stay", "Stay")]

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-panel", classes="panel"):
            yield Static("Leave this exercise?", classes="panel-title")
            yield Static(LEAVE_WORDS, id="confirm-words")
            with Horizontal(id="confirm-actions"):
                yield Button("Stay", id="stay", variant="primary")
                yield Button("Leave and clear", id="leave-clear")
        yield Footer(show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one("#stay", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "leave-clear")

    def action_stay(self) -> None:
        self.dismiss(False)


class PracticeScreen(Screen[None]):
    """Any built-in exercise, alone, at this terminal's own pace and clock.

    Nothing here is ever sent: the screen holds no link and calls nothing that sends, and the
    answers live only in a ``PrivateAnswers`` object that is dropped on leaving.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", priority=True),
        Binding("ctrl+p", "pause", "Pause", priority=True),
        Binding("ctrl+p", "resume", "Carry on", priority=True),
        Binding("ctrl+n", "next_step", "Next step", priority=True),
        Binding("escape", "stop", "Stop", priority=True),
        Binding("escape", "leave", "Leave (clears answers)", priority=True),
    ]

    def __init__(self, clock: Callable[[], float]) -> None:
        super().__init__()
        self._clock = clock
        found = [loaded.exercise for loaded in load_exercises().values()]
        self.catalogue = {e.id: e for e in sorted(found, key=lambda e: e.title.lower())}
        self.run: ExerciseRun | None = None
        self.answers: PrivateAnswers | None = None

    def compose(self) -> ComposeResult:
        with ContentSwitcher(initial="practice-pick", id="practice-views"):
            with Vertical(id="practice-pick", classes="panel"):
                yield Static("Practise on your own", classes="panel-title")
                yield Static(PRACTICE_WORDS, id="practice-words")
                yield OptionList(
                    *(exercise_option(e) for e in self.catalogue.values()), id="practice-list"
                )
                yield Static("Choose with ↑ and ↓, then press Enter to begin.", classes="hint")
            yield GuidedView(self._clock, private=True, id="practice-guided", classes="panel")
        yield Footer(show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one("#practice-list", OptionList).focus()

    @property
    def guided(self) -> GuidedView:
        return self.query_one("#practice-guided", GuidedView)

    def _in_progress(self) -> bool:
        run = self.run
        return run is not None and run.active and not run.position(self._clock()).finished

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        picking = self.run is None
        running = self._in_progress()
        paused = self.run is not None and self.run.paused_at is not None
        allowed = {
            "back": picking,
            "pause": running and not paused,
            "resume": running and paused,
            "next_step": running,
            "stop": running,
            "leave": not picking and not running,
        }
        return allowed.get(action, True)

    @on(OptionList.OptionSelected, "#practice-list")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        exercise = self.catalogue.get(event.option_id or "")
        if exercise is not None:
            self.begin(exercise)

    def begin(self, exercise: Exercise) -> None:
        self.answers = PrivateAnswers()
        self._follow(ExerciseRun(run=0, exercise=exercise, started_at=self._clock()))
        self.query_one("#practice-views", ContentSwitcher).current = "practice-guided"
        self.set_focus(None)

    def _follow(self, run: ExerciseRun | None) -> None:
        self.run = run
        self.guided.show_run(run, self.answers)
        self.refresh_bindings()

    @on(GuidedView.Finished)
    def _finished(self, event: GuidedView.Finished) -> None:
        event.stop()
        self.refresh_bindings()

    def action_back(self) -> None:
        self.dismiss()

    def action_pause(self) -> None:
        if self.run is not None and self.run.paused_at is None:
            self._follow(msgspec.structs.replace(self.run, paused_at=self._clock()))

    def action_resume(self) -> None:
        run = self.run
        if run is not None and run.paused_at is not None:
            paused_for = run.paused_for + max(0.0, self._clock() - run.paused_at)
            self._follow(msgspec.structs.replace(run, paused_at=None, paused_for=paused_for))

    def action_next_step(self) -> None:
        run = self.run
        if run is None:
            return
        position = run.position(self._clock())
        if not position.finished:
            skipped = run.skipped + position.seconds_left
            self._follow(msgspec.structs.replace(run, skipped=skipped))

    def action_stop(self) -> None:
        if self.run is not None and self.run.active:
            self._follow(msgspec.structs.replace(self.run, stopped_at=self._clock()))

    def action_leave(self) -> None:
        if self.answers is not None and self.answers.given():
            self.app.push_screen(ConfirmLeaveScreen(), self._confirmed)
        else:
            self._back_to_list()

    def _confirmed(self, leave: bool | None) -> None:
        if leave:
            self._back_to_list()

    def _back_to_list(self) -> None:
        """Drop the run and every answer; only the list is left."""
        self.answers = None
        self._follow(None)
        self.query_one("#practice-views", ContentSwitcher).current = "practice-pick"
        self.query_one("#practice-list", OptionList).focus()


class ParticipantApp(HubApp):
    """One participant's terminal. All it shows comes from ``state``, built by ``reduce``."""

    TITLE = "circlekeeper"
    CSS_PATH: ClassVar[list[str | PurePath]] = [STYLES / "app.tcss", STYLES / "participant.tcss"]
    ENABLE_COMMAND_PALETTE = False
    AUTO_FOCUS: ClassVar[str | None] = None
    """Each view sets its own focus. Textual's auto-focus would pick the first focusable widget,
    even one in a view the switcher hides (typing would vanish into the hidden join form)."""
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f9", "hide", "Hide screen", priority=True),
        Binding("f9", "unhide", "Come back", priority=True),
        Binding("ctrl+s", "send_share", "Send share", priority=True),
        Binding("ctrl+r", "rejoin_exercise", "Back to the exercise", priority=True),
        Binding("x", "leave_exercise", "Leave exercise"),
        Binding("x", "skip_feeling", "Skip the question"),
        Binding("x", "close_feeling", "Back to the session"),
        Binding("ctrl+o", "practise", "Practise on your own", priority=True),
        Binding("q", "close", "Close"),
    ]
    _MAIN_ACTIONS: ClassVar[frozenset[str]] = frozenset(
        {
            "send_share",
            "close",
            "practise",
            "rejoin_exercise",
            "leave_exercise",
            "skip_feeling",
            "close_feeling",
        }
    )
    """Actions about what the main screen shows; none of them exists before it is built."""

    def __init__(
        self,
        uri: str,
        *,
        code: str | None = None,
        name: str | None = None,
        reconnect_delays: Delays = DEFAULT_DELAYS,
        clock: Callable[[], float] | None = None,
        high_contrast: bool = False,
        large_text: bool = False,
        tls: ssl.SSLContext | None = None,
    ) -> None:
        super().__init__(high_contrast=high_contrast, large_text=large_text, clock=clock, tls=tls)
        self.uri = uri
        self.reconnect_delays = reconnect_delays
        self._code = (code or "").strip() or None
        self._name = name.strip() if name is not None else None
        self._joined = False
        self._joining = False
        self._share_id: str | None = None
        self._views_ready = False
        # Room exercises, by run number. Kept on this terminal only; leaving sends nothing.
        self._followed: set[int] = set()
        """Runs this terminal saw running: only those ask "How do you feel now?"."""
        self._left: set[int] = set()
        """Runs the participant stepped out of (quietly)."""
        self._dismissed: set[int] = set()
        """Runs whose question was skipped or answered and put away."""
        self._asks: dict[int, FeelingAsk] = {}
        self._exercise_part: str | None = None

    # -- layout ------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with ContentSwitcher(initial="join", id="views"):
            yield JoinView(self._code, self._name, id="join")
            yield SessionView(self.hub_now, id="session")
            yield ExerciseView(self.hub_now, id="exercise")
            yield EndedView(id="ended")
        yield Footer(show_command_palette=False)

    def on_mount(self) -> None:
        super().on_mount()
        self._views_ready = True
        self._show_state(self.state)
        self._show_link(self.link_status)
        join = self._main.query_one(JoinView)
        join.focus_first_empty()
        if self._code and self._name:
            self.join()

    @property
    def _main(self) -> Screen[object]:
        """The screen with the views. ``self.query_one`` would search the hidden screen instead."""
        return self.screen_stack[0]

    @property
    def hidden(self) -> bool:
        return isinstance(self.screen, HiddenScreen)

    @property
    def view(self) -> str:
        return self._main.query_one("#views", ContentSwitcher).current or "join"

    def _choose_view(self) -> None:
        if self.state.status == "ended":
            wanted = "ended"
        elif self._joined:
            wanted = "exercise" if self._room_run() is not None else "session"
        else:
            wanted = "join"
        switcher = self._main.query_one("#views", ContentSwitcher)
        if switcher.current == wanted:
            self._sync_exercise_part()
            return
        switcher.current = wanted
        if wanted == "session":
            self._main.query_one(ShareBox).area.focus()
        elif wanted == "join":
            self._main.query_one(JoinView).focus_first_empty()
        else:
            self._main.set_focus(None)
        self._exercise_part = None
        self._sync_exercise_part()
        self.refresh_bindings()

    # -- joining -----------------------------------------------------------------------------

    @on(Input.Submitted, "#code")
    def _code_entered(self) -> None:
        if not self._main.query_one("#name", Input).value.strip():
            self._main.query_one("#name", Input).focus()
        else:
            self.join()

    @on(Input.Submitted, "#name")
    @on(Button.Pressed, "#join-button")
    def _join_pressed(self) -> None:
        self.join()

    def join(self) -> None:
        """Open a fresh link with what is in the join form (a refused link is never reused)."""
        if self._joining or self._joined:
            return  # a second link would join a second time
        view = self._main.query_one(JoinView)
        code = "".join(self._main.query_one("#code", Input).value.split())
        name = self._main.query_one("#name", Input).value
        if not code:
            view.reveal_code()
            view.tell("Please type the room code your facilitator gave you.", concern=True)
            self._main.query_one("#code", Input).focus()
            return
        if len(code) > MAX_CODE_CHARS:
            view.reveal_code()
            view.tell(
                "That looks longer than a room code. Please check it with your facilitator.",
                concern=True,
            )
            return
        if len(name.strip()) > MAX_NAME_CHARS:
            view.tell(
                f"Please keep the name to {MAX_NAME_CHARS} characters or fewer.", concern=True
            )
            return
        hello = Hello(protocol=PROTOCOL_VERSION, role="participant", code=code, name=name)
        self._joining = True
        view.set_busy(True)
        view.tell("Joining…")
        self.connect_to(
            HubLink(
                self.uri,
                hello,
                reconnect_delays=self.reconnect_delays,
                clock=self.local_clock,
                ssl=self.tls,
            )
        )

    # -- the hub -----------------------------------------------------------------------------

    @property
    def _live(self) -> bool:
        """The views exist and are not being torn down (frames can still arrive at exit)."""
        return self._views_ready and self.is_running

    def watch_state(self, state: SessionState) -> None:
        if self._live:
            self._show_state(state)

    def _show_state(self, state: SessionState) -> None:
        self._main.query_one(SessionView).show(state)
        self._note_exercise(state)
        self._show_exercise()
        self._choose_view()

    def watch_link_status(self, status: LinkStatus) -> None:
        if self._live:
            self._show_link(status)

    def _show_link(self, status: LinkStatus) -> None:
        for banner in self._main.query(LinkBanner):
            banner.show(status)
        self._main.query_one(ShareBox).link_changed(status == "online")

    def on_frame(self, frame: ServerMessage) -> None:
        if not self._live:
            return
        if isinstance(frame, Welcome):
            self._joined = True
            self._joining = False
            self._main.query_one(JoinView).set_busy(False)
            self._main.query_one(JoinView).tell("")
            self._choose_view()
        elif isinstance(frame, Ack) and frame.command == self._share_id:
            self._share_id = None
            self._main.query_one(ShareBox).received()
        elif isinstance(frame, Error) and frame.command == self._share_id:
            self._share_id = None
            self._main.query_one(ShareBox).not_sent(frame.detail)
        elif isinstance(frame, Ack) and (ask := self._ask_for(frame.command)) is not None:
            ask.status, ask.command = "thanked", None
            self._show_exercise()
            self.refresh_bindings()

    @on(FrameReceived)
    def _feeling_refused(self, message: FrameReceived) -> None:
        """The hub could not take a feeling answer: its words go calmly under the question.

        This runs before HubApp's handler and stops it, which would raise the same words as a
        "Not done" warning toast. An error changes no state, so nothing else is skipped.
        """
        frame = message.frame
        if not (isinstance(frame, Error) and self._live):
            return
        ask = self._ask_for(frame.command)
        if ask is None:
            return
        message.prevent_default()
        ask.status, ask.words, ask.command = "problem", frame.detail, None
        self._show_exercise()
        question = self._main.query_one(ExerciseView).question
        if self.view == "exercise" and question.display:
            question.scale.focus()  # the keys work again for another try
        self.refresh_bindings()

    # -- the room's exercise -----------------------------------------------------------------

    def _ask_for(self, command: str | None) -> FeelingAsk | None:
        if command is None:
            return None
        return next((a for a in self._asks.values() if a.command == command), None)

    def _note_exercise(self, state: SessionState) -> None:
        """Remember a run this terminal saw running (so it may ask about it afterwards)."""
        live = state.exercise
        if live is None or not self._joined or live.run in self._followed:
            return
        if live.position(self.hub_now()).finished:
            return  # arrived after its end: nothing to follow, nothing to ask
        self._followed.add(live.run)
        self._asks[live.run] = FeelingAsk(live.run)
        if self.screen is not self._main and not self.hidden:
            self.notify(
                f"The group has started {live.exercise.title}. "
                "Leave your practice whenever you are ready to join in.",
                title="In the room",
            )

    def _room_run(self) -> ExerciseRun | None:
        """The room's run this terminal shows: running, or over with its question still open."""
        if not self._joined or not self.state.exercises:
            return None
        run = self.state.exercises[-1]
        if run.run not in self._followed or run.run in self._left | self._dismissed:
            return None
        return run

    def _show_exercise(self) -> None:
        run = self._room_run()
        ask = self._asks.get(run.run) if run is not None else None
        self._main.query_one(ExerciseView).show(run, ask)
        live = self.state.exercise
        hint = self._main.query_one("#exercise-hint", Static)
        if live is not None and live.run in self._left:
            hint.update(
                Text(
                    f"The room is doing {live.exercise.title}. "
                    "Press Ctrl+R to join in again whenever you like."
                )
            )
            hint.display = True
        else:
            hint.display = False

    def _sync_exercise_part(self) -> None:
        """When the guided part gives way to the question: put the keys there and update them."""
        view = self._main.query_one(ExerciseView)
        part = view.showing if self.view == "exercise" else None
        if part == self._exercise_part:
            return
        self._exercise_part = part
        if part == "question" and not view.question.scale.disabled:
            view.question.scale.focus()
        elif part == "guided":
            self._main.set_focus(None)
        self.refresh_bindings()

    @on(GuidedView.Finished, "#room-guided")
    def _room_run_over(self) -> None:
        if self._live:
            self._main.query_one(ExerciseView).arrange_parts()
            self._choose_view()

    @on(FeelingQuestion.Answered)
    async def _feeling_answered(self, event: FeelingQuestion.Answered) -> None:
        run = self._room_run()
        ask = self._asks.get(run.run) if run is not None else None
        if ask is None or ask.status not in ("asking", "problem"):
            return
        ask.status, ask.words, ask.command = "sending", "", new_id()
        self._show_exercise()
        self.refresh_bindings()
        await self.send_command(RateFeeling(id=ask.command, run=ask.run, score=event.score))

    @on(LinkChanged)
    def _link_closed(self, message: LinkChanged) -> None:
        """A refusal goes back to the join view with the hub's words, instead of an alarm toast.

        This runs before HubApp's handler; for a refusal it stops that handler (which would
        raise the same words as a red "Could not connect" toast) and records the status itself.
        """
        if message.status != "closed" or not self._live:
            return
        if self.state.status == "ended" or not message.detail:
            return
        message.prevent_default()
        self.link_status = message.status
        self._joined = False
        self._joining = False
        box = self._main.query_one(ShareBox)
        if self._share_id is not None:
            self._share_id = None
            box.not_sent("Not sent yet. Your words are still here.")
        view = self._main.query_one(JoinView)
        view.reveal_code()
        view.set_busy(False)
        view.tell(
            f"{message.detail}\nYou can change the details above and press Enter to try again.",
            concern=True,
        )
        self._choose_view()
        view.focus_first_empty(otherwise_code=True)

    # -- keys --------------------------------------------------------------------------------

    def _current_ask(self) -> FeelingAsk | None:
        run = self._room_run()
        if run is None or self._main.query_one(ExerciseView).showing != "question":
            return None
        return self._asks.get(run.run)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "hide":
            return not self.hidden
        if action == "unhide":
            return self.hidden
        if not self._views_ready:
            return action not in self._MAIN_ACTIONS
        on_main = self.screen is self._main  # not hidden, not practising alone
        view = self.view
        if action == "send_share":
            return on_main and view == "session"
        if action == "close":
            return on_main and view == "ended"
        if action == "practise":
            return on_main and view != "exercise"
        if action == "rejoin_exercise":
            live = self.state.exercise
            return on_main and view == "session" and live is not None and live.run in self._left
        if action == "leave_exercise":
            showing = self._main.query_one(ExerciseView).showing
            return on_main and view == "exercise" and showing == "guided"
        if action in ("skip_feeling", "close_feeling"):
            ask = self._current_ask() if on_main and view == "exercise" else None
            if ask is None:
                return False
            answering = ask.status in ("asking", "problem")
            return answering if action == "skip_feeling" else not answering
        return True

    def action_hide(self) -> None:
        self.push_screen(HiddenScreen())

    def action_unhide(self) -> None:
        if self.hidden:
            self.pop_screen()

    def action_close(self) -> None:
        self.exit()

    def action_practise(self) -> None:
        self.push_screen(PracticeScreen(self.local_clock), self._practice_closed)

    def _practice_closed(self, result: None) -> None:
        """Back on the main screen: its keys may have changed meanwhile (a room exercise)."""
        self.call_after_refresh(self.refresh_bindings)

    def action_leave_exercise(self) -> None:
        """Step out of the room's exercise. Quietly: nothing is sent, nobody is told."""
        run = self.state.exercise
        if run is not None:
            self._left.add(run.run)
            self._show_exercise()
            self._choose_view()

    def action_rejoin_exercise(self) -> None:
        run = self.state.exercise
        if run is not None:
            self._left.discard(run.run)
            self._show_exercise()
            self._choose_view()

    def action_skip_feeling(self) -> None:
        self._put_question_away()

    def action_close_feeling(self) -> None:
        self._put_question_away()

    def _put_question_away(self) -> None:
        run = self._room_run()
        if run is not None:
            self._dismissed.add(run.run)
            self._show_exercise()
            self._choose_view()

    async def action_send_share(self) -> None:
        box = self._main.query_one(ShareBox)
        if box.waiting:
            box.say("Your share is on its way. Thank you for waiting.")
            return
        problem = box.problem()
        if problem is not None:
            box.say(problem, concern=True)
            return
        self._share_id = new_id()
        box.sending(self.link_status == "online")
        await self.send_command(SubmitShare(id=self._share_id, text=box.text))
