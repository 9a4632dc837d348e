"""The participant terminal: join with a room code and a chosen name, follow the agenda, share.

The join, session and ended views live side by side in one ``ContentSwitcher`` on the main
screen, so a reconnect or a return to the join view never loses what someone has typed. Hiding is
a separate blank screen pushed on top: whatever changes underneath stays underneath.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path, PurePath
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Center, Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, ContentSwitcher, Footer, Input, Label, Static

from client.apps.base import HubApp
from client.connection import DEFAULT_DELAYS, Delays, HubLink, LinkStatus, new_id
from client.messages import LinkChanged
from client.widgets.agenda import AgendaView
from client.widgets.share_box import ShareBox
from client.widgets.status import LinkBanner
from client.widgets.timer import ItemTimer
from shared.commands import PROTOCOL_VERSION, Hello, SubmitShare
from shared.events import Ack, Error, ServerMessage, Welcome
from shared.state import SessionState

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


class ParticipantApp(HubApp):
    """One participant's terminal. All it shows comes from ``state``, built by ``reduce``."""

    TITLE = "circlekeeper"
    CSS_PATH: ClassVar[list[str | PurePath]] = [STYLES / "app.tcss", STYLES / "participant.tcss"]
    ENABLE_COMMAND_PALETTE = False
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f9", "hide", "Hide screen", priority=True),
        Binding("f9", "unhide", "Come back", priority=True),
        Binding("ctrl+s", "send_share", "Send share", priority=True),
        Binding("q", "close", "Close"),
    ]

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
    ) -> None:
        super().__init__(high_contrast=high_contrast, large_text=large_text, clock=clock)
        self.uri = uri
        self.reconnect_delays = reconnect_delays
        self._code = (code or "").strip() or None
        self._name = name.strip() if name is not None else None
        self._joined = False
        self._joining = False
        self._share_id: str | None = None
        self._views_ready = False

    # -- layout ------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with ContentSwitcher(initial="join", id="views"):
            yield JoinView(self._code, self._name, id="join")
            yield SessionView(self.hub_now, id="session")
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
            wanted = "session"
        else:
            wanted = "join"
        switcher = self._main.query_one("#views", ContentSwitcher)
        if switcher.current == wanted:
            return
        switcher.current = wanted
        if wanted == "session":
            self._main.query_one(ShareBox).area.focus()
        elif wanted == "join":
            self._main.query_one(JoinView).focus_first_empty()
        else:
            self._main.set_focus(None)
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
            HubLink(self.uri, hello, reconnect_delays=self.reconnect_delays, clock=self.local_clock)
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
        self._choose_view()

    def watch_link_status(self, status: LinkStatus) -> None:
        if self._live:
            self._show_link(status)

    def _show_link(self, status: LinkStatus) -> None:
        self._main.query_one(LinkBanner).show(status)
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

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "hide":
            return not self.hidden
        if action == "unhide":
            return self.hidden
        if action == "send_share":
            return not self.hidden and self.view == "session"
        if action == "close":
            return not self.hidden and self.view == "ended"
        return True

    def action_hide(self) -> None:
        self.push_screen(HiddenScreen())

    def action_unhide(self) -> None:
        if self.hidden:
            self.pop_screen()

    def action_close(self) -> None:
        self.exit()

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
