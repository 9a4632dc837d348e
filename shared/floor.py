"""Who speaks: raised hands, the speaker's turn, go-around rounds, and private requests to talk.

A pass in a round is the one private step: the room and the record see only that the next turn
started; the facilitators' screens are told who passed, and nothing stores it.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from shared.commands import (
    MAX_NOTE_CHARS,
    CallSpeaker,
    LowerHand,
    RaiseHand,
    ReorderRound,
    RequestTalk,
    StartRound,
)
from shared.decision import Decision, TellFacilitators, drafts, reject
from shared.events import (
    AnyEvent,
    Error,
    HandRaised,
    Passed,
    RequestHandled,
    RoundEnded,
    RoundReordered,
    RoundStarted,
    SpeakerCalled,
    SpeakerDone,
    TalkRequested,
)
from shared.state import Round, SessionState


def raise_hand(state: SessionState, command: RaiseHand, seat: str, now: float) -> Decision | Error:
    up = seat in state.hands
    if command.raised == up:
        return reject("invalid", "Your hand is already up." if up else "Your hand is not raised.")
    if command.raised and state.speaker is not None and state.speaker.participant == seat:
        return reject("invalid", "You have the floor now.")
    return Decision(events=drafts(HandRaised(participant=seat, raised=command.raised, at=now)))


def lower_hand(state: SessionState, command: LowerHand, now: float) -> Decision | Error:
    if command.participant not in state.hands:
        return reject("invalid", "That person's hand is not raised.")
    lowered = HandRaised(participant=command.participant, raised=False, at=now)
    return Decision(events=drafts(lowered))


def _limits(minutes: int, hard_minutes: int | None) -> Error | None:
    if hard_minutes is not None and hard_minutes < minutes:
        return reject("invalid", "The hard limit cannot be shorter than the soft one.")
    return None


def call(state: SessionState, command: CallSpeaker, now: float) -> Decision | Error:
    if state.round is not None:
        return reject("invalid", "A round is going on: use next turn, or end the round first.")
    seat = command.participant or next(iter(state.hands), None)
    if seat is None:
        return reject("invalid", "Nobody has a hand raised.")
    if seat not in state.hands:
        return reject("invalid", "Only someone with a raised hand can be called.")
    person = state.participant(seat)
    if person is None or not state.here(seat):
        return reject("invalid", "That person is not in the room right now.")
    refused = _limits(command.minutes, command.hard_minutes)
    if refused is not None:
        return refused
    called = SpeakerCalled(
        participant=seat,
        name=person.name,
        at=now,
        minutes=command.minutes,
        hard_minutes=command.hard_minutes,
    )
    return Decision(events=drafts(called))


def end_turn(state: SessionState, now: float) -> Decision | Error:
    if state.speaker is None:
        return reject("invalid", "Nobody has the floor.")
    if state.round is not None:
        return reject("invalid", "A round is going on: use next turn, or end the round.")
    return Decision(events=drafts(SpeakerDone(at=now)))


def _order_problem(state: SessionState, order: Sequence[str]) -> Error | None:
    if len(set(order)) != len(order):
        return reject("invalid", "Each person can have one turn in a round.")
    if not all(state.here(seat) for seat in order):
        return reject("invalid", "Everyone in the round must be in the room now.")
    return None


def start_round(state: SessionState, command: StartRound, now: float) -> Decision | Error:
    if state.round is not None:
        return reject("invalid", "A round is already going on.")
    refused = _order_problem(state, command.order) or _limits(command.minutes, command.hard_minutes)
    if refused is not None:
        return refused
    started = Round(
        order=command.order,
        minutes=command.minutes,
        hard_minutes=command.hard_minutes,
        started_at=now,
    )
    event = RoundStarted(
        order=command.order, minutes=command.minutes, hard_minutes=command.hard_minutes, at=now
    )
    return Decision(events=drafts(event, *_advance(state, started, now)))


def reorder(state: SessionState, command: ReorderRound) -> Decision | Error:
    current = state.round
    if current is None:
        return reject("invalid", "No round is going on.")
    taken = current.order[: current.taken]
    if any(seat in taken for seat in command.order):
        return reject("invalid", "Someone who has had their turn cannot be put in again.")
    refused = _order_problem(state, command.order)
    if refused is not None:
        return refused
    return Decision(events=drafts(RoundReordered(order=(*taken, *command.order))))


def _advance(state: SessionState, current: Round, now: float) -> tuple[AnyEvent, ...]:
    """The next turn of someone here (those away are passed over), or the round's end."""
    for index in range(current.taken, len(current.order)):
        seat = current.order[index]
        person = state.participant(seat)
        if person is not None and state.here(seat):
            called = SpeakerCalled(
                participant=seat,
                name=person.name,
                at=now,
                minutes=current.minutes,
                hard_minutes=current.hard_minutes,
                turn=index + 1,
                of=len(current.order),
            )
            return (called,)
    return (RoundEnded(at=now),)


def next_turn(state: SessionState, now: float) -> Decision | Error:
    if state.round is None:
        return reject("invalid", "No round is going on.")
    return Decision(events=drafts(*_advance(state, state.round, now)))


def pass_turn(state: SessionState, seat: str, now: float) -> Decision | Error:
    speaker, current = state.speaker, state.round
    if current is None or speaker is None or speaker.participant != seat or speaker.turn is None:
        return reject("invalid", "You can pass when it is your turn in a round.")
    told = TellFacilitators(Passed(participant=seat, turn=speaker.turn))
    return Decision(events=drafts(*_advance(state, current, now)), effects=(told,))


def end_round(state: SessionState, now: float) -> Decision | Error:
    if state.round is None:
        return reject("invalid", "No round is going on.")
    return Decision(events=drafts(RoundEnded(at=now)))


def clean_note(raw: str) -> str | Error:
    note = " ".join(raw.split())
    if any(unicodedata.category(ch) in ("Cc", "Cf") for ch in note):
        return reject("invalid", "A note can only use letters, numbers and punctuation.")
    if len(note) > MAX_NOTE_CHARS:
        return reject(
            "invalid", f"A note can be up to {MAX_NOTE_CHARS} characters; this one has {len(note)}."
        )
    return note


def request_talk(
    state: SessionState, command: RequestTalk, seat: str, now: float
) -> Decision | Error:
    note = clean_note(command.note)
    if isinstance(note, Error):
        return note
    person = state.participant(seat)
    if person is None:
        return reject("invalid", "You are not in this session.")
    if any(r.participant == seat for r in state.open_requests):
        return reject("invalid", "You have already asked. A counselor will find you after group.")
    asked = TalkRequested(
        request=len(state.requests) + 1, participant=seat, name=person.name, note=note, at=now
    )
    return Decision(events=drafts(asked))


def handle_request(state: SessionState, number: int, now: float) -> Decision | Error:
    asked = state.request(number)
    if asked is None:
        return reject("invalid", f"There is no request number {number}.")
    if asked.handled_at is not None:
        return reject("invalid", "That request is already marked as handled.")
    handled = RequestHandled(request=number, participant=asked.participant, at=now)
    return Decision(events=drafts(handled))


def closing(state: SessionState, now: float) -> tuple[AnyEvent, ...]:
    """What the session's end closes: the round, or the speaker's turn."""
    if state.round is not None:
        return (RoundEnded(at=now),)
    return (SpeakerDone(at=now),) if state.speaker is not None else ()
