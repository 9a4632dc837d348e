"""The group note as one HTML page, rendered by Jinja2 from ``templates/note.html.j2``.

The environment autoescapes every value, so no recorded text (a title, a name, a note) can
become markup; the template holds all the markup and this module only prepares the words.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import tzinfo
from functools import cache

import jinja2

from server.export.model import NOTICE, AgendaRow, GroupNote
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

__all__ = ["to_html"]


@cache
def environment() -> jinja2.Environment:
    """Built once: the templates ship inside the package, next to this module."""
    return jinja2.Environment(
        loader=jinja2.PackageLoader("server.export", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


@dataclass(frozen=True)
class _Item:
    number: int
    title: str
    planned: str
    actual: str
    difference: str
    planned_width: str
    actual_width: str | None
    over: bool


@dataclass(frozen=True)
class _Person:
    name: str
    joined: str
    late: str
    away: str
    left: str


def _width(seconds: float, scale: float) -> str:
    return f"{100 * seconds / scale:.1f}%"


def _items(rows: list[AgendaRow]) -> list[_Item]:
    """The agenda with its bars: widths relative to the longest plan or run in the session."""
    scale = max(
        [max((r.planned_minutes + r.extended_minutes) * 60, r.actual_seconds or 0) for r in rows]
        + [1]
    )
    items = []
    for r in rows:
        plan = (r.planned_minutes + r.extended_minutes) * 60
        ran = r.actual_seconds
        items.append(
            _Item(
                number=r.number,
                title=r.title,
                planned=planned_words(r),
                actual=actual(r),
                difference=difference(r),
                planned_width=_width(plan, scale),
                actual_width=None if ran is None else _width(ran, scale),
                over=ran is not None and ran > plan,
            )
        )
    return items


def to_html(note: GroupNote, tz: tzinfo | None = None) -> str:
    """A self-contained page (no scripts, fonts or images to fetch) that prints cleanly."""
    people = [
        _Person(
            name=r.name,
            joined=clock(r.joined_at, tz),
            late=late_words(r),
            away=away_words(r, tz) or "-",
            left=left_words(r, tz, ended=note.session.ended),
        )
        for r in note.attendance
    ]
    return (
        environment()
        .get_template("note.html.j2")
        .render(
            title=title(note),
            notice=NOTICE,
            facts=facts(note, tz),
            agenda=_items(note.agenda),
            facilitator_notes=note.facilitator_notes,
            noted=[r for r in note.agenda if r.notes],
            attendance=people,
            exercises=[exercise_line(e, tz) for e in note.exercises],
            checkins=[checkin_line(c) for c in note.checkins],
            turns=[round_line(r, tz) for r in note.rounds] + [turn_line(t, tz) for t in note.turns],
            requests=[request_line(r) for r in note.requests],
            clinical=clinical_rows(note),
            not_written=NOT_WRITTEN,
            members=None
            if note.clinical is None
            else [(m.name, member_rows(m)) for m in note.clinical.members],
            signed=note.signature is not None,
            status=sentence(note_status(note, tz)),
            addenda=[addendum_line(a, tz) for a in note.addenda],
            empty=NONE,
            nobody=NOBODY,
        )
    )
