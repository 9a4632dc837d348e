"""What one person answers while practising alone, and those answers read back to them.

The answers live in a ``PrivateAnswers`` object and nowhere else: nothing here sends, nothing
here writes to disk, and the object goes when the exercise is left.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rich.text import Text

from shared.exercises import Exercise

__all__ = ["Answer", "PrivateAnswers", "answer_words"]

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
