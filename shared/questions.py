"""Check-in questions: a scale the room answers anonymously, and what its published answers say.

The presets are the ones IOP groups open and close with; a facilitator may also ask in their
own words. Every answer is a whole number from ``low`` to ``high``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

from msgspec import Meta, Struct

MAX_PROMPT_CHARS = 160
MAX_WORDS_CHARS = 24


class Question(Struct, frozen=True, kw_only=True, forbid_unknown_fields=True, omit_defaults=True):
    """A scale question: the words people read and the numbers they may answer."""

    prompt: Annotated[str, Meta(min_length=1, max_length=MAX_PROMPT_CHARS)]
    """The question, as people read it (e.g. "How strong is any craving right now?")."""
    low: Annotated[int, Meta(ge=0, le=9)] = 0
    """The lowest answer."""
    high: Annotated[int, Meta(ge=1, le=10)] = 10
    """The highest answer (more than ``low``)."""
    low_words: Annotated[str, Meta(max_length=MAX_WORDS_CHARS)] = ""
    """What the lowest answer means (e.g. "none")."""
    high_words: Annotated[str, Meta(max_length=MAX_WORDS_CHARS)] = ""
    """What the highest answer means (e.g. "very strong")."""
    labels: tuple[Annotated[str, Meta(min_length=1, max_length=MAX_WORDS_CHARS)], ...] = ()
    """A word for each answer from ``low`` to ``high``, for a choice such as No/Yes; empty for
    a numbered scale."""

    @property
    def values(self) -> range:
        return range(self.low, self.high + 1)

    def label(self, value: int) -> str:
        """How an answer is written: its label, or its number."""
        return self.labels[value - self.low] if self.labels else str(value)

    def problem(self) -> str | None:
        """Why this question cannot be asked, in words for the facilitator (None: it can)."""
        if not self.prompt.strip():
            return "Please write the question."
        if self.low >= self.high:
            return "The highest answer must be more than the lowest."
        if self.labels and len(self.labels) != len(self.values):
            return f"Give one word for each answer from {self.low} to {self.high}."
        return None


PRESETS: dict[str, Question] = {
    "mood": Question(
        prompt="How is your mood right now?", low_words="very low", high_words="very good"
    ),
    "craving": Question(
        prompt="How strong is any craving right now?", low_words="none", high_words="very strong"
    ),
    "safety": Question(
        prompt="How safe do you feel in this group today?",
        low=1,
        high=5,
        low_words="not safe",
        high_words="very safe",
    ),
    "used": Question(prompt="Have you used since the last group?", high=1, labels=("No", "Yes")),
    "feeling": Question(
        prompt="How do you feel now?", low_words="very low", high_words="very good"
    ),
}
"""The check-ins a facilitator can ask with one key; ``feeling`` follows a room exercise."""

FEELING = PRESETS["feeling"]


def median(counts: Sequence[int], low: int = 0) -> float | None:
    """The middle answer of a published distribution (``counts[i]`` answered ``low + i``)."""
    total = sum(counts)
    if not total:
        return None
    values = [low + i for i, n in enumerate(counts) for _ in range(n)]
    middle = total // 2
    return float(values[middle]) if total % 2 else (values[middle - 1] + values[middle]) / 2
