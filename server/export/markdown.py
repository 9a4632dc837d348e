"""The group note as Markdown: plain enough to paste into an EHR's note field."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import tzinfo

from server.export.model import NOTICE, GroupNote
from server.export.words import (
    NOBODY,
    NOT_WRITTEN,
    addendum_line,
    checkin_line,
    clinical_rows,
    exercise_line,
    facts,
    member_rows,
    note_status,
    request_line,
    round_line,
    sentence,
    title,
    turn_line,
)
from shared.words import NONE, actual, away_words, clock, difference, late_words, left_words
from shared.words import planned as planned_words

__all__ = ["to_markdown"]

_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_[]<>|#"})


def _md(text: str) -> str:
    """Recorded text shown literally: no markup, no line breaks, no table cell breaking out."""
    return " ".join(text.translate(_SPECIAL).split())


def _md_lines(text: str, indent: str = "  ") -> str:
    """Free text in a list item, its line breaks kept: each line shown literally, a line break
    as a hard break and a blank line as a new paragraph, indented to stay inside the item."""
    paragraphs = (
        ("\\\n" + indent).join(_md(line) for line in paragraph.splitlines() if line.strip())
        for paragraph in re.split(r"\n\s*\n", text.strip())
    )
    return ("\n\n" + indent).join(p for p in paragraphs if p)


def _table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_md(cell) for cell in row) + " |" for row in rows]
    return lines


def to_markdown(note: GroupNote, tz: tzinfo | None = None) -> str:
    """Headings, short lists and pipe tables."""
    ended = note.session.ended
    out = [f"# {_md(title(note))}", "", f"> {NOTICE}", ""]
    out += [f"- {label}: {_md(value)}" for label, value in facts(note, tz)]
    out += ["", "## Clinician's note", ""]
    clinical = clinical_rows(note)
    out += [f"- {label}: {_md_lines(value)}" for label, value in clinical] or [NOT_WRITTEN]
    out += ["", "## Agenda: planned vs actual", ""]
    if note.agenda:
        out += _table(
            ("#", "Item", "Planned", "Actual", "Difference"),
            (
                (str(r.number), r.title, planned_words(r), actual(r), difference(r))
                for r in note.agenda
            ),
        )
    else:
        out.append(NONE)
    if note.facilitator_notes:
        out += ["", "### Facilitator notes", ""]
        noted = [r for r in note.agenda if r.notes]
        out += [f"{r.number}. {_md(r.title)}: {_md(r.notes or '')}" for r in noted] or [NONE]
    out += ["", "## Attendance", ""]
    if note.attendance:
        out += _table(
            ("Name", "Joined", "Late", "Away", "Left"),
            (
                (
                    r.name,
                    clock(r.joined_at, tz),
                    late_words(r),
                    away_words(r, tz) or "-",
                    left_words(r, tz, ended=ended),
                )
                for r in note.attendance
            ),
        )
    else:
        out.append(NOBODY)
    if note.clinical is not None:
        out += ["", "## Members", ""]
        for member in note.clinical.members:
            out += [f"### {_md(member.name)}", ""]
            out += [f"- {label}: {_md_lines(value)}" for label, value in member_rows(member)]
            out.append("")
        if not note.clinical.members:
            out += [NOBODY, ""]
        out.pop()
    out += ["", "## Exercises", ""]
    out += [f"- {_md(exercise_line(e, tz))}" for e in note.exercises] or [NONE]
    out += ["", "## Check-ins (aggregates)", ""]
    out += [f"- {_md(checkin_line(c))}" for c in note.checkins] or [NONE]
    out += ["", "## Speaking turns (durations only)", ""]
    out += [f"- {_md(round_line(r, tz))}" for r in note.rounds]
    out += [f"- {_md(turn_line(t, tz))}" for t in note.turns] or [NONE]
    out += ["", "## Private requests to talk after group", ""]
    out += [f"- {_md(request_line(r))}" for r in note.requests] or [NONE]
    out += ["", "## Signature", "", _md(sentence(note_status(note, tz)))]
    if note.addenda:
        out += ["", "### Addenda (after signing, oldest first)", ""]
        out += [
            f"{n}. {_md_lines(addendum_line(a, tz), '   ')}" for n, a in enumerate(note.addenda, 1)
        ]
    out.append("")
    return "\n".join(out)
