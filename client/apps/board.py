"""The room board: one session, read-only, on a projector or a wall screen.

It joins with the room code in the ``board`` role. The hub sends a board only what is meant for
everyone in the room (never a facilitator's notes, never a pending share) and refuses every
command from it, so nothing typed here could change the session: its only keys are quit and the
two look keys. It shows how to join, the agenda and its countdown, a head count (never names),
who has the floor with the speaking timer (and a round's turn number), a check-in's count while
it is open and its published answers after, the shares shown to the room and the room's guided
exercise, in step with every terminal. Never a raised hand, a private request or a pass: the
hub does not send them to a board.

It gets back in touch by itself after a dropped link. A code the hub does not know closes it at
once with the hub's words (``refused``), so ``circle board`` can print them and exit non-zero.
While no hub answers it says where it looked, why, what to check and when it tries again: under
"getting ready" before it first got in, on its link line after that.
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
from textual.containers import Center, Horizontal, Vertical
from textual.widgets import ContentSwitcher, Static

from client.apps.base import HubApp
from client.connection import DEFAULT_DELAYS, OPEN_TIMEOUT, Delays, LinkStatus
from client.messages import LinkChanged
from client.theme import NEXT_THEME
from client.widgets.agenda import AgendaView
from client.widgets.board_checkin import BoardCheckin, board_checkin
from client.widgets.board_join import JoinPanel
from client.widgets.board_now import NowPanel
from client.widgets.board_shares import RoomShares, newest_first
from client.widgets.board_speaking import SpeakingPanel
from client.widgets.board_status import BoardBanner, PresentCount
from client.widgets.exercise_view import ExerciseView
from client.widgets.key_row import WrappingFooter
from shared.commands import PROTOCOL_VERSION, Hello
from shared.events import Answering, ServerMessage, Welcome
from shared.state import ExerciseRun, SessionState

__all__ = ["ENDED_WORDS", "BoardApp"]

STYLES = Path(__file__).parent.parent / "styles"
GETTING_READY = "The room board is getting ready."
ENDED_WORDS = "This session has ended."
THANKS_WORDS = "Thank you for being here."


class BoardSession(Horizontal):
    """How to join and the agenda on the left; now and the room's shares on the right."""

    def __init__(
        self,
        now: Callable[[], float],
        hub: str | None,
        *,
        join_url: str | None = None,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self._now = now
        self._hub = hub
        self._join_url = join_url

    def compose(self) -> ComposeResult:
        with Vertical(id="board-left"):
            yield JoinPanel(self._hub, join_url=self._join_url, id="board-join")
            with Vertical(id="board-agenda", classes="panel"):
                yield Static("Agenda", classes="panel-title")
                yield AgendaView(show_notes=False, id="agenda")
        with Vertical(id="board-right"):
            yield NowPanel(self._now, id="board-now")
            yield SpeakingPanel(self._now, title="Speaking", id="board-speaking", classes="panel")
            yield BoardCheckin(id="board-checkin", classes="panel")
            yield RoomShares(id="board-shares", classes="panel")

    def show(self, state: SessionState, answering: dict[int, int] | None = None) -> None:
        """The room's state; ``answering``: how many have answered each open check-in."""
        self.query_one(JoinPanel).show(state.code)
        self.query_one(AgendaView).show(state)
        self.query_one(NowPanel).show(state)
        self.query_one(SpeakingPanel).show(state)
        checkin = board_checkin(state, self._now())
        answered = None if checkin is None else (answering or {}).get(checkin.number, 0)
        self.query_one(BoardCheckin).show(checkin, answered)
        self.set_class(checkin is not None, "-checkin")
        self.query_one(RoomShares).show(newest_first(state))


class BoardMessage(Vertical):
    """A few calm words in the middle of the screen (getting ready, or the end)."""

    def __init__(self, *lines: str, id: str | None = None) -> None:
        super().__init__(id=id, classes="board-message")
        self._lines = lines

    def compose(self) -> ComposeResult:
        with Center(), Vertical(classes="panel board-message-panel"):
            for number, line in enumerate(self._lines):
                yield Static(line, classes="board-words" if number == 0 else "hint")
            note = Static("", classes="hint board-note")
            note.display = False
            yield note

    def note(self, words: str) -> None:
        """A changing line under the words (why the hub is out of reach); hidden when empty."""
        note = self.query_one(".board-note", Static)
        note.update(Text(words))
        note.display = bool(words)


class BoardApp(HubApp):
    """The board. Everything it shows comes from ``state`` (built by ``reduce``) and the clock."""

    TITLE = "circlekeeper board"
    CSS_PATH: ClassVar[list[str | PurePath]] = [STYLES / "app.tcss", STYLES / "board.tcss"]
    ENABLE_COMMAND_PALETTE = False
    AUTO_FOCUS: ClassVar[str | None] = None
    """Nothing here takes keys; a focused widget would only draw a cursor on the wall."""
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "Quit", priority=True),
        NEXT_THEME,
    ]

    def __init__(
        self,
        uri: str,
        code: str | None = None,
        *,
        join_hub: str | None = None,
        reconnect_delays: Delays = DEFAULT_DELAYS,
        clock: Callable[[], float] | None = None,
        high_contrast: bool = False,
        large_text: bool = False,
        tls: ssl.SSLContext | None = None,
        open_timeout: float = OPEN_TIMEOUT,
        join_url: str | None = None,
    ) -> None:
        """``join_hub`` is the hub to name in the join line (None: the default hub, not named);
        ``join_url`` a browser address to join at (``circle web``), shown with a QR code.

        Without a ``code`` the board does not connect: pictures and tests feed it frames.
        """
        super().__init__(
            uri,
            reconnect_delays=reconnect_delays,
            open_timeout=open_timeout,
            high_contrast=high_contrast,
            large_text=large_text,
            clock=clock,
            tls=tls,
        )
        self.join_hub = join_hub
        self.join_url = join_url
        self.refused: str | None = None
        """The hub's words when it turned this board away before letting it in."""
        self._link_detail = ""
        self._followed: set[int] = set()
        self._views_ready = False
        if code is not None and code.strip():
            hello = Hello(protocol=PROTOCOL_VERSION, role="board", code=code.strip())
            self.link = self.new_link(hello)

    # -- layout ------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield BoardBanner(id="board-banner")
        with Horizontal(id="board-head"):
            yield Static("", id="board-title")
            yield PresentCount("", id="board-present")
        with ContentSwitcher(initial="connecting", id="board-views"):
            yield BoardMessage(GETTING_READY, id="connecting")
            yield BoardSession(self.hub_now, self.join_hub, join_url=self.join_url, id="session")
            yield ExerciseView(self.hub_now, read_only=True, id="exercise")
            yield BoardMessage(ENDED_WORDS, THANKS_WORDS, id="ended")
        yield WrappingFooter()

    def on_mount(self) -> None:
        super().on_mount()
        self._views_ready = True
        self._show_state(self.state)
        self._show_link(self.link_status)

    @property
    def view(self) -> str:
        return self.query_one("#board-views", ContentSwitcher).current or "connecting"

    @property
    def _live(self) -> bool:
        """The views exist and are not being torn down (frames can still arrive at exit)."""
        return self._views_ready and self.is_running

    # -- state -------------------------------------------------------------------------------

    def watch_state(self, state: SessionState) -> None:
        if self._live:
            self._show_state(state)

    def _show_state(self, state: SessionState) -> None:
        self.query_one("#board-title", Static).update(Text(state.title))
        present = self.query_one(PresentCount)
        present.show(state.present)
        present.display = state.status in ("lobby", "running")
        self.query_one(BoardSession).show(state, self.mirror.answering)
        run = self._room_run(state)
        self.query_one(ExerciseView).show(run)
        if state.status == "new":
            wanted = "connecting"
        elif state.status == "ended":
            wanted = "ended"
        else:
            wanted = "exercise" if run is not None else "session"
        self.query_one("#board-views", ContentSwitcher).current = wanted
        self._show_link(self.link_status)

    def _room_run(self, state: SessionState) -> ExerciseRun | None:
        """The room's exercise while it goes on, and its "Done" words until it is closed.

        A run that was already over when this board first saw it is not shown at all.
        """
        run = state.exercise
        if run is None or state.status != "running":
            return None
        if run.run not in self._followed:
            if run.position(self.hub_now()).finished:
                return None
            self._followed.add(run.run)
        return run

    def on_frame(self, frame: ServerMessage) -> None:
        if isinstance(frame, Welcome):
            self._link_detail = ""
        elif isinstance(frame, Answering) and self._live:
            self.query_one(BoardSession).show(self.state, self.mirror.answering)

    # -- the link ----------------------------------------------------------------------------

    def watch_link_status(self, status: LinkStatus) -> None:
        if self._live:
            self._show_link(status)

    def watch_retry_note(self) -> None:
        if self._live:
            self._show_link(self.link_status)

    def _show_link(self, status: LinkStatus) -> None:
        banner = self.query_one(BoardBanner)
        note = self.retry_note if status in ("connecting", "reconnecting") else ""
        getting_ready = self.view == "connecting"
        self.query_one("#connecting", BoardMessage).note(note if getting_ready else "")
        if self.state.status == "ended":
            banner.show("online")  # nothing left to follow: no line about the link
        elif getting_ready and note:
            banner.show("online")  # the words in the middle say it all
        elif status == "closed":
            banner.show(status, self._link_detail)
        else:
            banner.show(status, note)

    @on(LinkChanged)
    def _link_closed(self, message: LinkChanged) -> None:
        """The hub turned the board away: say so calmly, never as a red toast on a wall.

        Before any welcome (a wrong code) the board closes, keeping the hub's words in
        ``refused`` for the command line. After one (the session is gone while the link was
        down) it stays up with the words on its link line. This runs before HubApp's handler
        and stops it.
        """
        if message.status != "closed" or not message.detail:
            return
        message.prevent_default()
        if self.welcome is None:
            self.refused = message.detail
            self.exit(return_code=1)
            return
        self._link_detail = message.detail
        self.set_link(message)
