"""Anonymous check-ins from the console: the question picker, the count while open, the chart.

While a check-in is open the console shows only how many have answered (the hub's ``answering``
frames), never a value. Once closed, it shows what the hub published: a bar per answer with the
answer words and the median, or, when fewer than the minimum answered, that there is not enough
to show. Nothing here could name anyone: a published check-in is a count per answer.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from client.widgets.confirm import FORM_BOX_CSS, FORM_CSS
from client.widgets.key_row import WrappingFooter
from shared.questions import MAX_PROMPT_CHARS, MAX_WORDS_CHARS, PRESETS, Question
from shared.state import Checkin, SessionState
from shared.words import plural

__all__ = [
    "CHART_WIDTH",
    "CheckinPanel",
    "CheckinPicker",
    "answered_words",
    "checkin_chart",
    "checkin_result",
    "median_words",
    "shown_checkin",
]

CHART_WIDTH = 20
SHORT = 30
"""Rows below which the chart leaves out answers nobody gave (Textual's -short is the same)."""
OWN_WORDS = "own"
"""The picker's option for a question in the facilitator's own words."""
PICKER_PRESETS = ("mood", "craving", "safety", "used")
"""The presets the picker lists (the feeling question follows an exercise: f asks it)."""


def scale_words(question: Question) -> str:
    """The answers a question takes, in words: "0 very low … 10 very good", "No or Yes"."""
    if question.labels:
        return " or ".join(question.labels)
    low = f"{question.low} {question.low_words}".strip()
    high = f"{question.high} {question.high_words}".strip()
    return f"{low} … {high}"


def median_words(checkin: Checkin) -> str:
    """The published median in words: "median 6", "median 6.5", "middle answer: No"."""
    middle = checkin.median
    if middle is None:
        return ""
    question = checkin.question
    whole = middle == int(middle)
    if question.labels:
        if whole:
            return f"middle answer: {question.label(int(middle))}"
        below, above = question.label(int(middle)), question.label(int(middle) + 1)
        return f"middle answer: between {below} and {above}"
    return f"median {int(middle)}" if whole else f"median {middle:.1f}"


def checkin_chart(checkin: Checkin, width: int = CHART_WIDTH, compact: bool = False) -> Content:
    """One row per answer: its number or word, a bar as long as its share of the largest count,
    the count, and at the ends of a scale what they mean. ``compact`` (a short window) leaves
    out the answers nobody gave, except the two ends."""
    question, counts = checkin.question, checkin.counts or ()
    largest = max(counts, default=0)
    names = [question.label(v) for v in question.values]
    name_width = max((len(n) for n in names), default=1)
    rows = []
    for index, (name, count) in enumerate(zip(names, counts, strict=False)):
        length = max(1, round(count / largest * width)) if count and largest else 0
        if compact and not count and 0 < index < len(names) - 1:
            continue
        words = ""
        if not question.labels and index == 0:
            words = question.low_words
        elif not question.labels and index == len(names) - 1:
            words = question.high_words
        rows.append(
            Content.from_markup(
                "[$text-muted]$name ┃[/][$accent]$bar[/] $count[$text-muted]$words",
                name=name.rjust(name_width),
                bar="█" * length,
                count=str(count) if count else "",
                words=f" {words}" if words else "",
            )
        )
    return Content("\n").join(rows)


def answered_words(answered: int) -> Content:
    """How many answered so far, while a check-in is open (never what they answered)."""
    if not answered:
        return Content("Nobody has answered yet.")
    has = "has" if answered == 1 else "have"
    people = plural(answered, "person", "people")
    return Content.from_markup("[b]$people $has answered so far.", people=people, has=has)


def checkin_result(checkin: Checkin, compact: bool = False) -> list[Content]:
    """A closed check-in as published: the chart and median, or why there is none."""
    answered = checkin.answered or 0
    if checkin.counts is None:
        return [
            Content(f"Not enough answers to show (fewer than {checkin.minimum})."),
            Content.from_markup(
                "[$text-muted]$people answered; the answers stay private.",
                people=plural(answered, "person", "people"),
            ),
        ]
    return [
        Content.from_markup(
            "[b]$people answered · $median[/]",
            people=plural(answered, "person", "people"),
            median=median_words(checkin),
        ),
        checkin_chart(checkin, compact=compact),
    ]


def shown_checkin(state: SessionState) -> Checkin | None:
    """The check-in of its own (not after an exercise) the console shows: the open one, else
    the last one closed while the current agenda item ran (or after the session ended)."""
    own = [c for c in state.checkins if c.run is None]
    last = own[-1] if own else None
    if last is None or last.open:
        return last
    item = state.current_item
    since = item.started_at if item is not None and item.started_at is not None else None
    if since is None or (last.closed_at or 0.0) >= since:
        return last
    return None


class CheckinPanel(Vertical):
    """The open check-in's count, then its published answers; hidden when there is neither."""

    DEFAULT_CSS = """
    CheckinPanel { height: auto; display: none; }
    CheckinPanel.-shown { display: block; }
    CheckinPanel #checkin-body { height: auto; }
    """

    def compose(self) -> ComposeResult:
        yield Static("", id="checkin-title", classes="panel-title")
        yield Static("", id="checkin-body")

    def show(self, state: SessionState, answering: Mapping[int, int]) -> None:
        checkin = shown_checkin(state)
        self.set_class(checkin is not None, "-shown")
        if checkin is None:
            return
        question = checkin.question
        if checkin.open:
            title = "Check-in · open · anonymous"
            body = [
                Content.from_markup("[b $accent]$prompt", prompt=question.prompt),
                answered_words(answering.get(checkin.number, 0)),
            ]
        else:
            title = "Check-in · closed"
            body = [
                Content.from_markup("[b]$prompt", prompt=question.prompt),
                *checkin_result(checkin, compact=self.app.size.height < SHORT),
            ]
        self.query_one("#checkin-title", Static).update(title)
        self.query_one("#checkin-body", Static).update(Content("\n").join(body))


def question_prompt(question: Question, saved: bool = False) -> Content:
    markup = "$prompt\n[$text-muted]  $scale$saved"
    return Content.from_markup(
        markup,
        prompt=question.prompt,
        scale=scale_words(question),
        saved=" · saved on this computer" if saved else "",
    )


class CheckinPicker(ModalScreen[Question | None]):
    """Choose the question: a preset, one saved earlier, or new words (then saved for reuse).

    ``can_ask`` is the console's dry run of the core: a question it would refuse is not sent,
    and the form says what to change."""

    DEFAULT_CSS = (
        """
    CheckinPicker { align: center middle; }
    CheckinPicker #checkin-questions { height: auto; max-height: 14; }
    CheckinPicker #own-form { height: auto; display: none; }
    CheckinPicker.-own #own-form { display: block; }
    CheckinPicker.-own #checkin-questions { display: none; }
    CheckinPicker .own-row { height: auto; }
    CheckinPicker .own-row > Vertical { height: auto; width: 1fr; }
    CheckinPicker #own-form Label { margin-top: 0; }
    """
        + FORM_CSS
    )
    CSS = FORM_BOX_CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "ask", "Ask the room", priority=True),
        Binding("escape", "back", "Back"),
    ]

    def __init__(
        self,
        saved: Sequence[Question],
        can_ask: Callable[[Question], str | None],
    ) -> None:
        """``can_ask`` answers None when the hub would take the question, else why not."""
        super().__init__(id="checkin-picker")
        self.saved = list(saved)
        self.can_ask = can_ask
        self.own = False

    def compose(self) -> ComposeResult:
        options = [Option(question_prompt(PRESETS[key]), id=key) for key in PICKER_PRESETS]
        options += [
            Option(question_prompt(q, saved=True), id=f"saved-{n}")
            for n, q in enumerate(self.saved)
        ]
        options.append(Option(Content("Your own words…"), id=OWN_WORDS))
        with Vertical(id="checkin-dialog", classes="panel form-dialog"):
            yield Static("Ask the room a check-in question", classes="panel-title")
            yield Static(
                "Everyone answers on their own terminal. Answers are anonymous: you see how "
                "many answered, and the totals once you close it.",
                classes="hint",
            )
            yield OptionList(*options, id="checkin-questions")
            with Vertical(id="own-form"):
                yield Label("Your question")
                yield Input(max_length=MAX_PROMPT_CHARS, id="own-prompt")
                with Horizontal(classes="own-row"):
                    with Vertical():
                        yield Label("Lowest")
                        yield Input("0", max_length=2, id="own-low")
                    with Vertical():
                        yield Label("It means")
                        yield Input(max_length=MAX_WORDS_CHARS, id="own-low-words")
                with Horizontal(classes="own-row"):
                    with Vertical():
                        yield Label("Highest")
                        yield Input("10", max_length=2, id="own-high")
                    with Vertical():
                        yield Label("It means")
                        yield Input(max_length=MAX_WORDS_CHARS, id="own-high-words")
            yield Static("", id="checkin-message", classes="form-message")
        yield WrappingFooter(compact=True)

    def on_mount(self) -> None:
        self.query_one("#checkin-questions").focus()

    def chosen(self) -> Question | None:
        """The highlighted question (None for "your own words")."""
        option = self.query_one("#checkin-questions", OptionList).highlighted_option
        key = option.id if option is not None and option.id is not None else ""
        if key in PRESETS:
            return PRESETS[key]
        if key.startswith("saved-"):
            return self.saved[int(key.removeprefix("saved-"))]
        return None

    def own_question(self) -> Question | str:
        """The question typed in the form, or what to change."""

        def value(selector: str) -> str:
            return self.query_one(selector, Input).value.strip()

        prompt = " ".join(value("#own-prompt").split())
        if not prompt:
            return "Please write the question."
        try:
            low, high = int(value("#own-low")), int(value("#own-high"))
        except ValueError:
            return "The lowest and highest answers are whole numbers from 0 to 10."
        if not (0 <= low < high <= 10):
            return "The answers go from a lowest to a higher highest, between 0 and 10."
        return Question(
            prompt=prompt,
            low=low,
            high=high,
            low_words=value("#own-low-words"),
            high_words=value("#own-high-words"),
        )

    def _say(self, words: str) -> None:
        self.query_one("#checkin-message", Static).update(words)

    def action_ask(self) -> None:
        if not self.own:
            question = self.chosen()
            if question is None:  # "your own words": show the form
                self.own = True
                self.add_class("-own")
                self.query_one("#own-prompt").focus()
                return
        else:
            typed = self.own_question()
            if isinstance(typed, str):
                self._say(typed)
                return
            question = typed
        problem = self.can_ask(question)
        if problem is not None:
            self._say(problem)
            return
        self.dismiss(question)

    def action_back(self) -> None:
        if self.own:
            self.own = False
            self.remove_class("-own")
            self._say("")
            self.query_one("#checkin-questions").focus()
            return
        self.dismiss(None)

    @on(OptionList.OptionSelected, "#checkin-questions")
    def _clicked(self) -> None:
        self.action_ask()
