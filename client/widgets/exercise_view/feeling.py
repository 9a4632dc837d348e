"""The question after a room exercise: "How do you feel now?", 0-10, anonymous, skippable."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Static

from client.following import FeelingAsk
from client.widgets.exercise_view.choices import ChoiceRow, ScaleAnswer

__all__ = [
    "ANONYMOUS_WORDS",
    "FEELING_HOW_TO",
    "FEELING_SCALE_WORDS",
    "THANKS_WORDS",
    "FeelingQuestion",
]

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
        answering = ask is None or ask.answering
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
