"""The participant terminal's app: the join, session, exercise and ended views on one main screen.

The views live side by side in one ``ContentSwitcher``, so a reconnect or a return to the join
view never loses what someone has typed. Which view shows, which room exercise is followed and
what the share box offers are ``client.following``'s answers; this module turns them into
widgets, keys and commands.
"""

from __future__ import annotations

import ssl
from collections.abc import Callable
from pathlib import Path, PurePath
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Button, ContentSwitcher, Input, Static

from client import credentials
from client.apps.base import HubApp
from client.apps.participant.checkin import CheckinView
from client.apps.participant.ended import EndedView
from client.apps.participant.hidden import HiddenScreen
from client.apps.participant.join import JoinView
from client.apps.participant.kiosk import (
    CLEARED_BY_FACILITATOR,
    CLEARED_HERE,
    ENDED_CLEARED,
    LEFT_CLEARED,
    ConfirmDone,
    wipe_terminal,
)
from client.apps.participant.large import StepDigits
from client.apps.participant.practice import PracticeScreen
from client.apps.participant.session import SessionView
from client.connection import DEFAULT_DELAYS, OPEN_TIMEOUT, Delays, LinkStatus, new_id
from client.following import Following, hand_words, hello_fits, request_words
from client.messages import FrameReceived, LinkChanged
from client.mirror import SessionMirror
from client.theme import NEXT_THEME
from client.widgets.crisis import CrisisScreen
from client.widgets.exercise_view import CheckinQuestion, ExerciseView, GuidedView
from client.widgets.key_row import WrappingFooter
from client.widgets.participant_forms import HandNoticeScreen, TalkRequestScreen
from client.widgets.share_box import ShareBox
from client.widgets.status import LinkBanner
from shared.commands import (
    PROTOCOL_VERSION,
    AnswerCheckin,
    Hello,
    PassTurn,
    RaiseHand,
    RequestTalk,
    SubmitShare,
)
from shared.crisis import DEFAULT_LOCALE
from shared.decide import ENDED, clean_name
from shared.events import Ack, Answering, Error, Logged, ServerMessage, TerminalCleared, Welcome
from shared.state import SessionState

__all__ = ["STYLES", "ParticipantApp"]

STYLES = Path(__file__).resolve().parents[2] / "styles"
"""Absolute, so the styles are found whichever file a subclass lives in."""
CODE_TOO_LONG = "That looks longer than a room code. Please check it with your facilitator."
JOINING = "Joining…"
TRY_AGAIN = "You can change the details above and press Enter to try again."
ENDED_NEXT = (
    "If your group is meeting now, please ask your facilitator for the code to use, "
    "type it above and press Enter."
)
"""After the hub's "This session has ended.": the same code would only be refused again."""
CLEARED_NOTE_SECONDS = 60.0

PASS_WORDS = (
    "It is your turn. You can speak, or pass with Ctrl+P. Only the facilitator will know you "
    "passed; the room just sees the next turn."
)


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
        Binding("ctrl+g", "crisis", "Crisis help", priority=True),
        Binding("ctrl+s", "send_share", "Send share", priority=True),
        Binding("ctrl+r", "rejoin_exercise", "Back to the exercise", priority=True),
        Binding("ctrl+r", "back_to_checkin", "Back to the check-in", priority=True),
        Binding("ctrl+t", "raise_hand", "Raise hand", priority=True),
        Binding("ctrl+t", "lower_hand", "Lower hand", priority=True),
        Binding("ctrl+p", "pass_turn", "Pass my turn", priority=True),
        Binding("ctrl+l", "request_talk", "Talk after group", priority=True),
        Binding("x", "leave_exercise", "Leave exercise"),
        Binding("x", "put_away", "Back to the session"),
        Binding("ctrl+o", "practise", "Practise on your own", priority=True),
        Binding("q", "close", "Close"),
        Binding("ctrl+e", "done", "Leave", priority=True),
        NEXT_THEME,
    ]
    _MAIN_ACTIONS: ClassVar[frozenset[str]] = frozenset(
        {
            "send_share",
            "close",
            "practise",
            "rejoin_exercise",
            "back_to_checkin",
            "raise_hand",
            "lower_hand",
            "pass_turn",
            "request_talk",
            "leave_exercise",
            "put_away",
            "done",
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
        open_timeout: float = OPEN_TIMEOUT,
        kiosk: bool = False,
    ) -> None:
        super().__init__(
            uri,
            reconnect_delays=reconnect_delays,
            open_timeout=open_timeout,
            high_contrast=high_contrast,
            large_text=large_text,
            clock=clock,
            tls=tls,
        )
        self._code = (code or "").strip() or None
        self._name = name.strip() if name is not None else None
        self._joining = False
        self._share_id: str | None = None
        self._views_ready = False
        self._pass_id: str | None = None
        self.following = Following()
        """What this terminal did on its own (joined, stepped out, put a question away); kept
        here only, never sent."""
        self._exercise_part: str | None = None
        self.kiosk = kiosk
        """A terminal people use in turn: it keeps no seat, and clears itself for the next
        person when the session ends, when they leave, or when the facilitator asks."""
        self._clearing = False
        self._cleared_note = ""
        """Said under "Now" for a while after the facilitator cleared this (not kiosk) screen."""

    # -- layout ------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield self._views()
        yield WrappingFooter()

    def _views(self) -> ContentSwitcher:
        """The views, new and empty but for the code and name the terminal was started with."""
        return ContentSwitcher(
            JoinView(self._code, self._name, id="join"),
            SessionView(self.hub_now, id="session"),
            Vertical(
                StepDigits(self.hub_now, id="big-step"),
                ExerciseView(self.hub_now, id="room-exercise"),
                id="exercise",
            ),
            CheckinView(id="checkin"),
            EndedView(id="ended"),
            initial="join",
            id="views",
        )

    def on_mount(self) -> None:
        super().on_mount()
        self._views_ready = True
        self._show_state(self.state)
        self._show_link(self.link_status)
        join = self._main.query_one(JoinView)
        join.focus_first_empty()
        if self._code and (self._name or credentials.seat(self.uri, self._code)):
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
        """The view on screen ("join" while a kiosk rebuilds its views)."""
        switchers = self._main.query("#views").results(ContentSwitcher)
        return next((s.current for s in switchers if s.current), "join")

    def _choose_view(self) -> None:
        if self._clearing:  # the views are being rebuilt for the next person
            return
        wanted = self.following.view(self.state, self.hub_now())
        switcher = self._main.query_one("#views", ContentSwitcher)
        if switcher.current == wanted:
            self._sync_exercise_part()
            return
        switcher.current = wanted
        if wanted == "session":
            self._main.query_one(ShareBox).area.focus()
        elif wanted == "join":
            self._main.query_one(JoinView).focus_first_empty()
        elif wanted == "checkin":
            self._main.set_focus(None)
            self.call_after_refresh(self._focus_answer, self._main.query_one(CheckinView).question)
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
        if self._joining or self.following.joined:
            return  # a second link would join a second time
        view = self._main.query_one(JoinView)
        code = "".join(self._main.query_one("#code", Input).value.split())
        if not code:
            view.reveal_code()
            view.tell("Please type the room code your facilitator gave you.", concern=True)
            self._main.query_one("#code", Input).focus()
            return
        if not hello_fits(Hello(protocol=PROTOCOL_VERSION, role="participant", code=code)):
            view.reveal_code()
            view.tell(CODE_TOO_LONG, concern=True)
            return
        kept = credentials.seat(self.uri, code)
        if kept is not None:  # this terminal has a seat in that session: back to it
            hello = Hello(
                protocol=PROTOCOL_VERSION,
                role="participant",
                code=code,
                session=kept.session,
                token=kept.token,
            )
        else:
            name = clean_name(self._main.query_one("#name", Input).value)
            if isinstance(name, Error):  # the hub would say the same, after a round trip
                view.tell(name.detail, concern=True)
                self._main.query_one("#name", Input).focus()
                return
            hello = Hello(protocol=PROTOCOL_VERSION, role="participant", code=code, name=name)
        self._joining = True
        view.set_busy(True)
        view.tell(JOINING)
        self.connect_to(self.new_link(hello))

    # -- the hub -----------------------------------------------------------------------------

    @property
    def _live(self) -> bool:
        """The views exist and are not being torn down (frames can still arrive at exit)."""
        return self._views_ready and self.is_running and not self._stale_link

    @property
    def _stale_link(self) -> bool:
        """A kiosk being cleared, or cleared and not joined again: what the old link still
        delivers belongs to the person who left."""
        return self.kiosk and (self._clearing or self.link is None)

    def watch_state(self, state: SessionState) -> None:
        if self._live:
            self._show_state(state)

    def _keep_seat(self, state: SessionState) -> None:
        """A seat lasts as long as its session: kept while it runs, forgotten when it ends."""
        welcome = self.welcome
        if welcome is None or welcome.role != "participant":
            return
        if state.status == "ended" or self.kiosk:  # a kiosk's next person is someone else
            credentials.forget_seat(self.uri)
        elif state.code:
            seat = credentials.Seat(welcome.session_id, welcome.token, state.code)
            credentials.save_seat(self.uri, seat)

    def _show_state(self, state: SessionState) -> None:
        self._keep_seat(state)
        if self.kiosk and state.status == "ended" and self.following.joined:
            self._clear_soon(ENDED_CLEARED)
            return
        self._note_exercise(state)
        self._main.query_one(SessionView).show(state, self.following.seat, self._floor_note())
        self._show_exercise()
        self._show_checkin()
        self._choose_view()
        self.refresh_bindings()  # what the rules allow (sharing, say) follows the state

    def watch_link_status(self, status: LinkStatus) -> None:
        if self._live:
            self._show_link(status)

    def watch_retry_note(self) -> None:
        if self._live:
            self._show_link(self.link_status)

    def _show_link(self, status: LinkStatus) -> None:
        note = self.retry_note if status in ("connecting", "reconnecting") else ""
        for banner in self._main.query(LinkBanner):
            banner.show(status, note)
        self._main.query_one(ShareBox).link_changed(status == "online")
        if self._joining:  # no hub yet: why, under the join form, instead of "Joining…"
            self._main.query_one(JoinView).tell(note or JOINING, concern=bool(note))

    def on_frame(self, frame: ServerMessage) -> None:
        if not self._live:
            return
        if isinstance(frame, Welcome):
            self.following.join(frame.participant)
            self._joining = False
            self._main.query_one(JoinView).set_busy(False)
            self._main.query_one(JoinView).tell("")
            self._choose_view()
        elif isinstance(frame, Answering):
            self._show_exercise()
            self._show_checkin()
        elif isinstance(frame, Ack) and frame.command == self._share_id:
            self._share_id = None
            self._main.query_one(ShareBox).received()
        elif isinstance(frame, Error) and frame.command == self._share_id:
            self._share_id = None
            self._main.query_one(ShareBox).not_sent(frame.detail)
        elif isinstance(frame, Logged) and isinstance(frame.event, TerminalCleared):
            self._cleared_by_facilitator(frame.event)
        elif isinstance(frame, Ack | Error) and frame.command == self._pass_id:
            self._pass_id = None
            if isinstance(frame, Ack):
                self._show_state(self.state)
            else:
                self.following.passed = None
        elif isinstance(frame, Ack) and (ask := self.following.ask_for(frame.command)) is not None:
            ask.taken()
            self._show_exercise()
            self._show_checkin()
            self.refresh_bindings()

    def _cleared_by_facilitator(self, event: TerminalCleared) -> None:
        if event.participant != self.following.seat:
            return
        if self.kiosk:  # also when it comes in a replay: the kiosk was away when asked
            self._clear_soon(CLEARED_BY_FACILITATOR)
        elif self.mirror.caught_up:  # said once, not again after each reconnect
            wipe_terminal(self)
            self._cleared_note = CLEARED_HERE
            self._show_state(self.state)
            self.set_timer(CLEARED_NOTE_SECONDS, self._forget_cleared_note)

    def _forget_cleared_note(self) -> None:
        self._cleared_note = ""
        if self._live:
            self._show_state(self.state)

    # -- a kiosk: clear everything for the next person --------------------------------------

    def _clear_soon(self, words: str) -> None:
        if not self._clearing:
            self._clearing = True
            self.run_worker(self.clear_for_next(words), group="kiosk", exclusive=True)

    async def clear_for_next(self, words: str) -> None:
        """Forget the person who sat here, then show the join view with ``words`` under it.

        The link is closed first and everything it still delivers is dropped (``_stale``);
        then the mirror, what the terminal did on its own, every view (what was typed in
        the share box or a check-in goes with its widget), every screen on top, the toasts,
        the kept seat, and the terminal's screen and scrollback.
        """
        self._clearing = True
        link, self.link = self.link, None
        if link is not None:
            await link.close()
        credentials.forget_seat(self.uri)
        self.mirror = SessionMirror()
        self.following = Following()
        self._joining = False
        self._share_id = self._pass_id = self._exercise_part = None
        if self._code is not None and self.state.status == "ended":
            self._code = None  # the code of an ended session lets nobody in
        self._name = None
        self.clear_notifications()
        while len(self.screen_stack) > 1:
            await self.pop_screen()
        self._views_ready = False  # keys and timers leave the views alone while they go
        views = self._main.query_one("#views", ContentSwitcher)
        # Out of the screen's layout before it goes: a repaint between its removal and the
        # next layout would draw the half-removed share box (and Textual 8 raises on that).
        views.display = False
        self._main.refresh(layout=True)
        await views.remove()
        await self._main.mount(self._views(), before=self._main.query_one(WrappingFooter))
        self._views_ready = True
        self._clearing = False
        self.state = self.mirror.state
        self.link_status = "connecting"
        join = self._main.query_one(JoinView)
        join.tell(words)
        join.focus_first_empty()
        wipe_terminal(self)
        self.refresh_bindings()

    def action_done(self) -> None:
        self.push_screen(ConfirmDone(), self._done_answered)

    def _done_answered(self, leave: bool | None) -> None:
        if leave:
            self._clear_soon(LEFT_CLEARED)

    @on(FrameReceived)
    @on(LinkChanged)
    def _stale(self, message: FrameReceived | LinkChanged) -> None:
        """What an old link of a kiosk still delivers goes nowhere (not into the new mirror)."""
        if self._stale_link:
            message.prevent_default()

    @on(FrameReceived)
    def _answer_refused(self, message: FrameReceived) -> None:
        """The hub could not take a check-in answer: its words go calmly under the question.

        This runs before HubApp's handler and stops it, which would raise the same words as a
        "Not done" warning toast. An error changes no state, so nothing else is skipped.
        """
        frame = message.frame
        if not (isinstance(frame, Error) and self._live):
            return
        ask = self.following.ask_for(frame.command)
        if ask is None:
            return
        message.prevent_default()
        ask.refused(frame.detail)
        self._show_exercise()
        self._show_checkin()
        self.call_after_refresh(self._focus_answer, self._shown_question())
        self.refresh_bindings()

    # -- the room's exercise -----------------------------------------------------------------

    def _note_exercise(self, state: SessionState) -> None:
        """Follow a run this terminal sees running; someone practising alone hears of it."""
        asked = self.following.note_checkin(state)
        away = self.screen is not self._main and not self.hidden
        if asked is not None and away and isinstance(self.screen, PracticeScreen):
            self.notify(
                "The facilitator has opened a check-in. "
                "Leave your practice whenever you are ready to answer.",
                title="In the room",
            )
        started = self.following.note(state, self.hub_now())
        if started is not None and away:
            self.notify(
                f"The group has started {started.exercise.title}. "
                "Leave your practice whenever you are ready to join in.",
                title="In the room",
            )

    def _answered(self) -> int | None:
        """How many have answered the check-in shown, as the hub last told everyone."""
        shown = self.following.checkin(self.state)
        if shown is None or not shown.open:
            return None
        return self.mirror.answering.get(shown.number, 0)

    def _show_exercise(self) -> None:
        following = self.following
        view = self._main.query_one(ExerciseView)
        shown, ask = following.checkin(self.state), following.ask(self.state)
        run = following.room_run(self.state)
        view.show(run, shown, ask, self._answered())
        self._main.query_one(StepDigits).show_run(run)
        out = following.stepped_out(self.state)
        hint = self._main.query_one("#exercise-hint", Static)
        if out is not None:
            hint.update(
                Text(
                    f"The room is doing {out.exercise.title}. "
                    "Press Ctrl+R to join in again whenever you like."
                )
            )
        hint.display = out is not None

    def _show_checkin(self) -> None:
        """The check-in shown on its own view (the exercise view shows the one about its run)."""
        shown = self.following.checkin(self.state)
        if shown is None:
            return
        run = self.state.run(shown.run) if shown.run is not None else None
        after = run.exercise.title if run is not None else ""
        view = self._main.query_one(CheckinView)
        view.show(shown, self.following.ask(self.state), self._answered(), after)

    def _shown_question(self) -> CheckinQuestion | None:
        if self.view == "checkin":
            return self._main.query_one(CheckinView).question
        exercise = self._main.query_one(ExerciseView)
        if self.view == "exercise" and exercise.showing == "question":
            return exercise.question
        return None

    def _focus_answer(self, question: CheckinQuestion | None) -> None:
        """Put the keys on the answer row (once it is mounted), if it takes an answer."""
        row = None if question is None else question.answer
        if (
            self._live
            and row is not None
            and not row.disabled
            and question is self._shown_question()
        ):
            row.focus()
        self.refresh_bindings()

    def _floor_note(self) -> str:
        """What concerns only this participant: their hand, their turn, their request."""
        state, following = self.state, self.following
        speaker = state.speaker
        if speaker is None or speaker.turn is None:
            following.passed = None  # the round is over: nothing to remind
        lines = [self._cleared_note, hand_words(state, following.seat)]
        if following.can_pass(state):
            lines.append(PASS_WORDS)
        lines.append(following.passed_words(state))
        lines.append(request_words(state))
        if following.waiting_checkin(state) is not None:
            lines.append("A check-in is open. Press Ctrl+R to answer it.")
        return "\n".join(line for line in lines if line)

    def _sync_exercise_part(self) -> None:
        """When the guided part gives way to the question: put the keys there and update them."""
        view = self._main.query_one(ExerciseView)
        part = view.showing if self.view == "exercise" else None
        if part == self._exercise_part:
            return
        self._exercise_part = part
        if part == "question":
            self.call_after_refresh(self._focus_answer, view.question)
        elif part == "guided":
            self._main.set_focus(None)
        self.refresh_bindings()

    @on(GuidedView.Finished, "#room-guided")
    def _room_run_over(self) -> None:
        if self._live:
            self._main.query_one(ExerciseView).arrange_parts()
            self._choose_view()
            self.refresh_bindings()  # X now goes back to the session

    @on(CheckinQuestion.Answered)
    async def _checkin_answered(self, event: CheckinQuestion.Answered) -> None:
        ask = self.following.asks.get(event.checkin)
        shown = self.state.checkin(event.checkin)
        if ask is None or not ask.answering or shown is None or not shown.open:
            return
        ask.sent(event.value, new_id())
        self._show_exercise()
        self._show_checkin()
        self.refresh_bindings()
        assert ask.command is not None
        await self.send_command(
            AnswerCheckin(id=ask.command, checkin=event.checkin, value=event.value)
        )

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
        credentials.forget_seat(self.uri)  # a seat the hub refused is gone: join afresh next
        self._joining = False
        self.set_link(message)
        self.following.part()
        box = self._main.query_one(ShareBox)
        if self._share_id is not None:
            self._share_id = None
            box.not_sent("Not sent yet. Your words are still here.")
        view = self._main.query_one(JoinView)
        view.reveal_code()
        view.set_busy(False)
        after = ENDED_NEXT if message.detail == ENDED else TRY_AGAIN
        view.tell(f"{message.detail}\n{after}", concern=True)
        self._choose_view()
        view.focus_first_empty(otherwise_code=True)

    # -- keys --------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "hide":
            return not self.hidden
        if action == "unhide":
            return self.hidden
        if action == "crisis":
            return not isinstance(self.screen, CrisisScreen)
        if not self._views_ready:
            return action not in self._MAIN_ACTIONS
        on_main = self.screen is self._main  # not hidden, not practising alone
        view = self.view
        state, following = self.state, self.following
        in_session = on_main and view == "session" and state.status != "ended"
        if action == "send_share":
            return on_main and view == "session" and self._share_open()
        if action == "close":
            return on_main and view == "ended" and not self.kiosk
        if action == "done":
            return self.kiosk and on_main and view != "join" and not self._clearing
        if action == "practise":
            return on_main and view not in ("exercise", "checkin")
        stepped_out = following.stepped_out(state) is not None
        if action == "rejoin_exercise":
            return in_session and stepped_out
        if action == "back_to_checkin":
            return in_session and not stepped_out and following.waiting_checkin(state) is not None
        if action == "raise_hand":
            return in_session and not following.hand_up(state) and not following.my_turn(state)
        if action == "lower_hand":
            return in_session and following.hand_up(state)
        if action == "pass_turn":
            return in_session and following.can_pass(state) and self._pass_id is None
        if action == "request_talk":
            return in_session and not following.request_open(state)
        if action == "leave_exercise":
            exercise = self._main.query_one(ExerciseView)
            return on_main and view == "exercise" and not exercise.guided.over
        if action == "put_away":
            exercise = self._main.query_one(ExerciseView)
            over = view == "exercise" and exercise.guided.over
            return on_main and (over or view == "checkin")
        return True

    def _share_open(self) -> bool:
        return self.following.share_open(self.state, self.hub_now())

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
        self.following.leave(self.state)
        self._show_exercise()
        self._choose_view()

    def action_rejoin_exercise(self) -> None:
        self.following.rejoin(self.state)
        self._show_exercise()
        self._choose_view()

    def action_put_away(self) -> None:
        """Back to the session: the exercise that is over, or the check-in, goes behind it
        (an open check-in can be brought back with Ctrl+R)."""
        self.following.put_away(self.state)
        self._show_state(self.state)

    def action_back_to_checkin(self) -> None:
        self.following.back_to_checkin(self.state)
        self._show_state(self.state)

    def action_crisis(self) -> None:
        """The crisis screen: read from the welcome (or the default line), nothing sent."""
        welcome = self.welcome
        facility = welcome.crisis if welcome is not None else ""
        locale = welcome.locale if welcome is not None else DEFAULT_LOCALE
        self.push_screen(CrisisScreen(facility, locale))

    async def action_raise_hand(self) -> None:
        if not self.following.hand_explained:
            self.push_screen(HandNoticeScreen(), self._hand_notice_read)
            return
        await self.send_command(RaiseHand(id=new_id(), raised=True))

    async def _hand_notice_read(self, raise_it: bool | None) -> None:
        if raise_it:
            self.following.hand_explained = True
            await self.send_command(RaiseHand(id=new_id(), raised=True))

    async def action_lower_hand(self) -> None:
        await self.send_command(RaiseHand(id=new_id(), raised=False))

    async def action_pass_turn(self) -> None:
        speaker = self.state.speaker
        if speaker is None or not self.following.can_pass(self.state):
            return
        self._pass_id = new_id()
        self.following.passed = speaker.turn
        self.refresh_bindings()
        await self.send_command(PassTurn(id=self._pass_id))

    def action_request_talk(self) -> None:
        self.push_screen(TalkRequestScreen(), self._request_written)

    async def _request_written(self, note: str | None) -> None:
        if note is not None:
            await self.send_command(RequestTalk(id=new_id(), note=note))

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
