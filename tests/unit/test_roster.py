"""A group's roster in the rule core: who of it is here, matched once, corrected on the record."""

from __future__ import annotations

from shared.admission import Knock, admit
from shared.commands import MarkPresent, MatchMember, MergeSeats, SetAttendance, StartSession
from shared.decide import Context, create, decide, presence
from shared.decision import FACILITATORS, Actor, Decision
from shared.events import (
    AnyEvent,
    Error,
    MemberMatched,
    RosterSet,
    SessionEnded,
    SessionStarted,
)
from shared.projections import member_attendance
from shared.reduce import reduce
from shared.roster import NO_GROUP, candidates, roster_set, roster_words, unmatched
from shared.state import SessionState
from shared.templates import AgendaItem, AgendaTemplate

T0 = 1_700_000_000.0
FAC = Actor(role="facilitator", account="dana")
TEMPLATE = AgendaTemplate(
    id="t", title="Group", items=(AgendaItem(kind="check-in", title="Check-in", minutes=10),)
)
START = StartSession(id="start")
MEMBERS = [("m-riley", "Riley", 0), ("m-jo1", "Jo", 0), ("m-jo2", "jo", 0), ("m-ash", "Ash", 2)]


class Session:
    """A group's meeting run through the rule core, as the hub runs it."""

    def __init__(self) -> None:
        created = create(
            TEMPLATE,
            session_id="s1",
            code="CODE",
            owner="dana",
            title=None,
            record_shares=False,
            now=T0,
            group=roster_set("g1", "Tue/Thu IOP", MEMBERS),
        )
        self.log: list[AnyEvent] = []
        self.state = SessionState()
        self.seats = 0
        self.apply(created)

    def apply(self, decision: Decision | Error) -> Decision:
        assert isinstance(decision, Decision), decision
        for heard, event in decision.events:
            self.log.append(event)
            self.state = reduce(self.state, event)
            if isinstance(event, RosterSet | MemberMatched):
                assert heard == FACILITATORS
        return decision

    def join(self, name: str, at: float = T0) -> str:
        self.seats += 1
        seat = f"p{self.seats}"
        knock = Knock(role="participant", name=name, new_seat=seat)
        self.apply(admit(self.state, knock, at, Context()))
        return seat

    def do(self, command: object, at: float = T0) -> Decision | Error:
        return decide(self.state, command, FAC, at)  # type: ignore[arg-type]

    def event(self, event: AnyEvent) -> None:
        self.log.append(event)
        self.state = reduce(self.state, event)


def test_a_name_on_the_roster_is_matched_as_the_person_joins() -> None:
    s = Session()
    seat = s.join("  riley ")
    assert s.state.member("m-riley") is not None
    assert s.state.member_at(seat) == s.state.member("m-riley")
    assert unmatched(s.state) == []


def test_an_ambiguous_or_unknown_name_waits_for_the_facilitator() -> None:
    s = Session()
    jo = s.join("Jo")
    stranger = s.join("Sky")
    assert [p.id for p in unmatched(s.state)] == [jo, stranger]
    # the console offers the members of that name first
    assert [m.member for m in candidates(s.state, jo)][:2] == ["m-jo1", "m-jo2"]
    done = s.apply(s.do(MatchMember(id="c1", member="m-jo2", participant=jo)))
    assert [a.action for a in done.audit] == ["member matched"]
    assert s.state.member_at(jo) == s.state.member("m-jo2")


def test_a_member_or_a_seat_matched_twice_is_refused_with_words() -> None:
    s = Session()
    jo, sky = s.join("Jo"), s.join("Sky")
    s.apply(s.do(MatchMember(id="c1", member="m-jo1", participant=jo)))
    again = s.do(MatchMember(id="c2", member="m-jo1", participant=sky))
    assert isinstance(again, Error) and "already matched to someone else" in again.detail
    twice = s.do(MatchMember(id="c3", member="m-jo2", participant=jo))
    assert isinstance(twice, Error) and twice.detail == "Jo is already matched to Jo."
    # undoing the match frees both
    s.apply(s.do(MatchMember(id="c4", member="m-jo1")))
    s.apply(s.do(MatchMember(id="c5", member="m-jo1", participant=sky)))
    assert s.state.member_at(sky) is not None and s.state.member_at(jo) is None


def test_roster_commands_need_a_group_and_a_member_of_it() -> None:
    plain = SessionState()
    plain = reduce(
        plain,
        create(
            TEMPLATE,
            session_id="s",
            code="C",
            owner="dana",
            title=None,
            record_shares=False,
            now=T0,
        ).events[0][1],
    )
    refused = decide(plain, MarkPresent(id="c", member="m-ash"), FAC, T0)
    assert isinstance(refused, Error) and refused.detail == NO_GROUP
    unknown = Session().do(MarkPresent(id="c", member="nobody"))
    assert isinstance(unknown, Error) and "no such member" in unknown.detail


def test_minutes_late_go_only_with_present() -> None:
    s = Session()
    refused = s.do(SetAttendance(id="c", member="m-ash", status="absent", late_minutes=5))
    assert isinstance(refused, Error) and "only with present" in refused.detail


def test_attendance_for_the_record_late_left_early_marked_corrected_absent() -> None:
    s = Session()
    s.apply(s.do(START, T0 + 60))
    riley = s.join("Riley", T0 + 60 + 9 * 60)  # 9 minutes after the start
    jo = s.join("Jo", T0 + 60)
    s.apply(s.do(MatchMember(id="m", member="m-jo1", participant=jo), T0 + 130))
    s.apply(s.do(MarkPresent(id="p", member="m-jo2"), T0 + 140))
    corrected = s.apply(s.do(SetAttendance(id="x", member="m-ash", status="excused"), T0 + 150))
    assert corrected.audit[0].detail == "Ash: excused"
    s.apply(presence(s.state, jo, False, T0 + 1800))  # Jo left half an hour before the end
    s.event(SessionEnded(at=T0 + 3600))
    marks = {m.member: m for m in member_attendance(s.log)}
    assert marks["m-riley"].words == "present, 9 min late"
    assert marks["m-riley"].source == "terminal"
    assert marks["m-jo1"].words == "present, left 30 min early"
    assert marks["m-jo2"].words == "present" and marks["m-jo2"].source == "marked"
    assert marks["m-ash"].words == "excused" and marks["m-ash"].source == "corrected"
    assert s.state.member_at(riley) is not None


def test_a_member_follows_their_merged_seat() -> None:
    s = Session()
    s.apply(s.do(START, T0))
    first = s.join("Riley")
    s.apply(presence(s.state, first, False, T0 + 100))
    second = s.join("Riley", T0 + 200)  # the earlier seat holds the member: no second match
    assert s.state.member_at(second) is None
    s.apply(s.do(MergeSeats(id="mg", participant=first, into=second), T0 + 210))
    assert s.state.member_at(second) == s.state.member("m-riley")
    s.event(SessionEnded(at=T0 + 3600))
    [riley] = [m for m in member_attendance(s.log) if m.member == "m-riley"]
    assert riley.status == "present" and riley.left_early_minutes == 0


def test_the_roster_says_who_missed_sessions_in_a_row() -> None:
    s = Session()
    assert [m.name for m in s.state.flagged] == ["Ash"]


def test_a_match_is_an_event_for_facilitators_only() -> None:
    s = Session()
    s.join("Riley")
    assert any(isinstance(e, MemberMatched) for e in s.log)


def test_started_sessions_are_running() -> None:
    s = Session()
    s.apply(s.do(START, T0))
    assert isinstance(s.log[-2], SessionStarted)


def test_the_console_line_names_who_is_here_flagged_and_not_yet_matched() -> None:
    s = Session()
    s.join("Riley")
    s.join("Sky")
    assert roster_words(s.state).splitlines() == [
        "Tue/Thu IOP: 1 of 4 on the roster here",
        "⚑ Ash missed the last 2 sessions",
        "Not on the roster yet: Sky",
    ]
    assert roster_words(SessionState()) == ""
