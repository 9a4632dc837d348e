"""A session that is one meeting of a recurring group: its roster, in the rule core.

The hub puts the group's roster into the log when the session is created (``roster.set``);
from then on these rules say who of it is here. A joining person whose chosen name is exactly
one unmatched member's is matched at once; otherwise the facilitator matches them with one key
(``roster.match``), marks a member present who has no terminal (``roster.present``) or corrects
what the terminals showed (``attendance.set``, kept in the audit log). Every event here reaches
the facilitators only: participants and boards never learn who is on a roster.
"""

from __future__ import annotations

from collections.abc import Sequence

from msgspec.structs import replace

from shared.commands import MarkPresent, MatchMember, SetAttendance
from shared.decision import AuditEntry, Decision, drafts, reject
from shared.events import (
    AnyEvent,
    AttendanceCorrected,
    Error,
    MemberMarkedPresent,
    MemberMatched,
    RosterEntry,
    RosterSet,
)
from shared.state import Participant, RosterMember, SessionState

NO_GROUP = "This session is not a meeting of a group, so it has no roster."


def _key(name: str) -> str:
    return " ".join(name.split()).casefold()


def roster_set(
    group: str,
    group_name: str,
    members: Sequence[tuple[str, str, int]],
    flag_after: int = 2,
) -> RosterSet:
    """The event that gives a new session its group's roster: (member id, name, sessions
    missed in a row just before) for each member."""
    entries = tuple(RosterEntry(member=m, name=n, missed=k) for m, n, k in members)
    return RosterSet(group=group, group_name=group_name, members=entries, flag_after=flag_after)


# -- applying the events (called by ``shared.reduce``) --------------------------------------


def apply(state: SessionState, event: AnyEvent) -> SessionState:
    """The state after one roster event; anything that does not fit leaves it as it was."""
    match event:
        case RosterSet():
            members = tuple(
                RosterMember(member=m.member, name=m.name, missed=m.missed) for m in event.members
            )
            return replace(
                state,
                group=event.group,
                group_name=event.group_name,
                flag_after=event.flag_after,
                roster=members,
            )
        case MemberMatched():
            return _edit(state, event.member, seat=event.seat)
        case MemberMarkedPresent():
            return _edit(state, event.member, marked_at=event.at)
        case AttendanceCorrected():
            return _edit(
                state,
                event.member,
                status=event.status,
                late_minutes=event.late_minutes,
                left_early_minutes=event.left_early_minutes,
            )
    return state


def _edit(state: SessionState, member: str, **changes: object) -> SessionState:
    roster = tuple(replace(m, **changes) if m.member == member else m for m in state.roster)
    return replace(state, roster=roster)


def merged(state: SessionState, earlier: str, into: str) -> SessionState:
    """Two seats found to be one person: a member matched to the earlier seat follows them."""
    if not any(m.seat == earlier for m in state.roster):
        return state
    roster = tuple(replace(m, seat=into) if m.seat == earlier else m for m in state.roster)
    return replace(state, roster=roster)


# -- the rules -------------------------------------------------------------------------------


def on_join(state: SessionState, seat: str, name: str, now: float) -> tuple[MemberMatched, ...]:
    """Match a new seat at once when its name is exactly one unmatched member's name.

    Two members of one name, or none, leave it to the facilitator (``candidates``)."""
    same = [m for m in state.roster if m.seat is None and _key(m.name) == _key(name)]
    if len(same) != 1:
        return ()
    return (MemberMatched(member=same[0].member, seat=seat, at=now),)


def unmatched(state: SessionState) -> list[Participant]:
    """People here without a roster member, first come first: the console asks about them."""
    if not state.roster:
        return []
    return [p for p in state.people if not p.removed and state.member_at(p.id) is None]


def candidates(state: SessionState, seat: str) -> list[RosterMember]:
    """The members a seat could be: unmatched ones, those with the seat's name first."""
    person = state.participant(seat)
    free = [m for m in state.roster if m.seat is None]
    if person is None:
        return free
    return sorted(free, key=lambda m: _key(m.name) != _key(person.name))


def decide(
    state: SessionState,
    command: MatchMember | MarkPresent | SetAttendance,
    account: str,
    now: float,
) -> Decision | Error:
    if not state.roster:
        return reject("invalid", NO_GROUP)
    member = state.member(command.member)
    if member is None:
        return reject("invalid", "There is no such member on this group's roster.")
    match command:
        case MatchMember():
            return _match(state, member, command.participant, account, now)
        case MarkPresent():
            if member.seat is not None:
                return reject("invalid", f"{member.name} is already here on a terminal.")
            if member.marked_at is not None:
                return reject("invalid", f"{member.name} is already marked present.")
            marked = MemberMarkedPresent(member=member.member, at=now)
            entry = AuditEntry(now, account, "member marked present", member.name)
            return Decision(events=drafts(marked), audit=(entry,))
        case SetAttendance():
            late, early = command.late_minutes, command.left_early_minutes
            if command.status != "present" and (late or early):
                return reject("invalid", "Minutes late or left early go only with present.")
            corrected = AttendanceCorrected(
                member=member.member,
                status=command.status,
                late_minutes=late,
                left_early_minutes=early,
                at=now,
            )
            detail = f"{member.name}: {mark_words(command.status, late, early)}"
            entry = AuditEntry(now, account, "attendance corrected", detail)
            return Decision(events=drafts(corrected), audit=(entry,))


def _match(
    state: SessionState, member: RosterMember, seat: str | None, account: str, now: float
) -> Decision | Error:
    if seat is None:
        if member.seat is None:
            return reject("invalid", f"{member.name} is not matched to anyone.")
        undone = MemberMatched(member=member.member, at=now)
        entry = AuditEntry(now, account, "member match undone", member.name)
        return Decision(events=drafts(undone), audit=(entry,))
    person = state.participant(seat)
    if person is None or person.board:
        return reject("invalid", "That person is not in this session.")
    if member.seat == seat:
        return reject("invalid", f"{person.name} is already matched to {member.name}.")
    if member.seat is not None:
        return reject(
            "invalid", f"{member.name} is already matched to someone else; undo that first."
        )
    other = state.member_at(seat)
    if other is not None:
        return reject("invalid", f"{person.name} is already matched to {other.name}.")
    matched = MemberMatched(member=member.member, seat=seat, at=now)
    entry = AuditEntry(now, account, "member matched", f"{member.name} is {person.name}")
    return Decision(events=drafts(matched), audit=(entry,))


def mark_words(status: str, late: int = 0, early: int = 0) -> str:
    """Attendance as a counselor writes it: "present, 10 min late, left 15 min early"."""
    parts = [status]
    if late:
        parts.append(f"{late} min late")
    if early:
        parts.append(f"left {early} min early")
    return ", ".join(parts)


def roster_words(state: SessionState) -> str:
    """The console's roster line: who of the group is here, who is flagged, who is unmatched.

    Empty for a session that is not a group's meeting."""
    if not state.roster:
        return ""
    here = sum(1 for m in state.roster if m.seat is not None or m.marked_at is not None)
    lines = [f"{state.group_name}: {here} of {len(state.roster)} on the roster here"]
    for m in state.flagged:
        lines.append(f"⚑ {m.name} missed the last {m.missed} sessions")
    strangers = unmatched(state)
    if strangers:
        lines.append("Not on the roster yet: " + ", ".join(p.name for p in strangers))
    return "\n".join(lines)
