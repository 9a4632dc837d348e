"""Who speaks, as pure rules: raised hands, calling, go-around rounds with passes, and private
requests to talk after group."""

from __future__ import annotations

from shared.admission import admit
from shared.commands import (
    CallSpeaker,
    EndRound,
    EndSession,
    EndTurn,
    HandleRequest,
    LowerHand,
    NextTurn,
    PassTurn,
    RaiseHand,
    ReorderRound,
    RequestTalk,
    StartRound,
)
from shared.decide import decide, presence
from shared.decision import EVERYONE, FACILITATORS, Actor, TellFacilitators, only
from shared.events import (
    HandRaised,
    Passed,
    RoundEnded,
    RoundStarted,
    SpeakerCalled,
    SpeakerDone,
    TalkRequested,
)
from shared.state import SessionState
from tests.unit.test_decide import CONTEXT, FAC, SAM, T0, apply, cid, newcomer, ok, refused, running

KIM = Actor(role="participant", seat="p-kim")
LEE = Actor(role="participant", seat="p-lee")


def room() -> SessionState:
    """Running, with Sam, Kim and Lee here."""
    state = running()
    for name, seat in (("Kim", "p-kim"), ("Lee", "p-lee")):
        state = apply(state, admit(state, newcomer(name, seat), T0 + 11, CONTEXT))
    return state


def hand(state: SessionState, actor: Actor, raised: bool = True) -> SessionState:
    return apply(state, decide(state, RaiseHand(id=cid(), raised=raised), actor, T0 + 20))


def test_hands_queue_in_the_order_they_went_up() -> None:
    state = room()
    raised = ok(decide(state, RaiseHand(id=cid()), KIM, T0 + 20))
    assert raised.events == (
        (only("p-kim"), HandRaised(participant="p-kim", raised=True, at=T0 + 20)),
    )
    state = hand(hand(hand(state, KIM), SAM), LEE)
    assert state.hands == ("p-kim", "p-sam", "p-lee")
    refused(decide(state, RaiseHand(id=cid()), KIM, T0 + 21), "invalid")  # already up
    state = hand(state, SAM, raised=False)
    assert state.hands == ("p-kim", "p-lee")
    state = apply(state, decide(state, LowerHand(id=cid(), participant="p-lee"), FAC, T0 + 22))
    assert state.hands == ("p-kim",)
    refused(decide(state, LowerHand(id=cid(), participant="p-lee"), FAC, T0 + 23), "invalid")


def test_calling_takes_the_first_hand_or_the_one_named() -> None:
    state = hand(hand(hand(room(), KIM), SAM), LEE)
    [(audience, called)] = ok(decide(state, CallSpeaker(id=cid()), FAC, T0 + 30)).events
    assert audience == EVERYONE
    assert isinstance(called, SpeakerCalled) and (called.participant, called.name) == (
        "p-kim",
        "Kim",
    )
    named = ok(decide(state, CallSpeaker(id=cid(), participant="p-lee"), FAC, T0 + 30))
    state = apply(state, named)
    assert state.speaker is not None and state.speaker.participant == "p-lee"
    assert state.hands == ("p-kim", "p-sam")
    refused(decide(state, RaiseHand(id=cid()), LEE, T0 + 31), "invalid")  # has the floor
    limits = CallSpeaker(id=cid(), minutes=5, hard_minutes=3)
    refused(decide(state, limits, FAC, T0 + 31), "invalid")
    state = apply(state, decide(state, EndTurn(id=cid()), FAC, T0 + 90))
    assert state.speaker is None and state.turns[-1].elapsed(T0 + 999) == 60
    refused(decide(state, EndTurn(id=cid()), FAC, T0 + 91), "invalid")
    refused(decide(state, CallSpeaker(id=cid(), participant="p-lee"), FAC, T0 + 91), "invalid")


def test_nobody_away_is_called_and_an_empty_queue_calls_nobody() -> None:
    refused(decide(room(), CallSpeaker(id=cid()), FAC, T0 + 30), "invalid")
    state = hand(room(), KIM)
    state = apply(state, presence(state, "p-kim", False, T0 + 25))
    refused(decide(state, CallSpeaker(id=cid()), FAC, T0 + 30), "invalid")


def test_a_round_order_has_everyone_once_and_here() -> None:
    state = room()
    for order in (("p-sam", "p-sam"), ("p-sam", "p-nobody"), ()):
        if order:
            refused(decide(state, StartRound(id=cid(), order=order), FAC, T0 + 30), "invalid")
    away = apply(state, presence(state, "p-lee", False, T0 + 25))
    refused(decide(away, StartRound(id=cid(), order=("p-sam", "p-lee")), FAC, T0 + 30), "invalid")


def start_round(state: SessionState) -> SessionState:
    order = ("p-sam", "p-kim", "p-lee")
    started = ok(decide(state, StartRound(id=cid(), order=order), FAC, T0 + 30))
    assert [(a, type(e)) for a, e in started.events] == [
        (FACILITATORS, RoundStarted),
        (EVERYONE, SpeakerCalled),
    ]
    return apply(state, started)


def test_a_pass_moves_on_and_only_the_facilitators_are_told() -> None:
    state = start_round(room())
    assert state.speaker is not None and (state.speaker.participant, state.speaker.turn) == (
        "p-sam",
        1,
    )
    refused(decide(state, PassTurn(id=cid()), KIM, T0 + 31), "invalid")  # not Kim's turn
    passed = ok(decide(state, PassTurn(id=cid()), SAM, T0 + 31))
    assert passed.effects == (TellFacilitators(Passed(participant="p-sam", turn=1)),)
    [(audience, called)] = passed.events  # the room sees the next turn, as after any turn
    assert audience == EVERYONE and isinstance(called, SpeakerCalled)
    assert (called.participant, called.turn, called.of) == ("p-kim", 2, 3)
    assert "pass" not in repr(passed.events).lower()
    state = apply(state, passed)
    refused(decide(state, CallSpeaker(id=cid()), FAC, T0 + 32), "invalid")  # a round is on
    refused(decide(state, EndTurn(id=cid()), FAC, T0 + 32), "invalid")


def test_someone_away_when_their_turn_comes_is_passed_over() -> None:
    state = start_round(room())
    state = apply(state, presence(state, "p-kim", False, T0 + 40))
    state = apply(state, decide(state, NextTurn(id=cid()), FAC, T0 + 50))
    assert state.speaker is not None and (state.speaker.participant, state.speaker.turn) == (
        "p-lee",
        3,
    )
    last = ok(decide(state, NextTurn(id=cid()), FAC, T0 + 60))
    assert [type(e) for _, e in last.events] == [RoundEnded]
    state = apply(state, last)
    assert state.round is None and state.speaker is None
    refused(decide(state, NextTurn(id=cid()), FAC, T0 + 61), "invalid")
    refused(decide(state, PassTurn(id=cid()), LEE, T0 + 61), "invalid")


def test_reordering_keeps_turns_taken_and_checks_the_rest() -> None:
    state = start_round(room())
    refused(decide(state, ReorderRound(id=cid(), order=("p-sam",)), FAC, T0 + 31), "invalid")
    dupes = ReorderRound(id=cid(), order=("p-lee", "p-lee"))
    refused(decide(state, dupes, FAC, T0 + 31), "invalid")
    state = apply(
        state, decide(state, ReorderRound(id=cid(), order=("p-lee", "p-kim")), FAC, T0 + 31)
    )
    assert state.round is not None and state.round.order == ("p-sam", "p-lee", "p-kim")
    state = apply(state, decide(state, NextTurn(id=cid()), FAC, T0 + 40))
    assert state.speaker is not None and state.speaker.participant == "p-lee"
    ended = apply(state, decide(state, EndRound(id=cid()), FAC, T0 + 50))
    assert ended.round is None and ended.speaker is None
    refused(decide(ended, EndRound(id=cid()), FAC, T0 + 51), "invalid")


def test_a_request_has_a_short_note_and_one_open_at_a_time() -> None:
    state = room()
    long = RequestTalk(id=cid(), note="x" * 201)
    assert "200" in refused(decide(state, long, SAM, T0 + 20), "invalid").detail
    refused(decide(state, RequestTalk(id=cid(), note="\x1b[2J"), SAM, T0 + 20), "invalid")
    asked = ok(decide(state, RequestTalk(id=cid(), note="  about   my ride "), SAM, T0 + 20))
    assert asked.events == (
        (
            only("p-sam"),
            TalkRequested(
                request=1, participant="p-sam", name="Sam", note="about my ride", at=T0 + 20
            ),
        ),
    )
    state = apply(state, asked)
    refused(decide(state, RequestTalk(id=cid()), SAM, T0 + 21), "invalid")
    state = apply(state, decide(state, RequestTalk(id=cid(), note="x" * 200), KIM, T0 + 22))
    state = apply(state, decide(state, HandleRequest(id=cid(), request=1), FAC, T0 + 30))
    assert [r.number for r in state.open_requests] == [2]
    refused(decide(state, HandleRequest(id=cid(), request=1), FAC, T0 + 31), "invalid")
    refused(decide(state, HandleRequest(id=cid(), request=9), FAC, T0 + 31), "invalid")
    ok(decide(state, RequestTalk(id=cid()), SAM, T0 + 32))  # handled: Sam may ask again


def test_the_end_of_the_session_ends_the_round_or_the_speaker() -> None:
    state = start_round(room())
    end = ok(decide(state, EndSession(id=cid()), FAC, T0 + 90))
    assert next(type(e) for _, e in end.events) is RoundEnded
    after = apply(state, end)
    assert after.round is None and after.speaker is None
    state = hand(room(), KIM)
    state = apply(state, decide(state, CallSpeaker(id=cid()), FAC, T0 + 30))
    end = ok(decide(state, EndSession(id=cid()), FAC, T0 + 90))
    assert next(type(e) for _, e in end.events) is SpeakerDone
    assert apply(state, end).speaker is None
