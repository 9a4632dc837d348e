"""Least information by role, as a property: whatever happens in a room, a seat (a participant's
terminal or a room board) sees the room's events and its own, never another seat's, never a
name, never what is for facilitators only.

Each example runs a session as the hub does: admissions (participants and boards, random names),
facilitator commands, shares held then released in batches, answers tallied, removals,
readmissions, terminals going away and coming back, all through ``admit``/``decide`` and
``reduce``, with the effects carried out in order. Every event is checked against the audience
its class's ``reach`` gives it, and every seat's own view (the events it sees, reduced) against
the hub's state.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, get_args

import msgspec
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shared.admission import Knock, admit
from shared.checkins import counted
from shared.commands import (
    AddCofacilitator,
    AddItem,
    AnswerCheckin,
    AnyCommand,
    CallSpeaker,
    CloseCheckin,
    EndRound,
    EndSession,
    EndTurn,
    ExtendItem,
    HandleRequest,
    LockRoom,
    LowerHand,
    ModerateShare,
    MoveItem,
    NextItem,
    NextTurn,
    OpenCheckin,
    PassTurn,
    PauseExercise,
    RaiseHand,
    ReadmitParticipant,
    RemoveItem,
    RemoveParticipant,
    ReorderRound,
    RequestTalk,
    ResumeExercise,
    SetMinutes,
    SkipExerciseStep,
    SkipItem,
    StartExercise,
    StartRound,
    StartSession,
    StopExercise,
    SubmitShare,
)
from shared.decide import Context, create, decide, presence, recount, release
from shared.decision import (
    EVERYONE,
    FACILITATORS,
    Actor,
    Decision,
    Disconnect,
    HoldShare,
    NewCode,
    ReleaseShares,
    Tally,
    TellFacilitators,
    audience,
    only,
    sees,
)
from shared.events import (
    AgendaMoved,
    AnyEvent,
    AttendanceCorrected,
    CheckinClosed,
    CheckinOpened,
    CodeChanged,
    Error,
    ExercisePaused,
    ExerciseResumed,
    ExerciseSkipped,
    ExerciseStarted,
    ExerciseStopped,
    FacilitatorAdded,
    FacilitatorNotes,
    FeelingsSummary,
    HandRaised,
    HeadCount,
    ItemAdded,
    ItemExtended,
    ItemMoved,
    ItemRemoved,
    ItemRestored,
    ItemSkipped,
    MemberMarkedPresent,
    MemberMatched,
    MinutesSet,
    ParticipantJoined,
    ParticipantReadmitted,
    ParticipantRemoved,
    PresenceChanged,
    Reach,
    RequestHandled,
    RoomLocked,
    RosterSet,
    RoundEnded,
    RoundReordered,
    RoundStarted,
    SeatsMerged,
    SessionCreated,
    SessionEnded,
    SessionStarted,
    ShareDiscussed,
    ShareSetAside,
    ShareShown,
    ShareSubmitted,
    ShareTakenBack,
    SpeakerCalled,
    SpeakerDone,
    TalkRequested,
    TerminalCleared,
)
from shared.questions import PRESETS
from shared.reduce import reduce
from shared.state import SessionState
from tests.unit.test_codec_fuzz import CATALOGUE, EXERCISES

REACH: dict[type[Any], Reach] = {
    SessionCreated: "room",
    FacilitatorNotes: "facilitators",
    ParticipantJoined: "seat",
    PresenceChanged: "seat",
    HeadCount: "room",
    FacilitatorAdded: "facilitators",
    RoomLocked: "room",
    ParticipantRemoved: "seat",
    ParticipantReadmitted: "seat",
    TerminalCleared: "seat",
    SeatsMerged: "facilitators",
    CodeChanged: "room",
    SessionStarted: "room",
    AgendaMoved: "room",
    ItemExtended: "room",
    ItemSkipped: "room",
    ItemRestored: "room",
    ItemAdded: "room",
    ItemRemoved: "room",
    ItemMoved: "room",
    MinutesSet: "room",
    SessionEnded: "room",
    ShareSubmitted: "facilitators",
    ShareShown: "room",
    ShareTakenBack: "room",
    ShareSetAside: "shown",
    ShareDiscussed: "shown",
    ExerciseStarted: "room",
    ExercisePaused: "room",
    ExerciseResumed: "room",
    ExerciseSkipped: "room",
    ExerciseStopped: "room",
    CheckinOpened: "room",
    CheckinClosed: "room",
    HandRaised: "seat",
    SpeakerCalled: "room",
    SpeakerDone: "room",
    RoundStarted: "facilitators",
    RoundReordered: "facilitators",
    RoundEnded: "room",
    TalkRequested: "seat",
    RequestHandled: "seat",
    FeelingsSummary: "facilitators",
    RosterSet: "facilitators",
    MemberMatched: "facilitators",
    MemberMarkedPresent: "facilitators",
    AttendanceCorrected: "facilitators",
}
"""Who each kind of event is for, written out: a change of reach is a change of privacy."""
NEVER_FOR_SEATS = (
    ShareSubmitted,
    FacilitatorNotes,
    FacilitatorAdded,
    FeelingsSummary,
    SeatsMerged,
    RoundStarted,
    RoundReordered,
    RosterSet,
    MemberMatched,
    MemberMarkedPresent,
    AttendanceCorrected,
)
"""A pending share's text, the template's notes, staff accounts, old "how do you feel" results
(kept only so old records read), which seats the facilitator found to be one person, and a
round's order (who is still to speak, so that nobody can tell a pass from an absence), and
everything about a group's roster."""


def test_every_event_kind_has_the_reach_written_here() -> None:
    assert set(REACH) == set(get_args(AnyEvent))
    assert {kind: kind.reach for kind in REACH} == REACH
    assert all(REACH[kind] == "facilitators" for kind in NEVER_FOR_SEATS)


def test_only_seat_events_and_the_speaker_carry_a_name_or_a_seat() -> None:
    """So checking the ``participant`` field of what a seat sees covers every name too. The one
    room event that names someone is ``floor.called``: the room sees who has the floor."""
    kinds = get_args(AnyEvent)
    assert [k for k in kinds if "name" in k.__struct_fields__] == [
        ParticipantJoined,
        SpeakerCalled,
        TalkRequested,
    ]
    named = {k for k in kinds if "participant" in k.__struct_fields__}
    assert named - {SeatsMerged, SpeakerCalled} == {
        k for k, reach in REACH.items() if reach == "seat"
    }


def expected(event: AnyEvent, shown: bool) -> str:
    match REACH[type(event)]:
        case "seat":
            return only(event.participant)  # type: ignore[union-attr]
        case "shown":
            return EVERYONE if shown else FACILITATORS
        case "facilitators":
            return FACILITATORS
        case _:
            return EVERYONE


# -- the session as the hub runs it -----------------------------------------------------------

T0 = 1_700_000_000.0
FAC = Actor(role="facilitator", account="dana")
CONTEXT = Context(exercises=EXERCISES, accounts=frozenset({"dana", "lee"}), max_participants=4)
MARK = "Ω"
"""Every valid name starts with it and no share or title has it, so a name seen is a name."""
SEAT = "§"
"""Seat ids are §n§: no name, share or title has the sign, so a seat id seen is a seat id."""


def strings(value: object) -> Iterable[str]:
    """Every string inside an event, at any depth."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from strings(key)
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


@dataclass
class Room:
    state: SessionState
    now: float = T0
    log: list[tuple[str, AnyEvent]] = field(default_factory=list)
    seats: dict[str, Actor] = field(default_factory=dict)
    views: dict[str, SessionState] = field(default_factory=dict)
    held: list[str] = field(default_factory=list)
    ballots: dict[int, dict[str, int]] = field(default_factory=dict)
    passes: int = 0
    codes: int = 0
    knocks: int = 0

    def context(self) -> Context:
        return Context(
            exercises=CONTEXT.exercises,
            tallies=counted(self.ballots),
            minimum=2,
            accounts=CONTEXT.accounts,
            max_participants=CONTEXT.max_participants,
        )

    def seat(self, pick: int) -> Actor | None:
        actors = list(self.seats.values())
        return actors[pick % len(actors)] if actors else None

    # -- storing and fanning out

    def commit(self, events: Iterable[tuple[str, AnyEvent]]) -> None:
        for heard, event in events:
            share = self.state.share(getattr(event, "share", 0))
            shown = share is not None and share.public
            assert heard == audience(event, shown) == expected(event, shown), event
            self.log.append((heard, event))
            self.state = reduce(self.state, event)
            for seat, actor in self.seats.items():
                if sees(actor, heard):
                    self.check_seen(actor, event)
                    self.views[seat] = reduce(self.views[seat], event)

    def attach(self, actor: Actor) -> None:
        """A new seat's terminal: it reads the log from the start, filtered for it."""
        assert actor.seat is not None and actor.seat not in self.seats
        self.seats[actor.seat] = actor
        view = SessionState()
        for heard, event in self.log:
            if sees(actor, heard):
                self.check_seen(actor, event)
                view = reduce(view, event)
        self.views[actor.seat] = view

    def check_seen(self, actor: Actor, event: AnyEvent) -> None:
        assert not isinstance(event, NEVER_FOR_SEATS), (actor, event)
        if isinstance(event, SpeakerCalled):  # the room sees who has the floor, nothing more
            said = msgspec.to_builtins(event).values()
            assert {v for v in said if isinstance(v, str)} <= {
                "floor.called",
                event.participant,
                event.name,
            }
            return
        assert getattr(event, "participant", actor.seat) == actor.seat, (actor, event)
        own = self.state.participant(actor.seat or "")
        names = {p.name for p in self.state.people} - {own.name if own else ""}
        others = set(self.seats) - {actor.seat}
        for text in strings(msgspec.to_builtins(event)):
            assert text not in names, (actor, event)
            assert not any(seat in text for seat in others), (actor, event)

    # -- carrying out decisions

    def execute(self, decision: Decision | Error) -> None:
        if isinstance(decision, Error):
            assert decision.detail
            return
        for effect in decision.effects:
            match effect:
                case ReleaseShares():
                    self.release()
                case NewCode():
                    self.codes += 1
                    decision = decision.with_code(f"CODE{self.codes:02}")
                case Disconnect():
                    removed = [e for _, e in decision.events if isinstance(e, ParticipantRemoved)]
                    assert [e.participant for e in removed] == [effect.seat]
                case HoldShare():
                    self.held.append(effect.text)
                case Tally():
                    self.ballots.setdefault(effect.checkin, {})[effect.voter] = effect.value
                case TellFacilitators():  # a pass: the facilitators' screens only, never logged
                    speaker = self.state.speaker
                    assert speaker is not None and effect.frame.participant == speaker.participant
                    self.passes += 1
        if decision.anonymous:
            assert decision.events == ()  # nothing about an anonymous command is logged
        for _, event in decision.events:
            if isinstance(event, CheckinClosed):  # published once; the answers are forgotten
                given = self.ballots.pop(event.checkin, {})
                assert event.answered == len(given)
                assert (event.counts is None) == (len(given) < 2)
        self.commit(decision.events)

    def release(self) -> None:
        batch, self.held = self.held, []
        self.commit(release(self.state, batch).events)

    def decide(self, command: AnyCommand, actor: Actor) -> None:
        self.execute(decide(self.state, command, actor, self.now, self.context()))

    # -- the steps

    def join(self, role: str, name: str, with_code: bool) -> None:
        self.knocks += 1
        seat = f"{SEAT}{self.knocks}{SEAT}"
        knock = Knock(role=role, name=name, new_seat=seat, with_code=with_code)  # type: ignore[arg-type]
        admitted = admit(self.state, knock, self.now, self.context())
        if isinstance(admitted, Error):
            return
        assert admitted.actor == Actor(role=role, seat=seat)  # type: ignore[arg-type]
        assert not admitted.resumed
        assert not [e for _, e in admitted.events if isinstance(e, HeadCount)]
        self.commit(admitted.events)
        counted = [e for _, e in recount(self.state).events]
        assert counted == ([] if role == "board" else [HeadCount(present=self.state.present + 1)])
        self.commit(recount(self.state).events)
        self.attach(admitted.actor)

    def come_back(self, pick: int, as_other: bool) -> None:
        actor = self.seat(pick)
        if actor is None:
            return
        role = (
            ("board" if actor.role == "participant" else "participant") if as_other else actor.role
        )
        admitted = admit(self.state, Knock(role=role, seat=actor.seat), self.now, self.context())
        if isinstance(admitted, Error):
            return
        assert not as_other and admitted.resumed and admitted.actor == actor
        self.commit(admitted.events)

    def go_away(self, pick: int) -> None:
        actor = self.seat(pick)
        if actor is not None and actor.seat is not None:
            self.commit(presence(self.state, actor.seat, False, self.now).events)

    def check(self) -> None:
        """What each seat has built from what it saw, against the hub's own state."""
        self.commit(recount(self.state).events)  # announced once the step's seats settle
        hub = self.state
        assert hub.present == hub.count_present() or hub.status == "ended"
        for seat, actor in self.seats.items():
            view = self.views[seat]
            assert [p.id for p in view.participants] == [seat]
            assert view.participant(seat) == hub.participant(seat)
            assert [p.id for p in view.people] == ([] if actor.role == "board" else [seat])
            assert view.present == hub.count_present()
            assert view.facilitators == () and view.rounds == ()
            assert view.checkins == hub.checkins and view.turns == hub.turns
            assert view.hands == tuple(h for h in hub.hands if h == seat)
            assert view.requests == tuple(r for r in hub.requests if r.participant == seat)
            assert view.shares == tuple(s for s in hub.shares if s.public)
            assert [i.notes for i in view.agenda] == [""] * len(hub.agenda)
            assert [msgspec.structs.replace(i, notes="") for i in hub.agenda] == list(view.agenda)
            room = ("status", "current", "code", "locked", "exercises", "started_at", "ended_at")
            assert all(getattr(view, key) == getattr(hub, key) for key in room)


def opened() -> Room:
    created = create(
        CATALOGUE.templates["relapse-prevention"],
        session_id="s",
        code="ABCDEF",
        owner="dana",
        title=None,
        record_shares=False,
        now=T0,
    )
    room = Room(state=SessionState())
    room.commit(created.events)
    return room


# -- strategies -------------------------------------------------------------------------------

ID = st.just("c")
PICK = st.integers(0, 63)
NAMES = st.one_of(
    st.text(
        st.characters(categories=["L", "N", "P", "S", "Zs"], exclude_characters=SEAT), max_size=12
    ).map(lambda t: MARK + t),
    st.text(st.characters(exclude_characters=SEAT), max_size=12).map(lambda t: MARK + t),
    st.sampled_from(["", "  ", "\x1b[2J", "x" * 41, "Room board"]),  # refused, or nobody's
)
"""Random names, and ones the door refuses ("Room board" has no mark: it is refused too)."""
TEXTS = st.text(st.characters(exclude_characters=MARK + SEAT), min_size=1, max_size=20)
TITLES = st.sampled_from(["Stretch", "Open round"])
FACILITATOR_COMMANDS: st.SearchStrategy[AnyCommand] = st.one_of(
    st.builds(StartSession, id=ID),
    st.builds(NextItem, id=ID),
    st.builds(ExtendItem, id=ID, minutes=st.integers(1, 10)),
    st.builds(SkipItem, id=ID, index=st.none() | st.integers(0, 8)),
    st.builds(LockRoom, id=ID, locked=st.booleans()),
    st.builds(
        AddItem,
        id=ID,
        index=st.integers(0, 8),
        kind=st.just("topic"),
        title=TITLES,
        minutes=st.integers(1, 30),
        notes=st.sampled_from(["", "Private: check on the newcomer"]),
    ),
    st.builds(RemoveItem, id=ID, index=st.integers(0, 8)),
    st.builds(MoveItem, id=ID, index=st.integers(0, 8), to=st.integers(0, 8)),
    st.builds(SetMinutes, id=ID, index=st.integers(0, 8), minutes=st.integers(1, 30)),
    st.builds(StartExercise, id=ID, exercise=st.sampled_from(["stop-skill", "box-breathing"])),
    st.builds(PauseExercise, id=ID),
    st.builds(ResumeExercise, id=ID),
    st.builds(SkipExerciseStep, id=ID),
    st.builds(StopExercise, id=ID),
    st.builds(OpenCheckin, id=ID, question=st.sampled_from(list(PRESETS.values()))),
    st.builds(OpenCheckin, id=ID, question=st.just(PRESETS["feeling"]), run=st.integers(1, 3)),
    st.builds(CloseCheckin, id=ID, checkin=st.integers(1, 3)),
    st.builds(CallSpeaker, id=ID),
    st.builds(EndTurn, id=ID),
    st.builds(NextTurn, id=ID),
    st.builds(EndRound, id=ID),
    st.builds(HandleRequest, id=ID, request=st.integers(1, 3)),
    st.builds(AddCofacilitator, id=ID, account=st.sampled_from(["lee", "kim"])),
)
MODERATION = st.tuples(
    st.just("moderate"), PICK, st.sampled_from(["show", "show", "set_aside", "discussed"])
)
JOIN = st.tuples(
    st.just("join"), st.sampled_from(["participant", "participant", "board"]), NAMES, st.booleans()
)
EXERCISE = st.builds(StartExercise, id=ID, exercise=st.just("stop-skill"))
STEP = st.one_of(
    JOIN,
    JOIN,
    st.tuples(st.just("facilitate"), EXERCISE),
    st.tuples(st.just("facilitate"), st.builds(CloseCheckin, id=ID, checkin=st.integers(1, 3))),
    st.tuples(st.just("rate"), PICK, st.integers(1, 3), st.integers(0, 10)),
    st.tuples(st.just("hand"), PICK, st.booleans()),
    st.tuples(st.just("call"), PICK),
    st.tuples(st.just("lower"), PICK),
    st.tuples(st.just("round"), st.lists(PICK, min_size=1, max_size=5)),
    st.tuples(st.just("reorder"), st.lists(PICK, max_size=5)),
    st.tuples(st.just("pass"), PICK),
    st.tuples(st.just("ask"), PICK, st.sampled_from(["", "about my ride home"])),
    st.tuples(st.just("share"), PICK, TEXTS),
    MODERATION,
    st.tuples(st.just("back"), PICK, st.booleans()),
    st.tuples(st.just("away"), PICK),
    st.tuples(st.just("share"), PICK, TEXTS),
    st.tuples(st.just("release")),
    st.tuples(st.just("rate"), PICK, st.integers(1, 3), st.integers(0, 10)),
    st.tuples(st.just("remove"), PICK),
    st.tuples(st.just("readmit"), PICK),
    MODERATION,
    st.tuples(st.just("facilitate"), FACILITATOR_COMMANDS),
    st.tuples(st.just("overreach"), PICK, FACILITATOR_COMMANDS),
)
WAIT = st.floats(0, 90, allow_nan=False)
Timed = tuple[float, tuple[Any, ...]]
SESSION = st.tuples(
    st.lists(JOIN, min_size=1, max_size=5),
    st.booleans(),
    st.lists(st.tuples(WAIT, STEP), min_size=10, max_size=60),
    st.lists(
        st.tuples(WAIT, st.one_of(STEP, st.just(("facilitate", EndSession(id="c"))))), max_size=6
    ),
)
"""People arrive, the session goes on for a while, then anything, the end among it, and after."""


@settings(
    max_examples=200,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(SESSION)
def test_no_seat_ever_sees_another_seat_a_name_or_what_is_for_facilitators(
    session: tuple[list[tuple[Any, ...]], bool, list[Timed], list[Timed]],
) -> None:
    arrivals, start, going_on, closing = session
    room = opened()
    if start:
        going_on = [(0.0, ("facilitate", StartSession(id="c"))), *going_on]
    for wait, step in [(0.0, arrival) for arrival in arrivals] + going_on + closing:
        room.now += wait
        if wait >= 15:  # the hub's batch timer went off meanwhile
            room.release()
        match step:
            case ("join", role, name, with_code):
                room.join(role, name, with_code)
            case ("back", pick, as_other):
                room.come_back(pick, as_other)
            case ("away", pick):
                room.go_away(pick)
            case ("share", pick, text):
                if (actor := room.seat(pick)) is not None:
                    room.decide(SubmitShare(id="c", text=text), actor)
            case ("release",):
                room.release()
            case ("rate", pick, checkin, value):
                if (actor := room.seat(pick)) is not None:
                    room.decide(AnswerCheckin(id="c", checkin=checkin, value=value), actor)
            case ("hand", pick, raised):
                if (actor := room.seat(pick)) is not None:
                    room.decide(RaiseHand(id="c", raised=raised), actor)
            case ("call", pick):
                if (actor := room.seat(pick)) is not None and actor.seat is not None:
                    room.decide(CallSpeaker(id="c", participant=actor.seat), FAC)
            case ("lower", pick):
                if (actor := room.seat(pick)) is not None and actor.seat is not None:
                    room.decide(LowerHand(id="c", participant=actor.seat), FAC)
            case ("round", picks):
                order = [a.seat for p in picks if (a := room.seat(p)) is not None and a.seat]
                if order:
                    room.decide(StartRound(id="c", order=tuple(dict.fromkeys(order))), FAC)
            case ("reorder", picks):
                order = [a.seat for p in picks if (a := room.seat(p)) is not None and a.seat]
                room.decide(ReorderRound(id="c", order=tuple(dict.fromkeys(order))), FAC)
            case ("pass", pick):  # mostly the speaker, sometimes someone else
                speaker = room.state.speaker
                actor = room.seats.get(speaker.participant) if speaker and pick % 2 else None
                if (actor := actor or room.seat(pick)) is not None:
                    room.decide(PassTurn(id="c"), actor)
            case ("ask", pick, note):
                if (actor := room.seat(pick)) is not None:
                    room.decide(RequestTalk(id="c", note=note), actor)
            case ("remove", pick):
                if (actor := room.seat(pick)) is not None and actor.seat is not None:
                    room.decide(RemoveParticipant(id="c", participant=actor.seat), FAC)
            case ("readmit", pick):
                if (actor := room.seat(pick)) is not None and actor.seat is not None:
                    room.decide(ReadmitParticipant(id="c", participant=actor.seat), FAC)
            case ("moderate", pick, action):  # mostly a share there is, sometimes not
                number = pick % (len(room.state.shares) + 1) + 1
                room.decide(ModerateShare(id="c", share=number, action=action), FAC)
            case ("facilitate", command):
                room.decide(command, FAC)
            case ("overreach", pick, command):
                if (actor := room.seat(pick)) is not None:
                    refused = decide(room.state, command, actor, room.now, room.context())
                    assert isinstance(refused, Error) and refused.code == "not_allowed"
        room.check()
