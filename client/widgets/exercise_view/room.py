"""The room's exercise on a participant's terminal, then the question about how they feel; the
room board shows the guided part alone."""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from textual.app import ComposeResult
from textual.containers import Vertical

from client.following import FeelingAsk
from client.widgets.exercise_view.feeling import FeelingQuestion
from client.widgets.exercise_view.guided import GuidedView
from client.widgets.status import LinkBanner
from shared.state import ExerciseRun

__all__ = ["BOARD_NOTE", "ExerciseView"]

BOARD_NOTE = "Everyone in the room follows the same timer. Join in as much as feels right."
"""The room board's note: an invitation, with no key to press."""


class ExerciseView(Vertical):
    """The room's exercise on a participant's terminal, then the question about how they feel.

    ``read_only`` is the room board's version: the guided part alone, shown until the run goes
    away (its own "Done" words once the time is up), with nothing to answer and no keys.
    """

    DEFAULT_CSS = """
    ExerciseView { align: center top; overflow-y: auto; }
    ExerciseView #room-guided, ExerciseView #feeling {
        width: 100; max-width: 100%; margin: 1 1 0 1;
    }
    """

    def __init__(
        self, clock: Callable[[], float], *, read_only: bool = False, id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self._clock = clock
        self.read_only = read_only
        self._asked: int | None = None

    def compose(self) -> ComposeResult:
        if self.read_only:
            yield GuidedView(self._clock, note=BOARD_NOTE, id="room-guided", classes="panel")
            return
        yield LinkBanner(id="exercise-banner")
        yield GuidedView(self._clock, id="room-guided", classes="panel")
        yield FeelingQuestion(id="feeling", classes="panel")

    @property
    def guided(self) -> GuidedView:
        return self.query_one(GuidedView)

    @property
    def question(self) -> FeelingQuestion:
        """The question afterwards (a read-only view has none: asking raises ``NoMatches``)."""
        return self.query_one(FeelingQuestion)

    @property
    def showing(self) -> Literal["guided", "question"]:
        if self.read_only:
            return "guided"
        return "question" if self.guided.over else "guided"

    def show(self, run: ExerciseRun | None, ask: FeelingAsk | None = None) -> None:
        self.guided.show_run(run)
        if self.read_only:
            return
        if ask is not None and ask.run != self._asked:
            self._asked = ask.run
            self.question.clear()
        self.question.show(ask, run.exercise.title if run is not None else "")
        self.arrange_parts()

    def arrange_parts(self) -> None:
        """The guided part while the run goes on, the question once it is over."""
        if self.read_only:
            return
        asking = self.showing == "question"
        self.guided.display = not asking
        self.question.display = asking
