"""The group note a clinician completes and signs, on top of what the record drafted.

The record knows the facts (times, agenda, attendance, exercises run); a clinician adds what only
a person can: modality and topic, facilitators' credentials, interventions, group themes and, per
member, participation, observations and plan. That part (``NoteFields``) is stored as one JSON
document per session (``RecordLog.save_note``). Signing locks it for good: the store refuses to
write a signed note again, and anything said later is a dated, signed addendum, kept in order.
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal, get_args

import msgspec

from server.records import LogEntry, Recording
from server.store import Addendum, NoteSigned, RecordLog, StoreError
from shared.exercises import total_seconds
from shared.projections import attendance, member_attendance
from shared.roster import mark_words
from shared.state import SessionState
from shared.words import clock, day, whole_minutes

__all__ = [
    "PARTICIPATION",
    "Clinician",
    "IncompleteNote",
    "MemberNote",
    "Note",
    "NoteError",
    "NoteFields",
    "Participation",
    "add_addendum",
    "draft",
    "missing",
    "open_note",
    "participation_words",
    "save_note",
    "sign_note",
]

Participation = Literal["", "active", "moderate", "minimal", "none"]
"""A short scale a clinician picks from; "" until picked."""

PARTICIPATION: tuple[tuple[str, str], ...] = (
    ("active", "Active: contributed often and engaged with others"),
    ("moderate", "Moderate: contributed when invited"),
    ("minimal", "Minimal: present, spoke little"),
    ("none", "None: did not take part"),
)
"""Each value with the words a form and a note show for it."""

MAX_NAME = 80
MAX_TEXT = 4000


class NoteError(Exception):
    """The note cannot be changed that way; the message says what to do instead."""


class IncompleteNote(NoteError):
    """Signing was refused: ``fields`` names each missing field in the form's own words."""

    def __init__(self, fields: Sequence[str]) -> None:
        super().__init__("The note cannot be signed yet. Still missing: " + "; ".join(fields) + ".")
        self.fields = list(fields)


class Clinician(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    credentials: str = ""
    """e.g. "LCSW", "CADC-II": what a signature line carries after the name."""

    @property
    def signature(self) -> str:
        return f"{self.name}, {self.credentials}" if self.credentials else self.name


class MemberNote(msgspec.Struct, frozen=True, kw_only=True):
    """One person's part of the note. Attendance comes from the record, the rest from the
    clinician."""

    key: str
    """The roster member id, or the seat id in a session without a roster."""
    name: str
    attendance: str
    """In words: "present, 5 min late", "absent", "excused"."""
    attended: bool = True
    participation: Participation = ""
    observations: str = ""
    plan: str = ""


class NoteFields(msgspec.Struct, frozen=True, kw_only=True):
    """What the clinician completes; stored as the note's body."""

    modality: str = ""
    """e.g. "Group psychotherapy, CBT-based relapse prevention"."""
    topic: str = ""
    facilitators: tuple[Clinician, ...] = ()
    interventions: str = ""
    """Exercises run and skills taught; drafted from the exercises the record holds."""
    themes: str = ""
    members: tuple[MemberNote, ...] = ()
    signed_by: Clinician | None = None
    """Who signed (with ``Note.signed_at``); None while the note is a draft."""


@dataclass(frozen=True)
class Note:
    """A session's note as it stands: the fields, whether they were ever saved, and its
    signature and addenda."""

    session_id: str
    fields: NoteFields
    saved_at: float | None = None
    """None: a fresh draft from the record, never saved."""
    signed_at: float | None = None
    addenda: list[Addendum] = field(default_factory=list)

    @property
    def signed(self) -> bool:
        return self.signed_at is not None


def participation_words(value: str) -> str:
    return next((words for v, words in PARTICIPATION if v == value), "not recorded")


# -- the draft from the record ------------------------------------------------------------------


def _members(state: SessionState, events: Sequence[LogEntry]) -> tuple[MemberNote, ...]:
    """The roster members with their attendance; without a roster, the people who joined."""
    log = [event for _, event in events]
    if state.roster:
        return tuple(
            MemberNote(key=m.member, name=m.name, attendance=m.words, attended=m.attended)
            for m in member_attendance(log)
        )
    ended = state.ended_at
    return tuple(
        MemberNote(
            key=r.participant,
            name=r.name,
            attendance=mark_words(
                "present",
                r.minutes_late,
                0
                if r.left_at is None or ended is None
                else whole_minutes(max(0.0, ended - r.left_at.timestamp())),
            ),
        )
        for r in attendance(log)
    )


def _interventions(state: SessionState) -> str:
    ran = []
    for run in state.exercises:
        end = run.stopped_at if run.stopped_at is not None else run.started_at
        done = run.stopped_at is None or run.elapsed(end) >= total_seconds(run.exercise) - 1
        ran.append(run.exercise.title + ("" if done else " (stopped early)"))
    return ("Exercises run: " + "; ".join(ran) + ".") if ran else ""


def draft(recording: Recording) -> NoteFields:
    """What the record can say of the clinician's part: the facilitators (credentials to add),
    the topic item's title, the exercises run and every member with their attendance."""
    state = recording.final
    topic = next((item.title for item in state.agenda if item.kind == "topic"), "")
    return NoteFields(
        topic=topic,
        facilitators=tuple(Clinician(name=account) for account in state.facilitators),
        interventions=_interventions(state),
        members=_members(state, recording.events),
    )


def _refresh(fields: NoteFields, recording: Recording) -> NoteFields:
    """A saved draft with each member's attendance as the record now says (a correction made
    on the console after the note was started), and members who were added since."""
    fresh = {m.key: m for m in _members(recording.final, recording.events)}
    kept = {m.key for m in fields.members}
    members = [
        msgspec.structs.replace(
            m, attendance=fresh[m.key].attendance, attended=fresh[m.key].attended
        )
        if m.key in fresh
        else m
        for m in fields.members
    ]
    members += [m for key, m in fresh.items() if key not in kept]
    return msgspec.structs.replace(fields, members=tuple(members))


def open_note(log: RecordLog, recording: Recording) -> Note:
    """The session's note: as stored, or a fresh draft from the record."""
    session_id = recording.record.id
    row = log.note(session_id)
    if row is None:
        return Note(session_id, draft(recording))
    try:
        fields = msgspec.json.decode(row.body, type=NoteFields)
    except msgspec.MsgspecError as exc:
        raise NoteError(f"The note of session {session_id[:8]} cannot be read ({exc}).") from None
    if row.signed_at is None:
        fields = _refresh(fields, recording)
    return Note(session_id, fields, row.updated_at, row.signed_at, log.addenda(session_id))


# -- checking, saving, signing -----------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _text(raw: str) -> str:
    """Free text as typed, without control characters (line breaks and tabs stay)."""
    return _CONTROL.sub("", raw.replace("\r\n", "\n")).strip()[:MAX_TEXT]


def _line(raw: str) -> str:
    return " ".join(_CONTROL.sub(" ", raw).split())[:MAX_NAME]


def clean(fields: NoteFields) -> NoteFields:
    """Every field trimmed, control characters dropped, empty facilitator rows left out."""
    facilitators = tuple(
        Clinician(name=_line(c.name), credentials=_line(c.credentials))
        for c in fields.facilitators
        if _line(c.name) or _line(c.credentials)
    )
    members = tuple(
        msgspec.structs.replace(
            m,
            participation=m.participation if m.participation in get_args(Participation) else "",
            observations=_text(m.observations),
            plan=_text(m.plan),
        )
        for m in fields.members
    )
    return msgspec.structs.replace(
        fields,
        modality=_line(fields.modality),
        topic=_line(fields.topic),
        facilitators=facilitators,
        interventions=_text(fields.interventions),
        themes=_text(fields.themes),
        members=members,
    )


def missing(fields: NoteFields) -> list[str]:
    """Each field a signature needs that is still empty, in the words the form labels it with.

    Members who did not attend need nothing beyond their attendance; blank facilitator rows
    are left out, as saving leaves them out."""
    fields = clean(fields)
    found = []
    for label, value in (("Modality", fields.modality), ("Topic", fields.topic)):
        if not value.strip():
            found.append(label)
    if not fields.facilitators:
        found.append("Facilitators")
    for c in fields.facilitators:
        if not c.name.strip():
            found.append(f"the name of the facilitator with credentials {c.credentials}")
        elif not c.credentials.strip():
            found.append(f"Credentials of {c.name}")
    for label, value in (("Interventions", fields.interventions), ("Group themes", fields.themes)):
        if not value.strip():
            found.append(label)
    for m in fields.members:
        if not m.attended:
            continue
        gaps = [
            label
            for label, value in (
                ("participation", m.participation),
                ("observations", m.observations),
                ("plan", m.plan),
            )
            if not value.strip()
        ]
        if gaps:
            found.append(f"{m.name}: " + ", ".join(gaps))
    return found


def _signed_words(log: RecordLog, session_id: str) -> str:
    row = log.note(session_id)
    when = ""
    if row is not None and row.signed_at is not None:
        when = f" on {day(row.signed_at, None)} at {clock(row.signed_at, None)}"
    return f"This note was signed{when} and cannot be edited; add an addendum instead."


def save_note(
    log: RecordLog, session_id: str, fields: NoteFields, now: float | None = None
) -> NoteFields:
    """Keep a draft (as often as you like until it is signed); a signed note is refused."""
    cleaned = msgspec.structs.replace(clean(fields), signed_by=None)
    try:
        log.save_note(session_id, msgspec.json.encode(cleaned), time.time() if now is None else now)
    except NoteSigned:
        raise NoteError(_signed_words(log, session_id)) from None
    return cleaned


def sign_note(
    log: RecordLog,
    session_id: str,
    fields: NoteFields,
    signer: Clinician,
    now: float | None = None,
) -> NoteFields:
    """Save and lock the note with the signer's name and credentials, at ``now``.

    An incomplete note is an ``IncompleteNote`` naming every missing field, and nothing is
    saved; a signed one is refused like an edit."""
    by = Clinician(name=_line(signer.name), credentials=_line(signer.credentials))
    if not by.name or not by.credentials:
        raise NoteError("Signing needs your name and your credentials (e.g. LCSW).")
    cleaned = clean(fields)
    gaps = missing(cleaned)
    if gaps:
        raise IncompleteNote(gaps)
    signed = msgspec.structs.replace(cleaned, signed_by=by)
    try:
        log.save_note(
            session_id, msgspec.json.encode(signed), time.time() if now is None else now, sign=True
        )
    except NoteSigned:
        raise NoteError(_signed_words(log, session_id)) from None
    return signed


def add_addendum(
    log: RecordLog, session_id: str, by: Clinician, text: str, now: float | None = None
) -> Addendum:
    """Add dated, signed words after a note was signed (the note itself never changes)."""
    words = _text(text)
    if not words:
        raise NoteError("The addendum is empty.")
    if not _line(by.name):
        raise NoteError("An addendum needs the name of who adds it.")
    addendum = Addendum(
        time.time() if now is None else now,
        Clinician(name=_line(by.name), credentials=_line(by.credentials)).signature,
        words,
    )
    try:
        log.add_addendum(session_id, addendum)
    except StoreError:
        raise NoteError(
            "The note is not signed yet: edit it instead of adding an addendum."
        ) from None
    return addendum
