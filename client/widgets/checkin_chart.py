"""A check-in's published answers: a small bar chart, the answer words and the middle answer.

The pure functions say what is drawn (tested without a terminal); ``CheckinChart`` draws it. Both
the participant terminal and the room board use them, so everyone reads the same picture. Only a
published distribution is ever drawn: below the hub's minimum there is nothing to draw, and the
words say so.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.widgets import Static

from shared.questions import Question, median
from shared.state import Checkin

__all__ = [
    "NOT_ENOUGH_WORDS",
    "CheckinChart",
    "chart_rows",
    "end_words",
    "median_words",
    "result_words",
]

NOT_ENOUGH_WORDS = "Not enough answers to show"
BLOCKS = " ▁▂▃▄▅▆▇█"


def end_words(question: Question) -> str:
    """What the ends of a numbered scale mean ("0 means none, 10 means very strong")."""
    if question.labels:
        return ""
    parts = []
    if question.low_words:
        parts.append(f"{question.low} means {question.low_words}")
    if question.high_words:
        parts.append(f"{question.high} means {question.high_words}")
    return (", ".join(parts) + ".").capitalize() if parts else ""


def _bar(count: int, top: int, height: int) -> int:
    """The bar's height in eighths of a row."""
    if count <= 0 or top <= 0:
        return 0
    return max(1, round(count / top * height * 8))


def chart_rows(question: Question, counts: Sequence[int], height: int = 5) -> list[str]:
    """Vertical bars, one column per answer: counts on top, bars, a base line, the answers."""
    labels = [question.label(value) for value in question.values]
    cell = max(3, *(len(label) for label in labels)) + 1
    top = max(counts, default=0)
    eighths = [_bar(count, top, height) for count in counts]
    rows: list[str] = []
    for level in range(height + 1, 0, -1):  # the top row holds the tallest bar's count
        line = ""
        for count, bar in zip(counts, eighths, strict=True):
            reach = -(-bar // 8)  # rows the bar reaches into, from the base line
            if level == reach + 1:
                text = str(count)
            elif level <= reach:
                text = BLOCKS[min(8, bar - (level - 1) * 8)] * (cell - 1)
            else:
                text = ""
            line += text.center(cell)
        rows.append(line.rstrip())
    rows.append("─" * (cell * len(labels)))
    rows.append("".join(label.center(cell) for label in labels).rstrip())
    return rows


def median_words(question: Question, counts: Sequence[int]) -> str:
    """The middle answer, in the question's own words."""
    middle = median(counts, question.low)
    if middle is None:
        return ""
    if middle == int(middle):
        return f"Middle answer: {question.label(int(middle))}"
    below, above = question.label(int(middle)), question.label(int(middle) + 1)
    if question.labels:
        return f"Middle answer: between {below} and {above}"
    return f"Middle answer: {middle:g}"


def result_words(checkin: Checkin) -> str:
    """How many answered, or why nothing is drawn (a closed check-in)."""
    answered = checkin.answered or 0
    people = "1 person" if answered == 1 else f"{answered} people"
    if checkin.counts is None:
        return (
            f"{NOT_ENOUGH_WORDS}: {people} answered, and at least {checkin.minimum} are needed "
            "so nobody's answer can be picked out."
        )
    return f"{people} answered."


class CheckinChart(Static):
    """A closed check-in's published answers, or the words saying there are too few to show."""

    DEFAULT_CSS = """
    CheckinChart { height: auto; }
    """

    def __init__(self, *, height: int = 5, id: str | None = None) -> None:
        super().__init__("", id=id)
        self._bars = height

    def show(self, checkin: Checkin | None) -> None:
        text = Text()
        if checkin is not None and not checkin.open:
            text.append(result_words(checkin))
            if checkin.counts is not None:
                question = checkin.question
                text.append("\n")
                text.append("\n".join(chart_rows(question, checkin.counts, self._bars)))
                text.append("\n")
                ends = end_words(question)
                if ends:
                    text.append(ends + "\n", style="dim")
                text.append(median_words(question, checkin.counts), style="bold")
        self.update(text)
