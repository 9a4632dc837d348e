"""Choosing on a row of options: the keys and the mouse pick one, the chosen one shows reversed.

``ScaleAnswer`` picks a number (a digit key at once), ``YesNoAnswer`` yes or no (Y and N), and
``QuestionAnswer`` an answer to any check-in ``Question``: a number from its ``low`` to its
``high`` (the digit key is the number itself), or one of its words (its first letter).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual import events
from textual.app import RenderResult
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from shared.questions import Question

__all__ = ["RESERVED_KEYS", "ChoiceRow", "QuestionAnswer", "ScaleAnswer", "YesNoAnswer"]


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


RESERVED_KEYS = frozenset("xq")
"""Letters the participant's screen uses for itself (back to the session, close)."""


class QuestionAnswer(ChoiceRow):
    """An answer to a check-in question; Enter sends the one chosen.

    On a numbered scale a digit key picks that number (1 picks 1 on a scale from 1 to 5), and →
    after 9 reaches 10. Answers in words get their first letter as a key when those letters
    differ (N and Y for No and Yes), else the digits 1, 2, 3 … in order.
    """

    class Confirmed(Message):
        """Enter was pressed with an answer chosen."""

        def __init__(self, row: QuestionAnswer, value: int) -> None:
            super().__init__()
            self.row = row
            self.value = value

        @property
        def control(self) -> QuestionAnswer:
            return self.row

    def __init__(self, question: Question, *, id: str | None = None) -> None:
        self.question = question
        self.numbers = tuple(question.values)
        labels = [question.label(value) for value in self.numbers]
        super().__init__(labels, id=id)
        self.keys = self._keys(question, labels)
        if question.labels:
            shown = "/".join(key.upper() for key in self.keys)
        else:
            shown = f"{self.keys[0]}–{self.keys[-1]}" if len(self.keys) > 1 else self.keys[0]
        for index, key in enumerate(self.keys):
            first = index == 0
            self._bindings.bind(
                key,
                f"choose({index})",
                "Choose" if first else "",
                show=first,
                key_display=shown if first else None,
            )
        self._bindings.bind("left", "nudge(-1)", "Change", key_display="← →")
        self._bindings.bind("right", "nudge(1)", show=False)
        self._bindings.bind("enter", "confirm", "Send")

    @staticmethod
    def _keys(question: Question, labels: Sequence[str]) -> list[str]:
        if question.labels:
            letters = [label[0].lower() for label in labels]
            if (
                len(set(letters)) == len(letters)
                and all(ch.isalpha() and ch.isascii() for ch in letters)
                and not RESERVED_KEYS & set(letters)
            ):
                return letters
            return [str(n) for n in range(1, min(len(labels), 9) + 1)]
        return [str(n) for n in question.values if n <= 9]

    @property
    def value(self) -> int | None:
        return None if self.chosen is None else self.numbers[self.chosen]

    def choose_value(self, value: int | None) -> None:
        self.chosen = None if value not in self.numbers else self.numbers.index(value)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "confirm":
            return not self.disabled
        return True

    def action_confirm(self) -> None:
        if self.value is not None:
            self.post_message(self.Confirmed(self, self.value))
