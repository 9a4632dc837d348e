"""The group note's own sentences, the same in every format (the renderers only add markup).

Times, durations and counts come from ``shared.words``, so the note reads like the review
screen and the CLI.
"""

from __future__ import annotations

from datetime import tzinfo

from server.export.model import (
    AddendumEntry,
    CheckInAggregate,
    ExerciseEntry,
    GroupNote,
    PrivateRequest,
    RoundEntry,
    TurnEntry,
)
from server.notes import MemberNote, participation_words
from shared.words import clock, day, median_words, minutes, plural, scores, zone

__all__ = [
    "NOBODY",
    "NOT_WRITTEN",
    "TOO_FEW",
    "addendum_line",
    "checkin_line",
    "clinical_rows",
    "exercise_line",
    "facts",
    "member_rows",
    "note_status",
    "request_line",
    "round_line",
    "sentence",
    "status_words",
    "title",
    "turn_line",
]

NOBODY = "Nobody joined."


NOT_WRITTEN = "Not written yet: complete it in circle review (n on the session)."


def title(note: GroupNote) -> str:
    if note.participant is not None:
        kind = "Attendance note" if note.clinical is None else "Member note"
        return f"{kind}: {note.participant}, {note.session.title}"
    kind = "Group note" if note.signature is not None else "Group note draft"
    return f"{kind}: {note.session.title}"


def note_status(note: GroupNote, tz: tzinfo | None) -> str:
    """Signed (by whom, when, how many addenda) or an unsigned draft."""
    if note.signature is None:
        return "unsigned draft" if note.clinical is not None else "unsigned draft, not started"
    signed = note.signature
    added = f", {plural(len(note.addenda), 'addendum', 'addenda')}" if note.addenda else ""
    return f"signed by {signed.by} on {day(signed.at, tz)} at {clock(signed.at, tz)}{added}"


def sentence(words: str) -> str:
    """Words as a sentence of their own: a capital first letter (nothing else changed), a stop."""
    return words[:1].upper() + words[1:] + "."


def clinical_rows(note: GroupNote) -> list[tuple[str, str]]:
    """The clinician's session-wide fields as (label, value); empty before the note is begun."""
    clinical = note.clinical
    if clinical is None:
        return []
    facilitators = "; ".join(c.signature for c in clinical.facilitators)
    return [
        ("Modality", clinical.modality or "-"),
        ("Topic", clinical.topic or "-"),
        ("Facilitators", facilitators or "-"),
        ("Interventions", clinical.interventions or "-"),
        ("Group themes", clinical.themes or "-"),
    ]


def member_rows(member: MemberNote) -> list[tuple[str, str]]:
    """One member's part: attendance from the record, the rest from the clinician."""
    if not member.attended:
        return [("Attendance", member.attendance)]
    return [
        ("Attendance", member.attendance),
        ("Participation", participation_words(member.participation)),
        ("Observations", member.observations or "-"),
        ("Plan", member.plan or "-"),
    ]


def addendum_line(entry: AddendumEntry, tz: tzinfo | None) -> str:
    return f"{day(entry.at, tz)} {clock(entry.at, tz)}, {entry.by}: {entry.text}"


def status_words(note: GroupNote, tz: tzinfo | None) -> str:
    facts = note.session
    if facts.ended:
        return f"ended at {clock(facts.ended_at, tz)}, {facts.duration_minutes} min"
    if facts.started_at is None:
        return "not started, not ended"
    return f"not ended (last record {clock(note.as_of, tz)})"


def facts(note: GroupNote, tz: tzinfo | None) -> list[tuple[str, str]]:
    """The note's header as (label, value) pairs."""
    session = note.session
    rows = [("Group", note.group)] if note.group else []
    rows += [
        ("Session", session.title),
        ("Agenda template", session.template),
        ("Date", f"{day(session.created_at, tz)} (times in {zone(session.created_at, tz)})"),
        ("Started", clock(session.started_at, tz) if session.started_at else "not started"),
        ("Status", status_words(note, tz)),
    ]
    if note.participant is None:
        late = f", {session.late} late" if session.late else ""
        rows.append(("Attendance", f"{session.joined} joined{late}"))
    rows.append(("Share text", "recorded" if session.share_text_recorded else "not recorded"))
    rows.append(("Note", note_status(note, tz)))
    rows.append(("Session id", session.id))
    return rows


def exercise_line(entry: ExerciseEntry, tz: tzinfo | None) -> str:
    stopped = "" if entry.completed else " (stopped early)"
    return f"{entry.title}, {clock(entry.started_at, tz)}, {minutes(entry.minutes * 60)}{stopped}"


TOO_FEW = "not enough answers to show"


def checkin_line(checkin: CheckInAggregate) -> str:
    """The question, how many answered, and the published distribution in its answer words."""
    question = f"{checkin.question} ({checkin.scale})" if checkin.scale else checkin.question
    if checkin.counts is None:
        return f"{question}: {checkin.answered} answered; {TOO_FEW} (fewer than {checkin.minimum})"
    middle = median_words(checkin.median)
    given = scores(checkin.counts, checkin.answers)
    return f"{question}: {checkin.answered} answered; {given}" + (f"; {middle}" if middle else "")


def _seconds(seconds: int) -> str:
    """A speaking turn's length: "45 s", "2 min 05 s"."""
    whole, rest = divmod(max(0, seconds), 60)
    return f"{whole} min {rest:02} s" if whole else f"{rest} s"


def turn_line(turn: TurnEntry, tz: tzinfo | None) -> str:
    """Who had the floor, when, for how long; never what was said."""
    where = f" (round {turn.round}, turn {turn.turn} of {turn.of})" if turn.turn else ""
    return f"{turn.name}, {clock(turn.started_at, tz)}, {_seconds(turn.seconds)}{where}"


def round_line(entry: RoundEntry, tz: tzinfo | None) -> str:
    return (
        f"Round {entry.number}, {clock(entry.started_at, tz)}, {minutes(entry.minutes * 60)}, "
        f"{entry.turns} of {plural(entry.of, 'turn')}"
    )


def request_line(request: PrivateRequest) -> str:
    """A private request to talk after group, for the facilitators' record."""
    state = "handled" if request.handled else "not marked handled"
    return f"{request.name}: {request.request} ({state})"
