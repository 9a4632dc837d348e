"""Practising alone: any built-in exercise at this terminal's own pace and clock.

Nothing here is ever sent: the screen holds no link and calls nothing that sends, and the answers
live only in a ``PrivateAnswers`` object that is dropped on leaving. The run changes exactly as
the room's does (``shared.exercise_run``: the same pause, resume, skip and stop ``reduce``
applies), only on this terminal's clock.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, ContentSwitcher, OptionList, Static
from textual.widgets.option_list import Option

from client.widgets.exercise_view.guided import GuidedView
from client.widgets.exercise_view.private import PrivateAnswers
from client.widgets.key_row import WrappingFooter
from shared.exercise_run import in_progress, paused, resumed, skipped, stopped
from shared.exercises import Exercise, load_exercises
from shared.state import ExerciseRun

__all__ = [
    "LEAVE_WORDS",
    "PRACTICE_WORDS",
    "ConfirmLeaveScreen",
    "PracticeScreen",
    "exercise_option",
]

PRACTICE_WORDS = (
    "Pick an exercise to do at your own pace. Nothing you do or write here is sent to anyone, "
    "not even the facilitator: it stays on this screen and is cleared when you leave."
)
LEAVE_WORDS = (
    "Your answers will be cleared from this screen. They were never sent anywhere, "
    "so nobody else has seen them."
)


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
        yield WrappingFooter()

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
        yield WrappingFooter()

    def on_mount(self) -> None:
        self.query_one("#practice-list", OptionList).focus()

    @property
    def guided(self) -> GuidedView:
        return self.query_one("#practice-guided", GuidedView)

    def _in_progress(self) -> bool:
        return self.run is not None and in_progress(self.run, self._clock())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        picking = self.run is None
        running = self._in_progress()
        held = self.run is not None and self.run.paused_at is not None
        allowed = {
            "back": picking,
            "pause": running and not held,
            "resume": running and held,
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
        if self.run is not None:
            self._follow(paused(self.run, self._clock()))

    def action_resume(self) -> None:
        if self.run is not None:
            self._follow(resumed(self.run, self._clock()))

    def action_next_step(self) -> None:
        """On to the next step: the rest of this one is skipped, as in the room."""
        run = self.run
        if run is None:
            return
        position = run.position(self._clock())
        if not position.finished:
            self._follow(skipped(run, position.seconds_left))

    def action_stop(self) -> None:
        if self.run is not None:
            self._follow(stopped(self.run, self._clock()))

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
