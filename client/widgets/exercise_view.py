"""A guided exercise on one terminal: what to do now, how long is left, a breathing pacer, and
the "How do you feel now?" question once the room's exercise is over.

The room board shows the same guided part read-only (``ExerciseView(read_only=True)``): no
question, no banner of its own and no words about keys, since nobody at a wall can press one.

These views never keep time of their own. Each redraw reads the run (an ``ExerciseRun``, pure) at
the clock they are given: in the room that is the hub's clock (``HubApp.hub_now``), so every
terminal shows the same step and the same breath; practising alone it is this terminal's clock.

Answers given while practising alone live in a ``PrivateAnswers`` object and nowhere else: no
widget here can send anything, and nothing here is written to disk.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import ClassVar, Literal

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult, RenderResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Input, ProgressBar, Static

from client.widgets.agenda import fmt_clock
from client.widgets.pacer import Pacer
from client.widgets.status import LinkBanner
from shared.exercises import Exercise, Position, pacer_size, timed_steps, total_seconds
from shared.state import ExerciseRun

FRAME_SECONDS = 0.1
"""Redraw ten times a second: smooth enough for a pacer, cheap enough for any terminal."""

ANONYMOUS_WORDS = (
    "Your answer is anonymous: the facilitator only sees how many people chose each number, "
    "and only when enough people answered."
)
FEELING_SCALE_WORDS = "0 means you feel very low, 10 means you feel very good."
FEELING_HOW_TO = (
    "Press a number key from 0 to 9, or use ← and → (→ after 9 gives 10). "
    "Enter sends your answer. X skips the question; that is fine too."
)
THANKS_WORDS = "Thank you."
ROOM_NOTE = (
    "Everyone in the room follows the same timer. "
    "You can step out quietly at any time with X; nobody is told."
)
BOARD_NOTE = "Everyone in the room follows the same timer. Join in as much as feels right."
"""The room board's note: an invitation, with no key to press."""
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


# -- choosing on a row of options ----------------------------------------------------------------


class ChoiceRow(Widget, can_focus=True):
    """A row of options picked with keys or the mouse; the chosen one is shown reversed."""

    DEFAULT_CSS = """
    ChoiceRow { height: 1; width: auto; margin: 1 0; }
    ChoiceRow:focus { background: $boost; }
    """
    chosen: reactive[int | None] = reactive[int | None](None)

    class Changed(Message):
        """Someone picked an option."""

        def __init__(self, row: ChoiceRow) -> None:
            super().__init__()
            self.row = row

        @property
        def control(self) -> ChoiceRow:
            return self.row

    def __init__(
        self,
        labels: Sequence[str],
        *,
        chosen: int | None = None,
        name: str | None = None,
        id: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id)
        self.labels = tuple(labels)
        self._cell = max(len(label) for label in self.labels) + 2
        self.set_reactive(ChoiceRow.chosen, chosen)

    def render(self) -> RenderResult:
        text = Text(no_wrap=True)
        for index, label in enumerate(self.labels):
            style = "reverse bold" if index == self.chosen else ""
            text.append(label.center(self._cell), style=style)
        return text

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return self._cell * len(self.labels)

    def watch_chosen(self, chosen: int | None) -> None:
        self.post_message(self.Changed(self))

    def action_choose(self, index: int) -> None:
        if 0 <= index < len(self.labels):
            self.chosen = index

    def action_nudge(self, delta: int) -> None:
        if self.chosen is None:
            self.chosen = 0 if delta > 0 else len(self.labels) - 1
        else:
            self.chosen = min(len(self.labels) - 1, max(0, self.chosen + delta))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is not None:
            self.action_choose(offset.x // self._cell)


class ScaleAnswer(ChoiceRow):
    """A number from ``low`` to ``high``: a digit key picks one at once, ← and → move by one."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("0", "choose(0)", "Choose", key_display="0–9"),
        *(Binding(str(n), f"choose({n})", show=False) for n in range(1, 10)),
        Binding("left", "nudge(-1)", "Change", key_display="← →"),
        Binding("right", "nudge(1)", show=False),
        Binding("minus", "nudge(-1)", show=False),
        Binding("plus", "nudge(1)", show=False),
        Binding("enter", "confirm", "Send"),
    ]

    class Confirmed(Message):
        """Enter was pressed with a number chosen (only on a scale that sends)."""

        def __init__(self, row: ScaleAnswer, value: int) -> None:
            super().__init__()
            self.row = row
            self.value = value

        @property
        def control(self) -> ScaleAnswer:
            return self.row

    def __init__(
        self,
        low: int = 0,
        high: int = 10,
        step: int = 1,
        unit: str = "",
        *,
        value: int | None = None,
        confirm: bool = False,
        name: str | None = None,
        id: str | None = None,
    ) -> None:
        self.numbers = tuple(range(low, high + 1, step))
        chosen = self.numbers.index(value) if value in self.numbers else None
        super().__init__([f"{n}{unit}" for n in self.numbers], chosen=chosen, name=name, id=id)
        self.confirm = confirm

    @property
    def value(self) -> int | None:
        return None if self.chosen is None else self.numbers[self.chosen]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "confirm":
            return self.confirm and not self.disabled
        return True

    def action_confirm(self) -> None:
        if self.value is not None:
            self.post_message(self.Confirmed(self, self.value))


class YesNoAnswer(ChoiceRow):
    """Yes or No, with Y and N."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "choose(0)", "Yes"),
        Binding("n", "choose(1)", "No"),
        Binding("left", "nudge(-1)", show=False),
        Binding("right", "nudge(1)", show=False),
    ]

    def __init__(self, *, value: bool | None = None, name: str | None = None) -> None:
        chosen = None if value is None else (0 if value else 1)
        super().__init__(["Yes", "No"], chosen=chosen, name=name)

    @property
    def value(self) -> bool | None:
        return None if self.chosen is None else self.chosen == 0


# -- private answers ----------------------------------------------------------------------------


Answer = str | int | bool


@dataclass
class PrivateAnswers:
    """What one person answered while practising alone. It lives in this object only: it is never
    sent, never stored, and goes when the exercise is left."""

    steps: dict[int, Answer] = field(default_factory=dict)
    """Per step index: text, a number (scale or percent) or yes (True) / no (False)."""
    checks: dict[int, int] = field(default_factory=dict)
    """Per periodic check (1 = the first, after ``check_every_seconds``): 0..10."""

    def given(self) -> bool:
        return any(v != "" for v in self.steps.values()) or bool(self.checks)


def answer_words(exercise: Exercise, answers: PrivateAnswers) -> Text:
    """A person's own answers, to read back at the end (only ever drawn on their own screen)."""
    text = Text()
    steps = exercise.steps or ()
    for index, step in enumerate(steps):
        if step.answer == "none" or index not in answers.steps or answers.steps[index] == "":
            continue
        value = answers.steps[index]
        if isinstance(value, bool):
            shown = "Yes" if value else "No"
            if value and step.suggestion:
                shown += f" · {step.suggestion}"
        elif step.answer == "percent":
            shown = f"{value}%"
        else:
            shown = str(value)
        text.append(f"{step.prompt}\n", style="bold")
        text.append(f"  {shown}\n")
    if answers.checks:
        numbers = ", ".join(str(answers.checks[n]) for n in sorted(answers.checks))
        text.append("Your checks, in order: ", style="bold")
        text.append(f"{numbers}\n")
    if not text.plain:
        text.append("No answers were written down this time.")
    return text


# -- the guided view ----------------------------------------------------------------------------


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
        run = self._run
        return run is None or not run.active or run.position(self._clock()).finished

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
        position = run.position(self._clock())
        over = position.finished or not run.active
        if over:
            self._put("#guided-cue", DONE_WORDS if position.finished else STOPPED_WORDS)
            self._put("#guided-left", "")
        else:
            self._put("#guided-cue", cue_words(exercise, position))
            self._put("#guided-left", left_words(position))
        self.query_one("#guided-left").display = not over
        self.query_one("#guided-paused").display = run.paused_at is not None and not over
        self.query_one(Pacer).fullness = pacer_size(position) if not over else 0.0
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


# -- the question afterwards --------------------------------------------------------------------

FeelingStatus = Literal["asking", "sending", "thanked", "problem"]


@dataclass
class FeelingAsk:
    """Where this terminal is with "How do you feel now?" for one room exercise run."""

    run: int
    status: FeelingStatus = "asking"
    words: str = ""
    """The hub's words when it could not take the answer."""
    command: str | None = None
    """The id of the RateFeeling sent, to match its Ack or Error."""


class FeelingQuestion(Vertical):
    """How do you feel now? 0-10, anonymous, skippable; the answer goes up as one number."""

    DEFAULT_CSS = """
    FeelingQuestion { height: auto; padding: 1 2; }
    FeelingQuestion #feeling-anonymous { margin-top: 1; }
    FeelingQuestion #feeling-status { margin-top: 1; text-style: bold; }
    """

    class Answered(Message):
        def __init__(self, score: int) -> None:
            super().__init__()
            self.score = score

    def compose(self) -> ComposeResult:
        yield Static("How do you feel now?", id="feeling-title", classes="panel-title")
        yield Static("", id="feeling-after", classes="hint")
        yield Static(FEELING_SCALE_WORDS, id="feeling-scale-words")
        yield ScaleAnswer(confirm=True, id="feeling-scale")
        yield Static("", id="feeling-chosen")
        yield Static(FEELING_HOW_TO, id="feeling-how", classes="hint")
        yield Static(ANONYMOUS_WORDS, id="feeling-anonymous", classes="hint")
        yield Static("", id="feeling-status")

    @property
    def scale(self) -> ScaleAnswer:
        return self.query_one("#feeling-scale", ScaleAnswer)

    def show(self, ask: FeelingAsk | None, title: str = "") -> None:
        self.query_one("#feeling-after", Static).update(Text(f"After {title}" if title else ""))
        status = ask.status if ask is not None else "asking"
        answering = status in ("asking", "problem")
        for selector in (
            "#feeling-scale-words",
            "#feeling-scale",
            "#feeling-chosen",
            "#feeling-how",
        ):
            self.query_one(selector).display = status != "thanked"
        self.scale.disabled = not answering
        words = {
            "asking": "",
            "sending": "Sending…",
            "thanked": f"{THANKS_WORDS} Press X to go back to the session.",
            "problem": f"{ask.words if ask else ''} You can choose again, or skip with X.",
        }[status]
        self.query_one("#feeling-status", Static).update(Text(words.strip()))

    def clear(self) -> None:
        """A new question: no number chosen yet."""
        self.scale.chosen = None

    @on(ChoiceRow.Changed, "#feeling-scale")
    def _changed(self, event: ChoiceRow.Changed) -> None:
        event.stop()
        value = self.scale.value
        words = "" if value is None else f"You chose {value}. Press Enter to send it."
        self.query_one("#feeling-chosen", Static).update(words)

    @on(ScaleAnswer.Confirmed, "#feeling-scale")
    def _confirmed(self, event: ScaleAnswer.Confirmed) -> None:
        event.stop()
        self.post_message(self.Answered(event.value))


# -- the room's exercise ------------------------------------------------------------------------


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
