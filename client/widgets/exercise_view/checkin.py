"""A check-in question on a participant's terminal: answered privately, changed until it closes,
then its published answers.

It draws what it is given (the check-in from the state, this terminal's ``CheckinAsk``, how many
have answered) and reports a chosen answer upward with ``Answered``; the app sends it.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Static

from client.following import CheckinAsk, answered_words
from client.widgets.checkin_chart import CheckinChart, end_words
from client.widgets.exercise_view.choices import ChoiceRow, QuestionAnswer
from shared.questions import Question
from shared.state import Checkin

__all__ = [
    "ANONYMOUS_WORDS",
    "CLOSED_WORDS",
    "CheckinQuestion",
    "how_to_words",
]

ANONYMOUS_WORDS = (
    "Your answer is anonymous: nobody sees what you chose, not even the facilitator. When the "
    "check-in closes, everyone sees only how many chose each answer, and only if enough people "
    "answered."
)
CLOSED_WORDS = "The check-in has closed. Thank you."


def how_to_words(question: Question, keys: tuple[str, ...] | list[str]) -> str:
    """Which keys answer, in a sentence."""
    if question.labels:
        named = " or ".join(key.upper() for key in keys)
        pick = f"Press {named}, or use ← and →"
    else:
        pick = f"Press a number key from {keys[0]} to {keys[-1]}, or use ← and →"
        if question.high > 9:
            pick += f" (→ after 9 gives {question.high})"
    return f"{pick}. Enter sends your answer. X goes back to the session."


class CheckinQuestion(Vertical):
    """One check-in: the question and the answer row while open, the answers once closed."""

    DEFAULT_CSS = """
    CheckinQuestion { height: auto; padding: 1 2; }
    CheckinQuestion #checkin-prompt { text-style: bold; }
    CheckinQuestion #checkin-row { height: auto; }
    CheckinQuestion #checkin-anonymous { margin-top: 1; }
    CheckinQuestion #checkin-status { margin-top: 1; text-style: bold; }
    CheckinQuestion #checkin-chart { margin-top: 1; }
    """

    class Answered(Message):
        """The participant chose an answer and pressed Enter."""

        def __init__(self, checkin: int, value: int) -> None:
            super().__init__()
            self.checkin = checkin
            self.value = value

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.number: int | None = None
        self.answer: QuestionAnswer | None = None
        self._ask: CheckinAsk | None = None

    def compose(self) -> ComposeResult:
        yield Static("Check-in", classes="panel-title")
        yield Static("", id="checkin-after", classes="hint")
        yield Static("", id="checkin-prompt")
        yield Static("", id="checkin-ends")
        yield Vertical(id="checkin-row")
        yield Static("", id="checkin-chosen")
        yield Static("", id="checkin-how", classes="hint")
        yield Static(ANONYMOUS_WORDS, id="checkin-anonymous", classes="hint")
        yield Static("", id="checkin-status")
        yield Static("", id="checkin-count")
        yield CheckinChart(id="checkin-chart")

    def _put(self, selector: str, words: str) -> None:
        widget = self.query_one(selector, Static)
        widget.update(Text(words))
        widget.display = bool(words)

    def show(
        self,
        checkin: Checkin | None,
        ask: CheckinAsk | None,
        answered: int | None = None,
        after: str = "",
    ) -> None:
        """Draw ``checkin`` as this terminal stands with it; ``answered``: how many so far."""
        if checkin is None:
            return
        question = checkin.question
        self._ask = ask
        if checkin.number != self.number:
            self._new_row(checkin)
        row = self.answer
        assert row is not None
        is_open = checkin.open
        self._put("#checkin-after", f"After {after}" if after else "")
        self._put("#checkin-prompt", question.prompt)
        self._put("#checkin-ends", end_words(question) if is_open else "")
        for selector in ("#checkin-row", "#checkin-chosen", "#checkin-how", "#checkin-anonymous"):
            self.query_one(selector).display = is_open
        self.query_one("#checkin-how", Static).update(Text(how_to_words(question, row.keys)))
        row.disabled = not is_open  # while an answer is on its way, Enter waits (the app)
        self._put("#checkin-status", self._status(checkin, ask))
        count = answered_words(answered) if is_open and answered is not None else ""
        self._put("#checkin-count", count)
        chart = self.query_one(CheckinChart)
        chart.show(checkin)
        chart.display = not is_open
        self._chosen()

    def _status(self, checkin: Checkin, ask: CheckinAsk | None) -> str:
        label = checkin.question.label
        if not checkin.open:
            return CLOSED_WORDS
        if ask is None:
            return ""
        if ask.status == "sending":
            return "Sending…"
        if ask.status == "problem":
            return f"{ask.words} You can choose again.".strip()
        if ask.answer is not None:
            return (
                f"You answered {label(ask.answer)}. "
                "You can change it until the facilitator closes the check-in."
            )
        return ""

    def _new_row(self, checkin: Checkin) -> None:
        holder = self.query_one("#checkin-row", Vertical)
        holder.remove_children()
        self.answer = QuestionAnswer(checkin.question, id=f"checkin-answer-{checkin.number}")
        holder.mount(self.answer)
        self.number = checkin.number

    def _chosen(self) -> None:
        row = self.answer
        value = None if row is None else row.value
        words = ""
        ask = self._ask
        sent = ask is not None and ask.status == "answered" and ask.answer == value
        if row is not None and value is not None and not row.disabled and not sent:
            words = f"You chose {row.question.label(value)}. Press Enter to send it."
        self.query_one("#checkin-chosen", Static).update(Text(words))

    @on(ChoiceRow.Changed)
    def _changed(self, event: ChoiceRow.Changed) -> None:
        event.stop()
        self._chosen()

    @on(QuestionAnswer.Confirmed)
    def _confirmed(self, event: QuestionAnswer.Confirmed) -> None:
        event.stop()
        if self.number is not None:
            self.post_message(self.Answered(self.number, event.value))
