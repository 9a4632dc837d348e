"""The room's exercise on a participant's terminal, then the check-in about it ("How do you feel
now?") once the facilitator asks it; the room board shows the guided part alone."""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from textual.app import ComposeResult
from textual.containers import Vertical

from client.following import CheckinAsk
from client.widgets.exercise_view.checkin import CheckinQuestion
from client.widgets.exercise_view.guided import GuidedView
from client.widgets.status import LinkBanner
from shared.state import Checkin, ExerciseRun

__all__ = ["BOARD_NOTE", "ExerciseView"]

BOARD_NOTE = "Everyone in the room follows the same timer. Join in as much as feels right."
"""The room board's note: an invitation, with no key to press."""


class ExerciseView(Vertical):
    """The room's exercise on a participant's terminal, then the check-in asked about it.

    Once the run is over its "Done" words stay until the participant goes back to the session
    (X) or the facilitator asks the check-in about it, which then takes the guided part's place.
    ``read_only`` is the room board's version: the guided part alone, shown until the run goes
    away, with nothing to answer and no keys.
    """

    DEFAULT_CSS = """
    ExerciseView { align: center top; overflow-y: auto; }
    ExerciseView #room-guided, ExerciseView #run-checkin {
        width: 100; max-width: 100%; margin: 1 1 0 1;
    }
    """

    def __init__(
        self, clock: Callable[[], float], *, read_only: bool = False, id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self._clock = clock
        self.read_only = read_only
        self._checkin: Checkin | None = None

    def compose(self) -> ComposeResult:
        if self.read_only:
            yield GuidedView(self._clock, note=BOARD_NOTE, id="room-guided", classes="panel")
            return
        yield LinkBanner(id="exercise-banner")
        yield GuidedView(self._clock, id="room-guided", classes="panel")
        yield CheckinQuestion(id="run-checkin", classes="panel")

    @property
    def guided(self) -> GuidedView:
        return self.query_one(GuidedView)

    @property
    def question(self) -> CheckinQuestion:
        """The check-in afterwards (a read-only view has none: asking raises ``NoMatches``)."""
        return self.query_one(CheckinQuestion)

    @property
    def showing(self) -> Literal["guided", "question"]:
        if self.read_only or self._checkin is None:
            return "guided"
        return "question" if self.guided.over else "guided"

    def show(
        self,
        run: ExerciseRun | None,
        checkin: Checkin | None = None,
        ask: CheckinAsk | None = None,
        answered: int | None = None,
    ) -> None:
        """The run; ``checkin`` is the check-in about it, if the facilitator has asked it."""
        self.guided.show_run(run)
        if self.read_only:
            return
        if run is None or checkin is None or checkin.run != run.run:
            checkin = None
        self._checkin = checkin
        if checkin is not None and run is not None:
            self.question.show(checkin, ask, answered, run.exercise.title)
        self.arrange_parts()

    def arrange_parts(self) -> None:
        """The guided part while the run goes on (and its "Done" words), the check-in once
        the run is over and the check-in about it is asked."""
        if self.read_only:
            return
        asking = self.showing == "question"
        self.guided.display = not asking
        self.question.display = asking
