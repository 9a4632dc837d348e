"""The group note as data: one model built from a recorded session, rendered in every format.

What a note may contain is decided once, here, in ``build_note``: facilitator notes only when
asked for, share text only when the session was created with "record shared text" on, and a
per-participant note names nobody else. The renderers only lay out what this model holds.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Literal

from msgspec import Struct
from msgspec.structs import replace

from server.notes import MemberNote, Note, NoteFields
from server.records import LogEntry
from shared.exercises import total_seconds
from shared.projections import (
    Absence,
    AgendaRow,
    AttendanceRow,
    agenda,
    attendance,
    last_time,
    moment,
)
from shared.questions import Question
from shared.state import SessionState
from shared.words import whole_minutes

__all__ = [
    "FORMAT_VERSION",
    "NOTICE",
    "Absence",
    "AddendumEntry",
    "AgendaRow",
    "AttendanceRow",
    "CheckInAggregate",
    "ExerciseEntry",
    "ExportError",
    "Format",
    "GroupNote",
    "PrivateRequest",
    "RoundEntry",
    "SessionFacts",
    "SharedText",
    "Signature",
    "TurnEntry",
    "as_of",
    "build_note",
]

NOTICE = (
    "42 CFR Part 2 notice: This record which has been disclosed to you is protected by federal "
    "confidentiality rules (42 CFR part 2). These rules prohibit you from making any further "
    "disclosure of information in this record that identifies a patient as having or having had "
    "a substance use disorder either directly, by reference to publicly available information, "
    "or through verification of such identification by another person unless further "
    "disclosure is expressly permitted by the written consent of the individual whose "
    "information is being disclosed or as otherwise permitted by 42 CFR part 2. A general "
    "authorization for the release of medical or other information is NOT sufficient for this "
    "purpose. The federal rules restrict any use of the information to investigate or "
    "prosecute with regard to a crime any patient with a substance use disorder, except as "
    "provided at 42 CFR 2.12(c)(5) and 2.65."
)
"""Every rendering carries the 42 CFR Part 2 redisclosure notice."""

Format = Literal["md", "html", "json"]

FORMAT_VERSION = 3
"""2: check-ins below the minimum are listed without counts; speaking turns and rounds.
3: the clinician's part (``clinical``), its signature and addenda, and the group's name."""

OTHER_MEMBER = "[another member]"
"""What a per-member note says where a free text named someone else of the group."""


class ExportError(ValueError):
    """What was asked cannot be exported (e.g. no participant by that name); one line."""


class SessionFacts(Struct, kw_only=True):
    id: str
    title: str
    template: str
    room_code: str
    status: str
    ended: bool
    created_at: datetime
    started_at: datetime | None
    ended_at: datetime | None
    duration_minutes: int | None
    """Start to end, whole minutes; None until the session has both."""
    share_text_recorded: bool
    joined: int
    late: int


class ExerciseEntry(Struct, kw_only=True):
    title: str
    started_at: datetime
    minutes: int
    """Time the room spent on it, pauses left out."""
    completed: bool
    """Ran to its last step (False: stopped early, or still running at the last record)."""


class CheckInAggregate(Struct, kw_only=True):
    """A closed check-in as the hub published it: never anything per person, and no counts at
    all when fewer than the minimum answered."""

    question: str
    answered: int
    counts: list[int] | None
    """Answers per value, lowest first: ``answers`` names each. None: too few answered to show."""
    answers: list[str]
    """The values' words (their numbers, or labels such as No/Yes), lowest first."""
    median: float | None = None
    minimum: int = 3
    """The hub's threshold when it was published, so the note can say why counts are missing."""
    scale: str = ""
    """What the ends of a numbered scale mean, e.g. "0 = none, 10 = very strong"."""


class TurnEntry(Struct, kw_only=True):
    """Someone had the floor: who, when and for how long. Never what was said, never a pass."""

    participant: str
    name: str
    started_at: datetime
    seconds: int
    """How long they had the floor (to the last record, if it had not ended)."""
    round: int | None = None
    """The go-around it was a turn of (1, 2 …), if any."""
    turn: int | None = None
    of: int | None = None


class RoundEntry(Struct, kw_only=True):
    """A go-around: when, how long, and how many of its turns came (no order, no passes)."""

    number: int
    started_at: datetime
    minutes: int
    turns: int
    """Turns started (someone away when their turn came is passed over)."""
    of: int


class PrivateRequest(Struct, kw_only=True):
    participant: str
    name: str
    request: str
    handled: bool


class SharedText(Struct, kw_only=True):
    number: int
    status: str
    text: str


class Signature(Struct, kw_only=True):
    by: str
    """Name and credentials, as signed: "Dana Lee, LCSW"."""
    at: datetime


class AddendumEntry(Struct, kw_only=True):
    at: datetime
    by: str
    text: str


class GroupNote(Struct, kw_only=True):
    notice: str
    format_version: int
    participant: str | None
    """The display name a per-participant note is for; None for the whole group."""
    session: SessionFacts
    group: str | None = None
    """The recurring group the session was a meeting of, if any."""
    clinical: NoteFields | None = None
    """What the clinician completed (a per-member note keeps that member only); None when
    nobody has started the note yet."""
    signature: Signature | None = None
    """None: an unsigned draft."""
    addenda: list[AddendumEntry] = []
    """Words added after signing, oldest first."""
    as_of: datetime | None
    """The last moment the log records: the end, or the last event of an unfinished session."""
    agenda: list[AgendaRow]
    attendance: list[AttendanceRow]
    exercises: list[ExerciseEntry]
    checkins: list[CheckInAggregate]
    turns: list[TurnEntry]
    rounds: list[RoundEntry]
    requests: list[PrivateRequest]
    """Private "talk with a counselor after group" requests: the facilitators' record."""
    shares: list[SharedText] | None
    """None when share text was not recorded or does not belong in this note."""
    facilitator_notes: bool


def as_of(events: Iterable[LogEntry]) -> float | None:
    """The latest hub time the stored log records (``shared.projections.last_time``)."""
    return last_time(event for _, event in events)


def _utc(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, UTC)


def _activities(
    state: SessionState, now: float | None
) -> tuple[list[ExerciseEntry], list[CheckInAggregate], list[PrivateRequest]]:
    """Exercises run, check-in aggregates and private requests: the one place they are filled.

    Check-ins are only those that reached the minimum count (the hub withholds the others'
    counts). Private requests are for the facilitators' record: the per-participant filter
    keeps only that person's.
    """
    exercises = []
    for run in state.exercises:
        end = run.stopped_at if run.stopped_at is not None else (now or run.started_at)
        on_timeline = run.elapsed(end)
        exercises.append(
            ExerciseEntry(
                title=run.exercise.title,
                started_at=_utc(run.started_at),
                minutes=whole_minutes(max(0.0, on_timeline - run.skipped)),
                completed=on_timeline >= total_seconds(run.exercise) - 1,
            )
        )
    checkins = []
    for checkin in state.checkins:
        if checkin.open or checkin.answered is None:
            continue
        ran = state.run(checkin.run) if checkin.run is not None else None
        after = f" (after {ran.exercise.title})" if ran is not None else ""
        question = checkin.question
        checkins.append(
            CheckInAggregate(
                question=f"{question.prompt}{after}",
                answered=checkin.answered,
                counts=None if checkin.counts is None else list(checkin.counts),
                answers=[question.label(value) for value in question.values],
                median=checkin.median,
                minimum=checkin.minimum,
                scale=_scale_words(question),
            )
        )
    requests = [
        PrivateRequest(
            participant=r.participant,
            name=r.name,
            request=r.note or "(no note)",
            handled=r.handled_at is not None,
        )
        for r in state.requests
    ]
    return exercises, checkins, requests


def _scale_words(question: Question) -> str:
    ends = [(question.low, question.low_words), (question.high, question.high_words)]
    if question.labels or not all(words for _, words in ends):
        return ""
    return ", ".join(f"{value} = {words}" for value, words in ends)


def _floor(state: SessionState, now: float | None) -> tuple[list[TurnEntry], list[RoundEntry]]:
    """Speaking turns and go-arounds as durations only."""
    end = now or 0.0
    rounds, turns = [], []
    for number, going in enumerate(state.rounds, 1):
        finished = going.ended_at if going.ended_at is not None else end
        rounds.append(
            RoundEntry(
                number=number,
                started_at=_utc(going.started_at),
                minutes=whole_minutes(max(0.0, finished - going.started_at)),
                turns=going.taken,
                of=len(going.order),
            )
        )
    for turn in state.turns:
        in_round: int | None = None
        if turn.turn is not None:  # the last round started at or before the turn
            in_round = sum(1 for r in state.rounds if r.started_at <= turn.started_at) or None
        turns.append(
            TurnEntry(
                participant=turn.participant,
                name=turn.name,
                started_at=_utc(turn.started_at),
                seconds=round(max(0.0, turn.elapsed(max(end, turn.started_at)))),
                round=in_round,
                turn=turn.turn,
                of=turn.of,
            )
        )
    return turns, rounds


def _shares(state: SessionState) -> list[SharedText] | None:
    if not state.record_shares:
        return None
    return [SharedText(number=s.id, status=s.status, text=s.text) for s in state.shares]


def _the_participant(rows: Sequence[AttendanceRow], name: str) -> AttendanceRow:
    wanted = name.strip().casefold()
    found = [r for r in rows if r.name.casefold() == wanted or r.participant == name.strip()]
    if not found:
        raise ExportError(f"Nobody called {name!r} joined this session.")
    if len(found) > 1:
        ids = ", ".join(r.participant for r in found)
        raise ExportError(
            f"{len(found)} participants are called {name!r}; give one id instead ({ids})."
        )
    return found[0]


def _others_unnamed(text: str, names: Sequence[str]) -> str:
    """Free text with every other member's name replaced, whole words, case ignored."""
    for name in sorted({n for n in names if n.strip()}, key=len, reverse=True):
        text = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", OTHER_MEMBER, text, flags=re.IGNORECASE)
    return text


def _their_part(
    fields: NoteFields, state: SessionState, person: AttendanceRow | None, name: str
) -> tuple[NoteFields, MemberNote | None]:
    """The clinician's part for one member: their entry only, and no other member's name in
    any free text (themes and interventions are about the whole group)."""
    seat_member = {m.seat: m.member for m in state.roster if m.seat}
    key = None if person is None else seat_member.get(person.participant, person.participant)
    wanted = name.strip().casefold()
    mine = [
        m for m in fields.members if m.key == key or (key is None and m.name.casefold() == wanted)
    ]
    own = mine[0] if mine else None
    keep = {own.name.casefold() if own else wanted, wanted}
    if person is not None:
        keep.add(person.name.casefold())
    others = [m.name for m in fields.members if m.name.casefold() not in keep]
    others += [p.name for p in state.participants if p.name.casefold() not in keep]

    def hide(text: str) -> str:
        return _others_unnamed(text, others)

    member = None
    if own is not None:
        member = replace(own, observations=hide(own.observations), plan=hide(own.plan))
    part = replace(
        fields,
        modality=hide(fields.modality),
        topic=hide(fields.topic),
        interventions=hide(fields.interventions),
        themes=hide(fields.themes),
        members=() if member is None else (member,),
    )
    return part, member


def build_note(
    state: SessionState,
    events: Sequence[LogEntry],
    *,
    participant: str | None = None,
    include_notes: bool = False,
    written: Note | None = None,
) -> GroupNote:
    """The note for the whole group, or (``participant``: a display name) for one person.

    ``state`` is what ``reduce`` rebuilt from ``events`` (the log up to the moment shown). A
    per-participant note keeps that person's attendance and requests only, and no share text
    (anyone's words may name someone); the agenda and the anonymous aggregates stay.
    """
    log = [event for _, event in events]
    now = last_time(log)
    people = attendance(log)
    exercises, checkins, requests = _activities(state, now)
    turns, rounds = _floor(state, now)
    shares = _shares(state)
    clinical = written.fields if written is not None and written.saved_at is not None else None
    addenda = [
        AddendumEntry(at=_utc(a.at), by=a.account, text=a.text)
        for a in (written.addenda if written is not None else [])
    ]
    shown_as = participant
    if participant is not None:
        person: AttendanceRow | None
        try:
            person = _the_participant(people, participant)
        except ExportError:
            # a roster member who never had a terminal (absent, or marked present)
            if clinical is None or not any(
                m.name.casefold() == participant.strip().casefold() for m in clinical.members
            ):
                raise
            person = None
        seat = None if person is None else person.participant
        people = [] if person is None else [person]
        shown_as = participant.strip() if person is None else person.name
        requests = [r for r in requests if r.participant == seat]
        turns = [t for t in turns if t.participant == seat]
        shares = None
        if clinical is not None:
            clinical, _ = _their_part(clinical, state, person, participant)
            others = [m.name for m in written.fields.members] if written else []
            others += [p.name for p in state.participants]
            keep = {shown_as.casefold(), *(m.name.casefold() for m in clinical.members)}
            addenda = [
                replace(
                    a, text=_others_unnamed(a.text, [n for n in others if n.casefold() not in keep])
                )
                for a in addenda
            ]
    duration = state.duration()
    facts = SessionFacts(
        id=state.session_id,
        title=state.title,
        template=state.template,
        room_code=state.code,
        status=state.status,
        ended=state.ended_at is not None,
        created_at=_utc(state.created_at or 0.0),
        started_at=moment(state.started_at),
        ended_at=moment(state.ended_at),
        duration_minutes=None if state.ended_at is None else whole_minutes(duration or 0.0),
        share_text_recorded=state.record_shares,
        joined=len(people),
        late=sum(1 for p in people if p.late),
    )
    signature = None
    if written is not None and written.signed_at is not None and written.fields.signed_by:
        signature = Signature(by=written.fields.signed_by.signature, at=_utc(written.signed_at))
    if clinical is not None:
        clinical = replace(clinical, signed_by=None)  # said once, in ``signature``
    return GroupNote(
        notice=NOTICE,
        format_version=FORMAT_VERSION,
        participant=shown_as,
        session=facts,
        group=state.group_name or None,
        clinical=clinical,
        signature=signature,
        addenda=addenda,
        as_of=moment(now),
        agenda=agenda(state, now, notes=include_notes),
        attendance=people,
        exercises=exercises,
        checkins=checkins,
        turns=turns,
        rounds=rounds,
        requests=requests,
        shares=shares,
        facilitator_notes=include_notes,
    )
