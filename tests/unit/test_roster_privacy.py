"""Roster data reaches facilitators only, as a property: whatever the joins, matches, marks and
corrections, no participant's terminal and no board ever receives a roster event, a member's
id, or the name of a member who is not that seat's own person.

The session runs through the same ``admit``/``decide``/``reduce`` as the hub, in the room of
``tests/unit/test_audiences.py``, which also checks each event's audience against its kind's
reach as it is committed.
"""

from __future__ import annotations

import msgspec
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shared.commands import MarkPresent, MatchMember, SetAttendance, StartSession
from shared.decide import create
from shared.decision import sees
from shared.events import AttendanceCorrected, MemberMarkedPresent, MemberMatched, RosterSet
from shared.roster import roster_set
from shared.state import SessionState
from tests.unit.test_audiences import FAC, T0, Room, strings
from tests.unit.test_codec_fuzz import CATALOGUE

ROSTER_MARK = "®"
"""Every roster name and member id carries it; no chosen name does, unless it is a member's."""
MEMBERS = [
    (f"{ROSTER_MARK}m{n}", f"{ROSTER_MARK}{name}", n % 3)
    for n, name in enumerate(["Riley", "Jo", "jo", "Ash", "Sky"])
]
ROSTER_KINDS = (RosterSet, MemberMatched, MemberMarkedPresent, AttendanceCorrected)

MEMBER = st.sampled_from([m for m, _, _ in MEMBERS] + ["nobody"])
CHOSEN = st.one_of(
    st.sampled_from([name for _, name, _ in MEMBERS]),  # a member's own name: matched at once
    st.sampled_from(["Dee", "Kai", "Riley B"]),
)
STEP = st.one_of(
    st.tuples(st.just("join"), st.sampled_from(["participant", "board"]), CHOSEN),
    st.tuples(st.just("match"), MEMBER, st.integers(0, 8) | st.none()),
    st.tuples(st.just("present"), MEMBER),
    st.tuples(
        st.just("correct"),
        MEMBER,
        st.sampled_from(["present", "absent", "excused"]),
        st.integers(0, 20),
    ),
    st.tuples(st.just("away"), st.integers(0, 8)),
)


def opened() -> Room:
    created = create(
        CATALOGUE.templates["relapse-prevention"],
        session_id="s",
        code="ABCDEF",
        owner="dana",
        title=None,
        record_shares=False,
        now=T0,
        group=roster_set("g", f"{ROSTER_MARK}Tue/Thu IOP", MEMBERS),
    )
    room = Room(state=SessionState())
    room.commit(created.events)
    room.decide(StartSession(id="c"), FAC)
    return room


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(STEP, max_size=25))
def test_no_seat_ever_receives_roster_data(steps: list[tuple[object, ...]]) -> None:
    room = opened()
    for step in steps:
        room.now += 30
        match step:
            case ("join", role, name):
                room.join(str(role), str(name), True)
            case ("match", member, pick):
                seat = None
                if isinstance(pick, int):
                    picked = room.seat(pick)
                    seat = picked.seat if picked is not None else "nobody"
                room.decide(MatchMember(id="c", member=str(member), participant=seat), FAC)
            case ("present", member):
                room.decide(MarkPresent(id="c", member=str(member)), FAC)
            case ("correct", member, status, late):
                minutes = int(late) if status == "present" else 0  # type: ignore[call-overload]
                command = SetAttendance(
                    id="c",
                    member=str(member),
                    status=status,  # type: ignore[arg-type]
                    late_minutes=minutes,
                )
                room.decide(command, FAC)
            case ("away", pick):
                room.go_away(int(pick))  # type: ignore[call-overload]
        room.check()
    assert room.state.roster, "the facilitators have the roster"
    for seat, actor in room.seats.items():
        own = room.state.participant(seat)
        mine = own.name if own is not None else ""
        for heard, event in room.log:
            if not sees(actor, heard):
                continue
            assert not isinstance(event, ROSTER_KINDS), (actor, event)
            for text in strings(msgspec.to_builtins(event)):
                assert ROSTER_MARK not in text or text == mine, (actor, event)
