"""What a record shows beyond the live state: derived once, read by the review and the exports.

``reduce`` keeps only the present (who is online now, which item runs); a review or a group
note needs how the session got there. Each projection here is a pure function of the event log
and the states ``reduce`` builds from it, so the review screen, the group note in every format
and any later surface derive the same numbers in the same way.

Times in the rows are UTC ``datetime``s (JSON exports write them as RFC 3339); durations are
seconds or whole minutes rounded as ``shared.words`` says.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal

from msgspec import Struct

from shared.events import AnyEvent, AttendanceStatus
from shared.reduce import reduce
from shared.roster import mark_words
from shared.state import ItemState, Participant, RosterMember, SessionState
from shared.words import whole_minutes

__all__ = [
    "Absence",
    "AgendaRow",
    "AttendanceRow",
    "MemberAttendance",
    "Outcome",
    "agenda",
    "attendance",
    "event_time",
    "last_time",
    "member_attendance",
    "moment",
]

Outcome = Literal["done", "skipped", "in progress", "not reached"]


def moment(ts: float | None) -> datetime | None:
    """Hub seconds as a UTC time (None stays None)."""
    return None if ts is None else datetime.fromtimestamp(ts, UTC)


def event_time(event: AnyEvent) -> float | None:
    """The hub time an event carries, if any (shares and agenda edits carry none on purpose)."""
    at = getattr(event, "at", None)
    return float(at) if isinstance(at, int | float) and not isinstance(at, bool) else None


def last_time(events: Iterable[AnyEvent]) -> float | None:
    """The latest moment the log records: the end, or the last timed event so far."""
    times = [at for at in map(event_time, events) if at is not None]
    return max(times, default=None)


# -- planned vs actual per agenda item ---------------------------------------------------------


class AgendaRow(Struct, frozen=True, kw_only=True, omit_defaults=True):
    number: int
    title: str
    kind: str
    outcome: Outcome
    planned_minutes: int
    extended_minutes: int
    started_at: datetime | None
    ended_at: datetime | None
    actual_seconds: int | None
    """Time the item ran (so far, while in progress); None if it never started."""
    notes: str | None = None
    """The template's facilitator-only notes; present only when asked for."""

    @property
    def over_seconds(self) -> int | None:
        """Actual minus the original plan, for finished items (extensions count as over)."""
        if self.actual_seconds is None or self.outcome != "done":
            return None
        return self.actual_seconds - self.planned_minutes * 60


_OUTCOMES: Mapping[str, Outcome] = {
    "done": "done",
    "skipped": "skipped",
    "current": "in progress",
    "pending": "not reached",
}


def _agenda_row(number: int, item: ItemState, now: float, notes: bool) -> AgendaRow:
    ran = item.actual_seconds(now)
    return AgendaRow(
        number=number,
        title=item.title,
        kind=item.kind,
        outcome=_OUTCOMES[item.status],
        planned_minutes=item.minutes,
        extended_minutes=item.extra_minutes,
        started_at=moment(item.started_at),
        ended_at=moment(item.ended_at),
        actual_seconds=None if ran is None else max(0, round(ran)),
        notes=(item.notes or "") if notes else None,
    )


def agenda(state: SessionState, now: float | None, *, notes: bool = False) -> list[AgendaRow]:
    """Each item's plan against what happened, as of ``now`` (the running item counts so far).

    ``notes`` adds the facilitator-only notes: only a facilitator's record asks for them.
    """
    return [_agenda_row(n, item, now or 0.0, notes) for n, item in enumerate(state.agenda, start=1)]


# -- attendance --------------------------------------------------------------------------------


class Absence(Struct, frozen=True, kw_only=True, omit_defaults=True):
    """Away for a while and back again (going for good is ``AttendanceRow.left_at``)."""

    left_at: datetime
    returned_at: datetime
    removed_at: datetime | None = None
    """Asked to leave by the facilitator while away (then readmitted, since they came back)."""


class AttendanceRow(Struct, frozen=True, kw_only=True, omit_defaults=True):
    participant: str
    name: str
    joined_at: datetime
    late: bool
    """Joined after the session started."""
    minutes_late: int
    absences: tuple[Absence, ...]
    left_at: datetime | None
    """When they went away for good before the end; None when they stayed."""
    removed_at: datetime | None = None
    """When the facilitator asked them to leave, if that is how their attendance ended."""


@dataclass
class _Gap:
    left: float
    back: float | None = None
    removed: float | None = None


@dataclass
class _Track:
    person: Participant
    gaps: list[_Gap] = field(default_factory=list)

    @property
    def open(self) -> _Gap | None:
        return self.gaps[-1] if self.gaps and self.gaps[-1].back is None else None


def _counts(seat: Participant) -> bool:
    """Whether a seat's attendance is recorded: people, never a room board. Change who counts
    here, and only here."""
    return not seat.board


def _follow(
    tracks: dict[str, _Track], before: SessionState, after: SessionState, at: float
) -> None:
    """Record how each person's seat changed from one state to the next, at ``at``."""
    was = {seat.id: seat for seat in before.participants}
    for now in after.participants:
        then = was.get(now.id, now)
        if now.earlier != then.earlier:
            _absorb(tracks, now, back=then.joined_at)
        if (then is now and now.id in tracks) or not _counts(now):
            continue
        track = tracks.setdefault(now.id, _Track(now))
        if then.online and not now.online:
            track.gaps.append(_Gap(left=at))
        elif now.online and not then.online and track.open is not None:
            track.open.back = at
        if now.removed and not then.removed and track.open is not None:
            track.open.removed = at
        track.person = now


def _absorb(tracks: dict[str, _Track], seat: Participant, back: float) -> None:
    """One person, one row: earlier seats merged into ``seat`` become its history, in the
    earlier seat's place; the time between is an absence that ended when they joined again."""
    merged = [tracks[s] for s in seat.earlier if s in tracks]
    if not merged:
        return
    for track in merged:
        if track.open is not None:
            track.open.back = back
    own = tracks.get(seat.id)
    gaps = [gap for track in merged for gap in track.gaps] + ([] if own is None else own.gaps)
    first = merged[0].person.id
    rebuilt = {}
    for key, track in tracks.items():
        if key == first:
            rebuilt[seat.id] = _Track(seat, gaps)
        elif key != seat.id and key not in seat.earlier:
            rebuilt[key] = track
    tracks.clear()
    tracks.update(rebuilt)


def _attendance_row(track: _Track, started: float | None) -> AttendanceRow:
    person = track.person
    late_by = 0.0 if started is None else person.joined_at - started
    gone = track.open
    return AttendanceRow(
        participant=person.id,
        name=person.name,
        joined_at=datetime.fromtimestamp(person.joined_at, UTC),
        late=late_by > 0,
        minutes_late=whole_minutes(max(0.0, late_by)),
        absences=tuple(
            Absence(
                left_at=datetime.fromtimestamp(gap.left, UTC),
                returned_at=datetime.fromtimestamp(gap.back, UTC),
                removed_at=moment(gap.removed),
            )
            for gap in track.gaps
            if gap.back is not None
        ),
        left_at=None if gone is None else moment(gone.left),
        removed_at=None if gone is None else moment(gone.removed),
    )


def attendance(events: Iterable[AnyEvent]) -> list[AttendanceRow]:
    """Who came, when, late or not, when they were away, and how they left, in join order.

    The state only knows who is online now, so this replays the log with ``reduce`` and
    compares each state with the one before: a change of any seat (joined, away, back, removed)
    is recorded at the time of the event that made it. It reads states rather than event types,
    so an event that changes a seat in a new way is followed without touching this.
    """
    state = SessionState()
    tracks: dict[str, _Track] = {}
    at = 0.0
    for event in events:
        after = reduce(state, event)
        when = event_time(event)
        at = at if when is None else when
        if after.participants is not state.participants:
            _follow(tracks, state, after, at)
        state = after
    return [_attendance_row(track, state.started_at) for track in tracks.values()]


# -- a group's roster: each member's attendance at one session --------------------------------


class MemberAttendance(Struct, frozen=True, kw_only=True, omit_defaults=True):
    """A roster member at one session, as a program reports it."""

    member: str
    name: str
    status: AttendanceStatus
    late_minutes: int = 0
    left_early_minutes: int = 0
    source: Literal["terminal", "marked", "corrected", "none"] = "none"
    """How the record knows: their terminal, the facilitator marking them present, or the
    facilitator's correction ("none": nobody saw them)."""

    @property
    def words(self) -> str:
        """ "present", "present, 5 min late", "absent", "excused" …"""
        return mark_words(self.status, self.late_minutes, self.left_early_minutes)

    @property
    def attended(self) -> bool:
        return self.status == "present"


def member_attendance(events: Iterable[AnyEvent]) -> list[MemberAttendance]:
    """Each roster member's attendance at the session, in roster order.

    A matched seat's attendance comes from its terminal (``attendance``): late by the minutes
    it joined after the start, left early by the minutes it was gone before the end; a short
    drop or a hub restart records no absence, so it costs nothing here either. The
    facilitator's correction, when there is one, wins.
    """
    log = list(events)
    rows = {row.participant: row for row in attendance(log)}
    state = SessionState()
    for event in log:
        state = reduce(state, event)
    return [_member_row(m, rows, state.ended_at) for m in state.roster]


def _member_row(
    m: RosterMember, rows: Mapping[str, AttendanceRow], ended: float | None
) -> MemberAttendance:
    if m.status is not None:
        return MemberAttendance(
            member=m.member,
            name=m.name,
            status=m.status,
            late_minutes=m.late_minutes,
            left_early_minutes=m.left_early_minutes,
            source="corrected",
        )
    row = rows.get(m.seat or "")
    if row is not None:
        early = 0
        if row.left_at is not None and ended is not None:
            early = whole_minutes(max(0.0, ended - row.left_at.timestamp()))
        return MemberAttendance(
            member=m.member,
            name=m.name,
            status="present",
            late_minutes=row.minutes_late,
            left_early_minutes=early,
            source="terminal",
        )
    if m.marked_at is not None:
        return MemberAttendance(member=m.member, name=m.name, status="present", source="marked")
    return MemberAttendance(member=m.member, name=m.name, status="absent")
