"""The group note as data: one model built from a recorded session, rendered in every format.

What a note may contain is decided once, here, in ``build_note``: facilitator notes only when
asked for, share text only when the session was created with "record shared text" on, and a
per-participant note names nobody else. The renderers only lay out what this model holds.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Literal

from msgspec import Struct

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

FORMAT_VERSION = 2
"""2: check-ins below the minimum are listed without counts; speaking turns and rounds."""


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


class GroupNote(Struct, kw_only=True):
    notice: str
    format_version: int
    participant: str | None
    """The display name a per-participant note is for; None for the whole group."""
    session: SessionFacts
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


def build_note(
    state: SessionState,
    events: Sequence[LogEntry],
    *,
    participant: str | None = None,
    include_notes: bool = False,
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
    if participant is not None:
        person = _the_participant(people, participant)
        people = [person]
        requests = [r for r in requests if r.participant == person.participant]
        turns = [t for t in turns if t.participant == person.participant]
        shares = None
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
    return GroupNote(
        notice=NOTICE,
        format_version=FORMAT_VERSION,
        participant=people[0].name if participant is not None else None,
        session=facts,
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
