"""One exercise as it runs: what to do now, how long is left, a breathing pacer, the progress.

The view never keeps time of its own. Each redraw reads the run (an ``ExerciseRun``, pure) at the
clock it is given, through ``client.following.moment``: in the room that is the hub's clock
(``HubApp.hub_now``), so every terminal shows the same step and the same breath; practising alone
it is this terminal's clock.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Input, ProgressBar, Static

from client.following import moment
from client.widgets.agenda import fmt_clock
from client.widgets.exercise_view.choices import ChoiceRow, ScaleAnswer, YesNoAnswer
from client.widgets.exercise_view.private import PrivateAnswers, answer_words
from client.widgets.pacer import Pacer
from shared.exercises import Exercise, Position, timed_steps, total_seconds
from shared.state import ExerciseRun

__all__ = [
    "DONE_WORDS",
    "FRAME_SECONDS",
    "PAUSED_WORDS",
    "PRIVATE_NOTE",
    "ROOM_NOTE",
    "STOPPED_WORDS",
    "GuidedView",
    "cue_words",
    "left_words",
    "progress_words",
]

FRAME_SECONDS = 0.1
"""Redraw ten times a second: smooth enough for a pacer, cheap enough for any terminal."""
ROOM_NOTE = (
    "Everyone in the room follows the same timer. "
    "You can step out quietly at any time with X; nobody is told."
)
PRIVATE_NOTE = (
    "Only you see this. Nothing you do or write here is sent to anyone, not even the "
    "facilitator. Your answers stay on this screen and are cleared when you leave."
)
DONE_WORDS = "Done. Take a moment to notice how you feel."
STOPPED_WORDS = "Stopped. Any practice counts, however short."
PAUSED_WORDS = "Paused"


# -- words for a position ---------------------------------------------------------------------


def cue_words(exercise: Exercise, position: Position) -> str:
    """What to do right now: the breath's cue (Breathe in / Hold / …) or the step's prompt."""
    if exercise.breathing is not None:
        return exercise.breathing.phases[position.index].label
    steps = exercise.steps or ()
    return steps[position.index].prompt


def left_words(position: Position) -> str:
    """Seconds left in this phase or step, counted down as people count: 4, 3, 2, 1."""
    seconds = math.ceil(position.seconds_left - 1e-9)
    return f"{fmt_clock(seconds)} left" if seconds >= 60 else f"{seconds} s left"


def progress_words(exercise: Exercise, position: Position) -> str:
    """Where in the whole exercise: "Breath 2 of 10 · 2:08 to go" or "Step 3 of 5 · …"."""
    to_go = fmt_clock(math.ceil(total_seconds(exercise) * (1.0 - position.progress) - 1e-9))
    if exercise.breathing is not None:
        return f"Breath {position.cycle} of {exercise.breathing.cycles} · {to_go} to go"
    indexes = [index for index, _, _ in timed_steps(exercise)]
    number = indexes.index(position.index) + 1 if position.index in indexes else 1
    return f"Step {number} of {len(indexes)} · {to_go} to go"


class GuidedView(Vertical):
    """One exercise as it runs: words, time left, the pacer and progress, from a run and a clock.

    It redraws itself ten times a second while the run goes on and stops redrawing once it is
    over. With ``answers`` (practising alone) it also shows the step's answer and the periodic
    check, and writes what is chosen or typed into that object.
    """

    DEFAULT_CSS = """
    GuidedView { height: auto; padding: 0 2; }
    GuidedView #guided-purpose { margin-top: 1; }
    GuidedView #guided-cautions { text-style: italic; }
    GuidedView #guided-now { height: auto; margin-top: 1; }
    GuidedView #guided-words { width: 1fr; height: auto; padding: 1 2; }
    GuidedView.-breathing #guided-words { height: 13; align: left middle; }
    GuidedView #guided-cue { text-style: bold; color: $primary; }
    GuidedView #guided-paused {
        text-style: bold reverse; width: auto; padding: 0 1; margin-top: 1;
    }
    GuidedView #guided-answer { height: auto; }
    GuidedView .suggestion { color: $success; }
    GuidedView .check-prompt { margin-top: 1; text-style: bold; }
    GuidedView #guided-progress-row { height: 1; margin-top: 1; }
    GuidedView #guided-progress { width: auto; }
    GuidedView #guided-step { width: 1fr; padding: 0 2; }
    GuidedView #guided-note { margin-top: 1; }
    """

    class Finished(Message):
        """The run came to its end or was stopped (posted once per run)."""

        def __init__(self, view: GuidedView) -> None:
            super().__init__()
            self.view = view

        @property
        def control(self) -> GuidedView:
            return self.view

    def __init__(
        self,
        clock: Callable[[], float],
        *,
        private: bool = False,
        note: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self._clock = clock
        self.private = private
        self.note = note if note is not None else PRIVATE_NOTE if private else ROOM_NOTE
        """The hint under the exercise: who sees it, and how to step out where one can."""
        self._run: ExerciseRun | None = None
        self.answers: PrivateAnswers | None = None
        self._ticker: Timer | None = None
        self._shown: dict[str, str] = {}
        self._finished_for: tuple[int, float] | None = None
        self._answer_key: tuple[object, ...] | None = None
        self._answer_widgets: list[Widget] = []
        self.frames = 0
        """How many times it has redrawn: lets a test wait for the next frame without a sleep."""

    def compose(self) -> ComposeResult:
        yield Static("", id="guided-title", classes="panel-title")
        yield Static("", id="guided-purpose")
        yield Static("", id="guided-cautions")
        yield Static("", id="guided-intro", classes="hint")
        with Horizontal(id="guided-now"):
            yield Pacer(id="guided-pacer")
            with Vertical(id="guided-words"):
                yield Static("", id="guided-cue")
                yield Static("", id="guided-left")
                yield Static(PAUSED_WORDS, id="guided-paused")
                yield Vertical(id="guided-answer")
        with Horizontal(id="guided-progress-row"):
            yield ProgressBar(
                total=1000, show_eta=False, show_percentage=False, id="guided-progress"
            )
            yield Static("", id="guided-step")
        yield Static(self.note, id="guided-note", classes="hint")

    def on_mount(self) -> None:
        self._ticker = self.set_interval(FRAME_SECONDS, self.tick, pause=True)
        self.show_run(self._run, self.answers)

    @property
    def run(self) -> ExerciseRun | None:
        return self._run

    def position(self) -> Position | None:
        return None if self._run is None else self._run.position(self._clock())

    @property
    def over(self) -> bool:
        """Nothing left to follow: no run, or it was stopped, or its time is up."""
        return self._run is None or moment(self._run, self._clock()).over

    def show_run(self, run: ExerciseRun | None, answers: PrivateAnswers | None = None) -> None:
        """Follow ``run`` from now on (the same run again after a pause, a skip or a stop)."""
        if run is None or self._run is None or _identity(run) != _identity(self._run):
            self._answer_key = None
        self._run = run
        self.answers = answers
        if not self.is_mounted:
            return
        if run is None:
            self._stop_ticking()
            return
        exercise = run.exercise
        self._put("#guided-title", exercise.title)
        self._put("#guided-purpose", exercise.purpose)
        cautions = "\n".join(f"Take care: {c}" for c in exercise.cautions)
        self._put("#guided-cautions", cautions)
        self._put("#guided-intro", exercise.intro)
        self.query_one("#guided-cautions").display = bool(cautions)
        self.query_one("#guided-intro").display = bool(exercise.intro)
        self.query_one(Pacer).display = exercise.breathing is not None
        self.set_class(exercise.breathing is not None, "-breathing")
        if self._ticker is not None:
            self._ticker.resume()
        self.tick()

    def _stop_ticking(self) -> None:
        if self._ticker is not None:
            self._ticker.pause()

    def tick(self) -> None:
        """Redraw from the run at the clock's time; stop redrawing once the run is over."""
        run = self._run
        if run is None or not self.is_mounted:
            return
        self.frames += 1
        exercise = run.exercise
        now = moment(run, self._clock())
        position, over = now.position, now.over
        if over:
            self._put("#guided-cue", DONE_WORDS if position.finished else STOPPED_WORDS)
            self._put("#guided-left", "")
        else:
            self._put("#guided-cue", cue_words(exercise, position))
            self._put("#guided-left", left_words(position))
        self.query_one("#guided-left").display = not over
        self.query_one("#guided-paused").display = now.paused
        pacer = self.query_one(Pacer)
        pacer.fullness = now.fullness
        pacer.display = run.exercise.breathing is not None and not over  # nothing left to pace
        self.query_one(ProgressBar).update(progress=round(position.progress * 1000))
        self._put("#guided-step", progress_words(exercise, position) if not over else "")
        if self.answers is not None:
            self._show_answers(exercise, position, over)
        if over:
            self._stop_ticking()
            if self._finished_for != _identity(run):
                self._finished_for = _identity(run)
                self.post_message(self.Finished(self))

    def _put(self, selector: str, words: str) -> None:
        """Update a line only when its words change, so a redraw costs next to nothing."""
        if self._shown.get(selector) != words:
            self._shown[selector] = words
            self.query_one(selector, Static).update(Text(words))

    # -- answers (practising alone) -------------------------------------------------------------

    def _show_answers(self, exercise: Exercise, position: Position, over: bool) -> None:
        key: tuple[object, ...] = ("over",) if over else (position.index, position.checks)
        if key == self._answer_key:
            return
        self._answer_key = key
        answers = self.answers
        assert answers is not None
        area = self.query_one("#guided-answer", Vertical)
        for old in self._answer_widgets:
            old.remove()
        widgets: list[Widget] = []
        if over:
            widgets.append(Static("Your answers, on this screen only:", classes="panel-title"))
            widgets.append(Static(answer_words(exercise, answers)))
        else:
            widgets += self._check_widgets(exercise, position, answers)
            widgets += self._step_widgets(exercise, position, answers)
        self._answer_widgets = widgets
        if widgets:
            area.mount_all(widgets)
            target = next((w for w in widgets if w.can_focus), None)
            if target is not None:
                self.call_after_refresh(target.focus)

    def _check_widgets(
        self, exercise: Exercise, position: Position, answers: PrivateAnswers
    ) -> list[Widget]:
        """The periodic 0-10 check (e.g. urge strength each minute), once one has fallen due."""
        number = position.checks
        if exercise.check_prompt is None or number < 1:
            return []
        widgets: list[Widget] = [Static(Text(exercise.check_prompt), classes="check-prompt")]
        widgets.append(ScaleAnswer(value=answers.checks.get(number), name=f"check-{number}"))
        earlier = [str(answers.checks[n]) for n in sorted(answers.checks) if n < number]
        if earlier:
            widgets.append(Static(f"Earlier checks: {', '.join(earlier)}", classes="hint"))
        return widgets

    def _step_widgets(
        self, exercise: Exercise, position: Position, answers: PrivateAnswers
    ) -> list[Widget]:
        if exercise.steps is None:
            return []
        index = position.index
        step = exercise.steps[index]
        name = f"step-{index}"
        given = answers.steps.get(index)
        match step.answer:
            case "yes-no":
                suggestion = Static(
                    Text(step.suggestion), classes="suggestion", name=f"suggestion-{index}"
                )
                suggestion.display = given is True and bool(step.suggestion)
                value = given if isinstance(given, bool) else None
                return [YesNoAnswer(value=value, name=name), suggestion]
            case "scale-0-10":
                number = given if isinstance(given, int) else None
                return [ScaleAnswer(value=number, name=name)]
            case "percent":
                number = given if isinstance(given, int) else None
                return [ScaleAnswer(0, 100, 10, "%", value=number, name=name)]
            case "text":
                text = given if isinstance(given, str) else ""
                return [
                    Input(text, placeholder="a few words are enough", max_length=500, name=name)
                ]
            case _:
                return []

    @on(ChoiceRow.Changed)
    def _chosen(self, event: ChoiceRow.Changed) -> None:
        event.stop()
        answers, row = self.answers, event.row
        if answers is None or row.name is None:
            return
        kind, _, number = row.name.partition("-")
        value = row.value if isinstance(row, ScaleAnswer | YesNoAnswer) else None
        if value is None:
            return
        if kind == "check" and isinstance(value, int):
            answers.checks[int(number)] = value
        elif kind == "step":
            answers.steps[int(number)] = value
            for widget in self._answer_widgets:
                if widget.name == f"suggestion-{number}":
                    widget.display = value is True

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        name = event.input.name or ""
        if self.answers is not None and name.startswith("step-"):
            self.answers.steps[int(name.removeprefix("step-"))] = event.value


def _identity(run: ExerciseRun) -> tuple[int, float]:
    return (run.run, run.started_at)
