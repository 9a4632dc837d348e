"""Choosing a guided exercise for the room: what it is for, its cautions, its pace.

The console does not know the hub's catalogue; it lists what it was given (the built-ins unless
the CLI passes its own). Private exercises are listed too, so a facilitator looking for a thought
record learns where it lives, but they can only be done on each person's own terminal: the hub
would refuse them for the room, so the picker says so before anything is sent.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static, Switch
from textual.widgets.option_list import Option

from client.widgets.key_row import WrappingFooter
from shared.exercises import Exercise, Phase, Variant, configure, total_seconds

ROOM_HEADING = "For the room"
PRIVATE_HEADING = "On their own terminal only"
SUGGESTED = "Suggested for this item"
STANDARD = "-standard"
"""The option id of an exercise's own pace (a variant id is a slug, so it cannot clash)."""
PHASE_WORDS = {"inhale": "in", "hold": "hold", "exhale": "out", "rest": "rest"}


@dataclass(frozen=True)
class Launch:
    """What the facilitator chose; the console turns it into a ``StartExercise``."""

    exercise: str
    variant: str | None = None
    include_optional: bool = False


def minutes_words(seconds: float) -> str:
    """Whole minutes, never "0 min": a count a facilitator can say aloud."""
    return f"{max(1, round(seconds / 60))} min"


def category_words(exercise: Exercise) -> str:
    return exercise.category.replace("-", " ").capitalize()


def pace_words(phases: tuple[Phase, ...], cycles: int) -> str:
    """ "in 4 · hold 4 · out 4 · rest 4 s, 10 breaths" from a breathing pattern."""
    parts = " · ".join(f"{PHASE_WORDS[p.kind]} {p.seconds:g}" for p in phases)
    return f"{parts} s, {cycles} breaths"


def optional_steps(exercise: Exercise) -> list[str]:
    return [step.prompt for step in exercise.steps or () if step.optional]


def has_paces(exercise: Exercise) -> bool:
    """A room exercise with other paces to choose from (a beginner's, a slower one)."""
    breathing = exercise.breathing
    return not exercise.private and breathing is not None and bool(breathing.variants)


def has_optional(exercise: Exercise) -> bool:
    """A room exercise with steps left out unless the facilitator includes them."""
    return not exercise.private and bool(optional_steps(exercise))


def exercise_prompt(exercise: Exercise, *, suggested: bool) -> Content:
    """One line of the list: the title, then how long (or that it is private)."""
    if exercise.private:
        return Content(exercise.title)  # listed under "On their own terminal only"
    markup = "$title  [$text-muted]· $minutes[/]"
    if suggested:
        markup += "\n  [b $accent]★ $suggested"
    return Content.from_markup(
        markup,
        title=exercise.title,
        minutes=minutes_words(total_seconds(exercise)),
        suggested=SUGGESTED,
    )


def exercise_details(exercise: Exercise, *, suggested: bool, running: str | None) -> Content:
    """Everything a facilitator weighs before starting: purpose, cautions, what to say first."""
    parts = [Content.from_markup("[b $primary]$title", title=exercise.title)]
    if suggested:
        parts.append(Content.from_markup("[b $accent]★ $words", words=SUGGESTED))
    meta = f"{category_words(exercise)} · {minutes_words(total_seconds(exercise))}"
    if optional_steps(exercise):
        longer = total_seconds(configure(exercise, include_optional=True))
        meta += f" ({minutes_words(longer)} with the optional steps)"
    parts.append(Content.from_markup("[$text-muted]$meta", meta=meta))
    parts.append(Content(exercise.purpose))
    if exercise.private:
        parts.append(
            Content.from_markup(
                "\n[b $warning]$heading[/]\nAnswers never leave each person's terminal, so this "
                "cannot be started for the room. Participants can open it on their own.",
                heading=PRIVATE_HEADING,
            )
        )
    if exercise.intro:
        parts.append(Content.from_markup("\n[b]Before starting[/]\n$intro", intro=exercise.intro))
    if exercise.cautions:
        parts.append(Content.from_markup("\n[b $warning]Cautions to mention"))
        parts.extend(Content.from_markup("• $line", line=line) for line in exercise.cautions)
    if running and not exercise.private:
        parts.append(
            Content.from_markup(
                "\n[$text-muted]Starting this stops $running for everyone.", running=running
            )
        )
    return Content("\n").join(parts)


class SpaceSwitch(Switch, inherit_bindings=False):
    """A Switch toggled by space only, so Enter always means "Start for the room"."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "toggle_switch", "Switch on or off"),
    ]


class ChoiceList(OptionList, inherit_bindings=False):
    """A list where highlighting is choosing; Enter is left to the screen (start)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        b for b in OptionList.BINDINGS if not (isinstance(b, Binding) and b.key == "enter")
    ]

    def action_select(self) -> None:
        """Highlighting is choosing here; starting is the screen's Enter."""


class ExercisePicker(ModalScreen[Launch | None]):
    """Pick an exercise, its pace and whether optional steps are in, then start it for all."""

    DEFAULT_CSS = """
    ExercisePicker {
        align: center middle;
    }

    #exercise-columns {
        height: 1fr;
        margin-top: 1;
    }

    #exercise-list {
        width: 38;
        height: 1fr;
    }

    #exercise-list > .option-list--option-disabled {
        color: $foreground;
    }

    #exercise-about {
        width: 1fr;
        height: 1fr;
        padding: 0 1 0 2;
    }

    #exercise-details {
        height: auto;
    }

    #pace-section {
        height: auto;
        margin-top: 1;
    }

    #optional-section {
        height: auto;
        margin-top: 1;
    }

    #variants {
        height: auto;
        border: none;
        padding: 0;
        background: transparent;
    }

    #optional-row {
        height: auto;
    }

    #optional-label {
        width: 1fr;
        padding: 1 1 0 1;
        text-style: bold;
    }

    #picker-message {
        height: auto;
        margin-top: 1;
    }
    """
    CSS = """
    /* The box is a .panel: app CSS, which outranks DEFAULT_CSS (see confirm.FORM_BOX_CSS). */
    #exercise-dialog {
        width: 110;
        max-width: 100%;
        height: 36;
        max-height: 100%;
        background: $surface;
        padding: 1 2;
    }
    """
    AUTO_FOCUS = "#exercise-list"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "launch", "Start for the room"),
        Binding("v", "next_pace", "Change pace"),
        Binding("i", "toggle_optional", "Include optional steps"),
        Binding("escape", "cancel", "Back"),
    ]

    def __init__(
        self,
        exercises: Mapping[str, Exercise],
        *,
        suggested: str | None = None,
        running: str | None = None,
    ) -> None:
        super().__init__(id="exercise-picker")
        self.exercises = {e.id: e for e in exercises.values()}
        self.suggested = suggested if suggested in self.exercises else None
        self.running = running
        """The title of the exercise running now, if any (starting another stops it)."""
        self._paces: list[tuple[str, str]] = []
        """(option id, words) of the highlighted exercise's paces, its own pace first."""

    def compose(self) -> ComposeResult:
        with Vertical(id="exercise-dialog", classes="panel"):
            yield Static("Start a guided exercise for the room", classes="panel-title")
            yield Static(
                "Everyone follows the same step on their own screen. Highlight one to read "
                "about it.",
                classes="hint",
            )
            with Horizontal(id="exercise-columns"):
                yield ChoiceList(*self._options(), id="exercise-list")
                with VerticalScroll(id="exercise-about"):
                    yield Static("", id="exercise-details")
                    with Vertical(id="pace-section"):
                        yield Static("Pace · press v to change", classes="panel-title")
                        yield ChoiceList(id="variants")
                    with Vertical(id="optional-section"):
                        with Horizontal(id="optional-row"):
                            yield SpaceSwitch(value=False, id="include-optional")
                            yield Static("Include optional steps (i)", id="optional-label")
                        yield Static("", id="optional-steps", classes="hint")
            yield Static("", id="picker-message")
        yield WrappingFooter(compact=True)

    def _options(self) -> list[Option | None]:
        room = [e for e in self.exercises.values() if not e.private]
        private = [e for e in self.exercises.values() if e.private]
        if not self.exercises:
            return [Option("No exercises were found on this terminal.", disabled=True)]
        options: list[Option | None] = [_heading(ROOM_HEADING)]
        options += [
            Option(exercise_prompt(e, suggested=e.id == self.suggested), id=e.id) for e in room
        ]
        if private:
            options += [None, _heading(PRIVATE_HEADING)]
            options += [Option(exercise_prompt(e, suggested=False), id=e.id) for e in private]
        return options

    def on_mount(self) -> None:
        options = self.query_one("#exercise-list", OptionList)
        ids = [o.id for o in options.options]
        first_room = next((e.id for e in self.exercises.values() if not e.private), None)
        wanted = self.suggested or first_room or next(iter(self.exercises), None)
        if wanted in ids:
            options.highlighted = ids.index(wanted)
        self._show_chosen()

    def chosen(self) -> Exercise | None:
        option = self.query_one("#exercise-list", OptionList).highlighted_option
        if option is None or option.id is None:
            return None
        return self.exercises.get(option.id)

    def chosen_variant(self) -> Variant | None:
        exercise = self.chosen()
        if exercise is None or exercise.breathing is None:
            return None
        option = self.query_one("#variants", OptionList).highlighted_option
        return next((v for v in exercise.breathing.variants if option and v.id == option.id), None)

    @on(OptionList.OptionHighlighted, "#exercise-list")
    def _exercise_moved(self) -> None:
        self._show_chosen()

    @on(OptionList.OptionHighlighted, "#variants")
    def _mark_pace(self) -> None:
        """A filled dot marks the chosen pace, readable even when the list is not focused."""
        variants = self.query_one("#variants", OptionList)
        for index, (_, words) in enumerate(self._paces):
            mark = "●" if index == variants.highlighted else "○"
            variants.replace_option_prompt_at_index(index, Content(f"{mark} {words}"))

    def _show_chosen(self) -> None:
        """Redraw the right-hand side for the highlighted exercise; choices start afresh."""
        exercise = self.chosen()
        self.query_one("#picker-message", Static).update("")
        details = self.query_one("#exercise-details", Static)
        pace = self.query_one("#pace-section")
        optional = self.query_one("#optional-section")
        if exercise is None:
            details.update("")
            pace.display = optional.display = False
            self.refresh_bindings()
            return
        details.update(
            exercise_details(
                exercise, suggested=exercise.id == self.suggested, running=self.running
            )
        )
        breathing = exercise.breathing
        pace.display = has_paces(exercise)
        if breathing is not None:
            variants = self.query_one("#variants", OptionList)
            self._paces = [
                (STANDARD, f"Standard · {pace_words(breathing.phases, breathing.cycles)}"),
                *((v.id, f"{v.title} · {v.cycles} breaths") for v in breathing.variants),
            ]
            variants.set_options([Option(words, id=key) for key, words in self._paces])
            variants.highlighted = 0
            self._mark_pace()
        extra = optional_steps(exercise)
        optional.display = has_optional(exercise)
        self.query_one("#include-optional", Switch).value = False
        if extra:
            self.query_one("#optional-steps", Static).update(
                Content("Left out unless switched on — please check the cautions above:\n").append(
                    Content("\n").join(Content(f"• {prompt}") for prompt in extra)
                )
            )
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The pace and optional-step keys show only for an exercise that has them."""
        exercise = self.chosen()
        match action:
            case "next_pace":
                return exercise is not None and has_paces(exercise)
            case "toggle_optional":
                return exercise is not None and has_optional(exercise)
            case "launch":
                return exercise is not None
        return True

    def action_next_pace(self) -> None:
        variants = self.query_one("#variants", OptionList)
        count = variants.option_count
        if count:
            variants.highlighted = ((variants.highlighted or 0) + 1) % count

    def action_toggle_optional(self) -> None:
        self.query_one("#include-optional", Switch).toggle()

    def action_launch(self) -> None:
        exercise = self.chosen()
        if exercise is None:
            return
        if exercise.private:
            self.query_one("#picker-message", Static).update(
                Content.from_markup(
                    "[$warning]$title is done on each person's own terminal, so it can't be "
                    "started for the room.[/] Participants can open it on their own.",
                    title=exercise.title,
                )
            )
            return
        variant = self.chosen_variant()
        include = has_optional(exercise) and self.query_one("#include-optional", Switch).value
        self.dismiss(
            Launch(
                exercise=exercise.id,
                variant=variant.id if variant is not None else None,
                include_optional=include,
            )
        )

    def action_cancel(self) -> None:
        self.dismiss(None)


def _heading(text: str) -> Option:
    return Option(Content.from_markup("[b $primary]$text", text=text), disabled=True)
