"""Recurring groups: a name, a default template, co-facilitators and a roster, across weeks.

A group is a hub record like a facilitator account: the operator (or a facilitator on the hub
machine) manages it with ``circle groups``, and the hub reads it when a session is started for
the group. Each stored group is one JSON document (``Group``); the store keeps its name unique.
Attendance across a group's sessions is derived from their logs (``shared.projections``), so a
report, the review grid and the console's flag all count in one way.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

import msgspec

from server.records import read_events
from server.store import GroupRow, RecordLog, Store
from shared.codec import decode_event
from shared.events import AnyEvent, RosterSet
from shared.projections import MemberAttendance, member_attendance
from shared.reduce import replay
from shared.roster import roster_set
from shared.state import SessionState

MAX_GROUP_NAME = 80
MAX_MEMBER_NAME = 40
DEFAULT_FLAG_AFTER = 2


class GroupError(Exception):
    """A group or member that cannot be found or used, in words the operator can act on."""


class Member(msgspec.Struct, kw_only=True, omit_defaults=True, frozen=True):
    id: str
    name: str
    """Display name or initials: what the console and the note show."""
    facility_id: str = ""
    """The program's own identifier (a chart number); on the hub only, never in a session."""
    start: date | None = None
    end: date | None = None
    """The last day on the roster; None while still a member."""

    def active(self, day: date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


class Group(msgspec.Struct, kw_only=True, omit_defaults=True, frozen=True):
    id: str
    name: str
    created_at: float
    template: str = ""
    """The agenda template its sessions start from unless the facilitator picks another."""
    facilitators: tuple[str, ...] = ()
    """Facilitator accounts that run it; each is added to every session of the group."""
    members: tuple[Member, ...] = ()
    flag_after: int = DEFAULT_FLAG_AFTER
    """Flag a member who missed this many sessions in a row."""
    ended: date | None = None
    """The group stopped meeting: no new session may be started for it."""

    def member(self, ref: str) -> Member:
        """A member by id or by name (case does not matter)."""
        wanted = _key(ref)
        found = [m for m in self.members if m.id == ref.strip() or _key(m.name) == wanted]
        if not found:
            raise GroupError(f"There is no member {ref!r} in {self.name!r}.")
        current = [m for m in found if m.end is None]
        if len(found) > 1 and len(current) != 1:
            raise GroupError(f"{ref!r} names several members of {self.name!r}; give the id.")
        return current[0] if len(found) > 1 else found[0]


def _key(name: str) -> str:
    return " ".join(name.split()).casefold()


def _clean(raw: str, what: str, most: int) -> str:
    text = " ".join(raw.split())
    if not text:
        raise GroupError(f"The {what} is empty.")
    if len(text) > most or any(not ch.isprintable() for ch in text):
        raise GroupError(f"A {what} is 1-{most} printable characters.")
    return text


def _decode(row: GroupRow) -> Group:
    return msgspec.json.decode(row.body, type=Group)


def _row(group: Group) -> GroupRow:
    return GroupRow(group.id, _key(group.name), msgspec.json.encode(group), group.created_at)


def all_groups(log: RecordLog) -> list[Group]:
    return [_decode(row) for row in log.groups()]


def find(groups: Iterable[Group], ref: str) -> Group:
    """The one group ``ref`` names: its name (case does not matter), id, or 4+ characters of
    the id."""
    wanted = ref.strip()
    every = list(groups)
    for group in every:
        if group.id == wanted or _key(group.name) == _key(wanted):
            return group
    found = [g for g in every if len(wanted) >= 4 and g.id.startswith(wanted.lower())]
    if len(found) == 1:
        return found[0]
    if found:
        raise GroupError(f"{ref!r} matches {len(found)} groups; give more of the id.")
    raise GroupError(f"There is no group {ref!r}. 'circle groups list' shows them.")


def get(log: RecordLog, ref: str) -> Group:
    return find(all_groups(log), ref)


def _save(log: RecordLog, group: Group) -> Group:
    if not log.update_group(group.id, _key(group.name), msgspec.json.encode(group)):
        raise GroupError(f"There is already a group called {group.name!r}.")
    return group


def add_group(
    log: RecordLog,
    name: str,
    *,
    template: str = "",
    facilitators: Sequence[str] = (),
    flag_after: int = DEFAULT_FLAG_AFTER,
    now: float | None = None,
) -> Group:
    if flag_after < 1:
        raise GroupError("--flag-after is at least 1 session.")
    group = Group(
        id=uuid.uuid4().hex[:12],
        name=_clean(name, "group name", MAX_GROUP_NAME),
        created_at=time.time() if now is None else now,
        template=template.strip(),
        facilitators=tuple(dict.fromkeys(facilitators)),
        flag_after=flag_after,
    )
    if not log.add_group(_row(group)):
        raise GroupError(f"There is already a group called {group.name!r}.")
    return group


def add_member(
    log: RecordLog,
    ref: str,
    name: str,
    *,
    facility_id: str = "",
    start: date | None = None,
    end: date | None = None,
) -> tuple[Group, Member]:
    """Add someone to a group's roster; a name already on it is refused, since the console
    and the note could not tell the two apart."""
    group = get(log, ref)
    clean = _clean(name, "member's name", MAX_MEMBER_NAME)
    same = [m for m in group.members if _key(m.name) == _key(clean) and m.end is None]
    if same:
        raise GroupError(
            f"{group.name!r} already has a member called {same[0].name!r}; "
            "add initials or a last-name letter to tell them apart."
        )
    if start is not None and end is not None and end < start:
        raise GroupError("The end date is before the start date.")
    member = Member(
        id=uuid.uuid4().hex[:8],
        name=clean,
        facility_id=facility_id.strip(),
        start=start,
        end=end,
    )
    group = _save(log, msgspec.structs.replace(group, members=(*group.members, member)))
    return group, member


def end_member(log: RecordLog, ref: str, member_ref: str, on: date) -> tuple[Group, Member]:
    """Take someone off the roster from ``on`` (their attendance so far stays on record)."""
    group = get(log, ref)
    member = group.member(member_ref)
    if member.end is not None:
        raise GroupError(f"{member.name} already left {group.name!r} on {member.end}.")
    ended = msgspec.structs.replace(member, end=on)
    members = tuple(ended if m.id == member.id else m for m in group.members)
    return _save(log, msgspec.structs.replace(group, members=members)), ended


def end_group(log: RecordLog, ref: str, on: date) -> Group:
    """The group stops meeting: its records stay until it is deleted."""
    group = get(log, ref)
    if group.ended is not None:
        raise GroupError(f"{group.name!r} already ended on {group.ended}.")
    return _save(log, msgspec.structs.replace(group, ended=on))


def delete_group(log: RecordLog, group: Group) -> tuple[int, int]:
    """Remove the group, its roster, and its sessions with their notes, for good.

    Returns (sessions, events) removed; the caller compacts the file afterwards."""
    sessions = log.group_sessions(group.id)
    events = log.delete_sessions(sessions) if sessions else 0
    log.remove_group(group.id)
    return len(sessions), events


# -- attendance across a group's sessions ------------------------------------------------------


@dataclass(frozen=True)
class Meeting:
    """One ended session of a group, with each member's attendance at it."""

    session_id: str
    title: str
    started_at: float
    marks: dict[str, MemberAttendance]
    """By member id: only members on the session's roster."""

    @property
    def day(self) -> date:
        return datetime.fromtimestamp(self.started_at, UTC).astimezone().date()


@dataclass(frozen=True)
class History:
    """A member's attendance over the group's sessions: what a counselor scans for."""

    member: Member
    attended: int
    missed: int
    excused: int
    streak: int
    """The current run: attended (positive) or missed (negative) sessions in a row, newest
    last; excused sessions neither break nor extend it."""

    @property
    def missed_in_a_row(self) -> int:
        return -self.streak if self.streak < 0 else 0


def meeting(session_id: str, events: Sequence[AnyEvent]) -> Meeting | None:
    """The session as one of the group's meetings, once it has ended (else None)."""
    state: SessionState = replay(events)
    if state.status != "ended" or not state.roster:
        return None
    marks = {m.member: m for m in member_attendance(events)}
    return Meeting(session_id, state.title, state.started_at or state.ended_at or 0.0, marks)


def meetings(log: RecordLog, group: Group) -> list[Meeting]:
    """The group's ended sessions, oldest first."""
    found = []
    for session_id in log.group_sessions(group.id):
        events = [event for _, event in read_events(log, session_id)]
        ended = meeting(session_id, events)
        if ended is not None:
            found.append(ended)
    return sorted(found, key=lambda m: m.started_at)


def between(found: Sequence[Meeting], first: date | None, last: date | None) -> list[Meeting]:
    return [
        m for m in found if (first is None or m.day >= first) and (last is None or m.day <= last)
    ]


def history(member: Member, found: Sequence[Meeting]) -> History:
    attended = missed = excused = streak = 0
    for m in found:
        mark = m.marks.get(member.id)
        if mark is None:
            continue
        if mark.status == "present":
            attended += 1
            streak = streak + 1 if streak > 0 else 1
        elif mark.status == "absent":
            missed += 1
            streak = streak - 1 if streak < 0 else -1
        else:
            excused += 1
    return History(member, attended, missed, excused, streak)


def histories(group: Group, found: Sequence[Meeting]) -> list[History]:
    return [history(member, found) for member in group.members]


def flagged(group: Group, found: Sequence[Meeting]) -> list[History]:
    """Current members who missed ``flag_after`` or more sessions in a row."""
    return [
        h
        for h in histories(group, found)
        if h.member.end is None and h.missed_in_a_row >= group.flag_after
    ]


# -- a new session for a group (the hub) -------------------------------------------------------


class Starting(msgspec.Struct, frozen=True, kw_only=True):
    """What the hub needs to start a session for a group."""

    group: Group
    roster: RosterSet


async def for_new_session(store: Store, ref: str, account: str, now: float) -> Starting:
    """The group ``ref`` names and its roster for a session starting ``now``, with how many
    sessions in a row each member missed just before; refused with a ``GroupError``."""
    group = find([_decode(row) for row in await store.groups()], ref)
    if group.ended is not None:
        raise GroupError(f"{group.name!r} ended on {group.ended}; no new sessions.")
    if group.facilitators and account not in group.facilitators:
        raise GroupError(f"{account} is not a facilitator of {group.name!r}.")
    found = []
    for session_id in await store.group_sessions(group.id):
        events = [decode_event(row.body) for row in await store.read(session_id)]
        ended = meeting(session_id, events)
        if ended is not None:
            found.append(ended)
    found.sort(key=lambda m: m.started_at)
    today = datetime.fromtimestamp(now, UTC).astimezone().date()
    members = [
        (m.id, m.name, history(m, found).missed_in_a_row) for m in group.members if m.active(today)
    ]
    return Starting(group=group, roster=roster_set(group.id, group.name, members, group.flag_after))


# -- the attendance grid: a row per member, a column per session, the same everywhere ----------

CELL = {"present": "P", "absent": "A", "excused": "E"}
"""One letter per cell, as a paper sign-in sheet has it; late/left early add minutes."""


def cell(mark: MemberAttendance | None) -> str:
    """ "P", "P late 5", "P left 10", "A", "E", or "" (not on the roster that day)."""
    if mark is None:
        return ""
    words = [CELL[mark.status]]
    if mark.late_minutes:
        words.append(f"late {mark.late_minutes}")
    if mark.left_early_minutes:
        words.append(f"left {mark.left_early_minutes}")
    return " ".join(words)


@dataclass(frozen=True)
class Grid:
    """Rows of members, a column per session, and each member's totals."""

    group: Group
    meetings: list[Meeting]
    histories: list[History]

    @property
    def header(self) -> list[str]:
        days = [f"{m.day:%Y-%m-%d}" for m in self.meetings]
        return [
            "member",
            "name",
            "facility_id",
            *days,
            "attended",
            "missed",
            "excused",
            "missed_in_a_row",
        ]

    def rows(self) -> list[list[str]]:
        found = []
        for h in self.histories:
            cells = [cell(m.marks.get(h.member.id)) for m in self.meetings]
            found.append(
                [
                    h.member.id,
                    h.member.name,
                    h.member.facility_id,
                    *cells,
                    str(h.attended),
                    str(h.missed),
                    str(h.excused),
                    str(h.missed_in_a_row),
                ]
            )
        return found

    def flagged(self) -> list[History]:
        return [
            h
            for h in self.histories
            if h.member.end is None and h.missed_in_a_row >= self.group.flag_after
        ]


def grid(log: RecordLog, group: Group, first: date | None = None, last: date | None = None) -> Grid:
    """The group's attendance over its ended sessions from ``first`` to ``last`` (inclusive)."""
    found = between(meetings(log, group), first, last)
    return Grid(group, found, histories(group, found))


# -- check-in trends: only what the hub published, never anything per person -----------------


@dataclass(frozen=True)
class Trend:
    """One check-in question over the group's sessions: the published median at each."""

    question: str
    scale: str
    """e.g. "0 = none, 10 = very strong" (empty for answers with labels)."""
    medians: list[float | None]
    """One per meeting, in the grid's order; None where it was not asked or too few answered."""


def trends(log: RecordLog, found: Sequence[Meeting]) -> list[Trend]:
    """Each question's published median per meeting, in the order questions were first asked.

    Only check-ins that closed with counts (enough people answered) count; a session that asked
    the same question twice shows its last published median."""
    series: dict[str, dict[int, float]] = {}
    scales: dict[str, str] = {}
    for n, m in enumerate(found):
        state: SessionState = replay(event for _, event in read_events(log, m.session_id))
        for checkin in state.checkins:
            if checkin.open or checkin.counts is None or checkin.median is None:
                continue
            question = checkin.question
            series.setdefault(question.prompt, {})[n] = checkin.median
            ends = (question.low_words, question.high_words)
            scales.setdefault(
                question.prompt,
                ""
                if question.labels or not all(ends)
                else f"{question.low} = {ends[0]}, {question.high} = {ends[1]}",
            )
    return [
        Trend(prompt, scales[prompt], [points.get(n) for n in range(len(found))])
        for prompt, points in series.items()
    ]
