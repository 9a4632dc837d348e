"""The check-in view: a check-in question on the whole screen, never behind the share box.

It comes up when a check-in opens (unless the room's exercise is still going, or it is the
check-in about that exercise, which the exercise view shows), stays after it closes with its
published answers, and X puts it away; Ctrl+R brings an open one back.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical

from client.following import CheckinAsk
from client.widgets.exercise_view.checkin import CheckinQuestion
from client.widgets.status import LinkBanner
from shared.state import Checkin

__all__ = ["CheckinView"]


class CheckinView(Vertical):
    """The link line and the question, centred like the exercise view."""

    DEFAULT_CSS = """
    CheckinView { align: center top; overflow-y: auto; }
    CheckinView #checkin-question { width: 100; max-width: 100%; margin: 1 1 0 1; }
    """

    def compose(self) -> ComposeResult:
        yield LinkBanner(id="checkin-banner")
        yield CheckinQuestion(id="checkin-question", classes="panel")

    @property
    def question(self) -> CheckinQuestion:
        return self.query_one(CheckinQuestion)

    def show(
        self,
        checkin: Checkin | None,
        ask: CheckinAsk | None,
        answered: int | None,
        after: str = "",
    ) -> None:
        self.question.show(checkin, ask, answered, after)
