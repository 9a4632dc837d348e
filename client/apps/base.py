"""What every circlekeeper app shares: the hub link worker, the session mirror, the theme."""

from __future__ import annotations

import ssl
import time
from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

from textual import on, work
from textual._path import CSSPathType  # where Textual defines it; textual.app does not export it
from textual.reactive import reactive
from textual.timer import Timer

from client.connection import (
    DEFAULT_DELAYS,
    OPEN_TIMEOUT,
    Delays,
    HubLink,
    LinkStatus,
    Refused,
    Retry,
    Untrusted,
)
from client.messages import FrameReceived, LinkChanged
from client.mirror import SessionMirror
from client.theme import ReadableApp
from client.widgets.status import retry_words
from shared.commands import AnyCommand, CreateSession, Hello
from shared.events import Error, ServerMessage, Welcome
from shared.state import SessionState

STYLES = Path(__file__).parent.parent / "styles"
NARROW_BELOW = 100
SHORT_BELOW = 30
WIDTH_CLASSES: list[tuple[int, str]] = [(0, "-narrow"), (NARROW_BELOW, "-wide")]
HEIGHT_CLASSES: list[tuple[int, str]] = [(0, "-short"), (SHORT_BELOW, "-tall")]
"""Every screen of every app gets ``-narrow`` below 100 columns and ``-short`` below 30 rows
(``-wide`` and ``-tall`` otherwise), for the styles to fit an 80×24 terminal. Textual sets them
on each screen as the terminal is resized."""


class HubApp(ReadableApp):
    """Owns the connection (a worker on the App, so it outlives screen changes) and the state.

    ``state`` is only ever the mirror's (``reduce`` over the logged events); widgets watch it.
    """

    CSS_PATH: ClassVar[CSSPathType | None] = [STYLES / "app.tcss"]
    """Absolute: Textual resolves a relative path from the subclass's file."""
    HORIZONTAL_BREAKPOINTS = WIDTH_CLASSES
    VERTICAL_BREAKPOINTS = HEIGHT_CLASSES
    state: reactive[SessionState] = reactive(SessionState, always_update=True)
    link_status: reactive[LinkStatus] = reactive[LinkStatus]("connecting")
    retry_note: reactive[str] = reactive("")
    """While no hub answers: where it was looked for, why it was not found, what to check and
    a countdown to the next try (``retry_words``), current to the second; "" otherwise."""

    def __init__(
        self,
        uri: str,
        *,
        reconnect_delays: Delays = DEFAULT_DELAYS,
        open_timeout: float = OPEN_TIMEOUT,
        high_contrast: bool = False,
        large_text: bool = False,
        clock: Callable[[], float] | None = None,
        tls: ssl.SSLContext | None = None,
    ) -> None:
        super().__init__(high_contrast=high_contrast, large_text=large_text)
        self.uri = uri
        self.reconnect_delays = reconnect_delays
        self.open_timeout = open_timeout
        self.link: HubLink | None = None
        self.tls = tls
        """Whom to trust for a ``wss://`` hub (``--cafile``); None: the system's authorities."""
        self.mirror = SessionMirror()
        self.local_clock: Callable[[], float] = clock or time.time
        """This terminal's clock (tests inject one); give it to every HubLink the app makes."""
        self._retry: Retry | None = None
        self._countdown: Timer | None = None

    def on_mount(self) -> None:
        if self.link is not None:
            self.run_hub()

    def new_link(self, handshake: CreateSession | Hello) -> HubLink:
        """A link to this app's hub, opened with ``handshake``; every link the app makes."""
        return HubLink(
            self.uri,
            handshake,
            reconnect_delays=self.reconnect_delays,
            clock=self.local_clock,
            ssl=self.tls,
            open_timeout=self.open_timeout,
        )

    def connect_to(self, link: HubLink) -> None:
        self.link = link
        self.run_hub()

    @property
    def welcome(self) -> Welcome | None:
        """The hub's latest welcome: who we are in the session, and its code."""
        return self.mirror.welcome

    def hub_now(self) -> float:
        """The hub's clock as best we know it; timers count from the hub's timestamps."""
        return self.link.hub_now() if self.link is not None else self.local_clock()

    @work(exclusive=True, group="hub", exit_on_error=False)
    async def run_hub(self) -> None:
        link = self.link
        assert link is not None

        def received(frame: ServerMessage) -> None:
            self.post_message(FrameReceived(frame))

        def changed(status: LinkStatus, detail: str) -> None:
            self.post_message(LinkChanged(status, detail, link.retry))

        try:
            await link.run(received, changed)
        except (Refused, Untrusted):
            pass  # the link has already reported "closed" with the reason

    @on(FrameReceived)
    def _apply(self, message: FrameReceived) -> None:
        frame = message.frame
        if self.mirror.apply(frame):
            self.state = self.mirror.state
        if isinstance(frame, Error):
            self.notify(frame.detail, title="Not done", severity="warning")
        elif isinstance(frame, Welcome):
            self.clear_notifications()  # "could not connect" and the like are over: we are in
        self.on_frame(frame)

    def on_frame(self, frame: ServerMessage) -> None:
        """Hook for apps that react to a frame beyond the state (e.g. a confirmation)."""

    @on(LinkChanged)
    def _link_changed(self, message: LinkChanged) -> None:
        self.set_link(message)
        if message.status == "closed" and message.detail:
            self.notify(message.detail, title="Could not connect", severity="error", timeout=30)

    def set_link(self, message: LinkChanged) -> None:
        """Take the link's status, and its retry while it waits to try again.

        Apps whose own ``LinkChanged`` handler stops this class's call it themselves. The retry
        words are set before the status, so whatever watches the status draws them current.
        """
        waiting = message.status in ("connecting", "reconnecting")
        self._retry = message.retry if waiting else None
        if self._countdown is not None:
            self._countdown.stop()
            self._countdown = None
        if self._retry is not None:
            self._countdown = self.set_interval(1.0, self._count_down)
        self._count_down()
        self.link_status = message.status

    def _count_down(self) -> None:
        retry = self._retry
        self.retry_note = "" if retry is None else retry_words(retry, self.local_clock())

    async def send_command(self, command: AnyCommand) -> None:
        if self.link is not None:
            await self.link.send(command)

    async def on_unmount(self) -> None:
        if self.link is not None:
            await self.link.close()
