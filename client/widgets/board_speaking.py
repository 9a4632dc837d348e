"""Who has the floor, with the speaking timer: on the room board and every participant's screen.

The words are ``client.speaking``'s (the console shows the same) and ``client.following``'s
``floor_words``: the speaker's name, the round's "Turn 3 of 8", the time spoken against the soft
limit, and after it "please finish your thought", after a hard limit "time is up". Never a
hand, a request or a pass: only who speaks now.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from client.following import floor_words
from client.speaking import SPEAKING_WORDS, speaking_words
from shared.state import SessionState

__all__ = ["SpeakingPanel", "speaker_lines"]


def speaker_lines(state: SessionState, now: float, seat: str | None = None) -> tuple[str, str]:
    """(who speaks, and the turn; the timer and its words) at ``now``; ("", "") for nobody.

    ``seat`` is the participant's own seat, so their screen says "You have the floor"."""
    turn = state.speaker
    if turn is None:
        return "", ""
    timer, words = speaking_words(turn, now)
    return floor_words(state, seat), timer if words == SPEAKING_WORDS else f"{timer} · {words}"


class SpeakingPanel(Vertical):
    """Redraws twice a second from the last state it was shown; hidden while nobody speaks."""

    DEFAULT_CSS = """
    SpeakingPanel { height: auto; }
    SpeakingPanel #speaking-who { text-style: bold; }
    SpeakingPanel.-late #speaking-timer { color: $warning; text-style: bold; }
    """

    def __init__(
        self,
        now: Callable[[], float],
        *,
        title: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self._now = now
        self._title = title
        self._state: SessionState | None = None
        self._seat: str | None = None

    def compose(self) -> ComposeResult:
        if self._title:
            yield Static(self._title, classes="panel-title")
        yield Static("", id="speaking-who")
        yield Static("", id="speaking-timer")

    def on_mount(self) -> None:
        self.display = False
        self.set_interval(0.5, self.tick)

    def show(self, state: SessionState, seat: str | None = None) -> None:
        self._state, self._seat = state, seat
        self.tick()

    def tick(self) -> None:
        if self._state is None or not self.is_mounted:
            return
        who, timer = speaker_lines(self._state, self._now(), self._seat)
        self.display = bool(who)
        self.query_one("#speaking-who", Static).update(Text(who))
        self.query_one("#speaking-timer", Static).update(Text(timer))
        self.set_class("·" in timer, "-late")
