"""Hypothesis against the hub's edge and its rules: nothing a client sends makes them raise.

Bytes, JSON-ish values and mutated commands go into the hub's decoder (``decode_client``, with
two msgspec leaks plugged in ``shared.codec``), which may only refuse them with
``msgspec.DecodeError`` / ``ValidationError``. Every decodable command, from any actor, in
any order, goes into ``decide`` from a realistic session, which answers with events or an
``Error``; ``reduce`` then applies those events, and each survives the trip through the codec.

Command strategies are built from the protocol's own types (``msgspec.inspect``), so a command
added later is fuzzed without touching this file.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import msgspec
import msgspec.inspect as mi
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shared.admission import Knock, admit
from shared.checkins import counted
from shared.codec import decode_client, decode_event, decode_server, encode
from shared.commands import (
    AnswerCheckin,
    AnyCommand,
    AnyHandshake,
    EndSession,
    ModerateShare,
    StartExercise,
    StartSession,
    SubmitShare,
)
from shared.content_check import load_catalogue
from shared.decide import Context, create, decide, recount, release
from shared.decision import (
    Actor,
    Decision,
    Disconnect,
    HoldShare,
    NewCode,
    ReleaseShares,
    Tally,
    TellFacilitators,
    audience,
)
from shared.events import AnyEvent, CheckinClosed, Error, Passed
from shared.reduce import reduce
from shared.state import SessionState

FUZZ = settings(
    max_examples=150,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

CATALOGUE = load_catalogue()
EXERCISES = CATALOGUE.exercises
VARIANTS = sorted(
    {v.id for e in EXERCISES.values() if e.breathing is not None for v in e.breathing.variants}
)


def structs(union: object) -> list[mi.StructType]:
    info = mi.type_info(union)
    assert isinstance(info, mi.UnionType)
    found = [t for t in info.types if isinstance(t, mi.StructType)]
    assert len(found) == len(info.types)
    return found


COMMAND_TYPES = structs(AnyCommand)
HANDSHAKE_TYPES = structs(AnyHandshake)
TAGS = sorted(str(t.tag) for t in (*COMMAND_TYPES, *HANDSHAKE_TYPES))
FIELDS = sorted({f.encode_name for t in (*COMMAND_TYPES, *HANDSHAKE_TYPES) for f in t.fields})

NEAR: dict[str, tuple[int, int]] = {
    "share": (1, 6),
    "run": (1, 4),
    "index": (0, 9),
    "to": (0, 9),
    "checkin": (1, 3),
    "request": (1, 3),
}
"""Numbers that name things in a session are mostly small, so they sometimes hit one."""
IDS = [f"cmd-{n}" for n in range(8)]
"""A small pool of command ids, so retries and clashes happen."""
SEATS = ["p0", "p1", "p2", "b0"]
"""The seats of the fuzzed sessions (see ``lobby``), so commands naming a seat often hit one."""


def values(name: str, kind: mi.Type) -> st.SearchStrategy[Any]:
    """Values for one field that its type and constraints accept."""
    match kind:
        case mi.IntType():
            low = kind.ge if kind.ge is not None else -(2**63) if kind.gt is None else kind.gt + 1
            high = kind.le if kind.le is not None else 2**63 - 1 if kind.lt is None else kind.lt - 1
            near_low, near_high = NEAR.get(name, (low, low + 10))
            near = st.integers(max(low, near_low), min(high, near_high))
            return st.one_of(near, st.integers(low, high))
        case mi.StrType():
            text = st.text(min_size=kind.min_length or 0, max_size=min(kind.max_length or 80, 80))
            if name == "id":
                return st.one_of(st.sampled_from(IDS), text)
            if name == "exercise":
                return st.one_of(st.sampled_from(sorted(EXERCISES)), text)
            if name in ("participant", "into", "order"):
                return st.one_of(st.sampled_from(SEATS), text)
            if name == "variant":
                return st.one_of(st.sampled_from(VARIANTS), text)
            if name == "text":  # shares: blank, ordinary, and around the length limit
                long = st.integers(990, 1010).map(lambda n: "x" * n)
                return st.one_of(text, st.just("   \n "), long)
            return text
        case mi.BoolType():
            return st.booleans()
        case mi.NoneType():
            return st.none()
        case mi.LiteralType():
            return st.sampled_from(kind.values)
        case mi.UnionType():
            return st.one_of(*(values(name, member) for member in kind.types))
        case mi.StructType():  # a nested struct (a handshake's login, a check-in's question)
            return message(kind)
        case mi.VarTupleType():  # a round's order, a question's labels
            most = min(kind.max_length if kind.max_length is not None else 6, 6)
            items = st.lists(
                values(name, kind.item_type), min_size=kind.min_length or 0, max_size=most
            )
            return items.map(tuple)
        case _:
            raise NotImplementedError(f"no strategy for {kind!r} (field {name!r})")


def message(info: mi.StructType) -> st.SearchStrategy[Any]:
    return st.builds(info.cls, **{f.name: values(f.name, f.type) for f in info.fields})


COMMANDS: st.SearchStrategy[AnyCommand] = st.one_of(*(message(t) for t in COMMAND_TYPES))
HANDSHAKES: st.SearchStrategy[AnyHandshake] = st.one_of(*(message(t) for t in HANDSHAKE_TYPES))

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
"""Any JSON value, including NaN and infinities, which ``json.dumps`` writes but JSON lacks."""
MESSAGE_LIKE = st.fixed_dictionaries(
    {"type": st.sampled_from(TAGS) | st.text(max_size=12)},
    optional={name: JSON for name in FIELDS},
)
"""Objects that look like messages: a real tag or not, known field names with any values."""


def refused_cleanly(raw: bytes) -> object | None:
    """Decode as the hub does; only msgspec's own errors may come out."""
    try:
        return decode_client(raw)
    except (msgspec.DecodeError, msgspec.ValidationError):
        return None


# -- the decoder ------------------------------------------------------------------------------


@FUZZ
@given(st.binary(max_size=400))
def test_any_bytes_are_decoded_or_refused(raw: bytes) -> None:
    refused_cleanly(raw)


@FUZZ
@given(st.one_of(JSON, MESSAGE_LIKE))
def test_any_json_is_decoded_or_refused(value: object) -> None:
    decoded = refused_cleanly(json.dumps(value).encode())
    if decoded is not None:  # it happened to be a whole, valid message
        assert decode_client(encode(decoded)) == decoded


@FUZZ
@given(st.one_of(COMMANDS, HANDSHAKES), st.data())
def test_valid_messages_survive_the_codec_and_damaged_ones_are_refused(
    command: object, data: st.DataObject
) -> None:
    raw = encode(command)
    assert decode_client(raw) == command
    cut = data.draw(st.integers(0, len(raw) - 1), label="cut")
    assert refused_cleanly(raw[:cut]) is None  # a truncated object never closes
    at = data.draw(st.integers(0, len(raw) - 1), label="at")
    junk = data.draw(st.binary(min_size=1, max_size=4), label="junk")
    refused_cleanly(raw[:at] + junk + raw[at + 1 :])
    as_dict = json.loads(raw)
    field = data.draw(st.sampled_from(sorted(as_dict)), label="field")
    as_dict[field] = data.draw(JSON, label="value")
    refused_cleanly(json.dumps(as_dict).encode())


NESTED = [
    b"[" * 30_000 + b"]" * 30_000,
    b'{"a":' * 5_000 + b"1" + b"}" * 5_000,
    b'{"type":"share.submit","id":"x","text":"t","extra":' + b"[" * 5_000 + b"]" * 5_000 + b"}",
    b'{"id":' + b'{"a":' * 5_000 + b"1" + b"}" * 5_000 + b',"type":"share.submit"}',
]
NOT_UTF8 = [
    b'{"type":"\x80ession.start","id":"c"}',
    b'{"type":"session.start","id":"\xff"}',
    b'{"type":"share.submit","id":"c","text":"caf\xe9"}',
    b'{"type":"hello","protocol":1,"role":"board","code":"\xc3"}',
]
"""Latin-1 in a binary frame: websockets checks text frames only."""


@pytest.mark.parametrize("raw", NESTED + NOT_UTF8)
def test_deep_nesting_and_bad_utf8_are_refused_at_the_hub_edge(raw: bytes) -> None:
    assert len(raw) < 64 * 1024  # it fits in one frame
    with pytest.raises(msgspec.DecodeError):
        decode_client(raw)


@pytest.mark.parametrize("raw", [NESTED[1], NOT_UTF8[0]], ids=["nested", "latin-1"])
@pytest.mark.parametrize(
    "decode", [decode_client, decode_server, decode_event], ids=["client", "server", "event"]
)
def test_every_decoder_refuses_with_msgspec_errors_only(
    decode: Callable[[bytes], object], raw: bytes
) -> None:
    """msgspec 0.22 alone raises RecursionError / UnicodeDecodeError here; shared.codec converts
    them, so each decoder is safe on its own (the client reads the hub's frames with it too)."""
    with pytest.raises(msgspec.DecodeError):
        decode(raw)


def test_a_lone_surrogate_in_a_str_is_refused() -> None:
    with pytest.raises(msgspec.DecodeError):
        decode_client('{"type":"share.submit","id":"c","text":"\ud800"}')


# -- the rules --------------------------------------------------------------------------------

FAC = Actor(role="facilitator", account="dana")
BOARD = Actor(role="board", seat="b0")
PEOPLE = [Actor(role="participant", seat=f"p{n}") for n in range(3)]
ACTORS = st.one_of(st.just(FAC), st.sampled_from([*PEOPLE, BOARD]))
"""Half the commands come from the facilitator, so sessions get somewhere."""
T0 = 1_700_000_000.0


def lobby() -> SessionState:
    template = CATALOGUE.templates["relapse-prevention"]
    created = create(
        template,
        session_id="s",
        code="ABCDEF",
        owner="dana",
        title=None,
        record_shares=False,
        now=T0,
    )
    state = SessionState()
    for _, event in created.events:
        state = reduce(state, event)
    for actor in [*PEOPLE, BOARD]:
        assert actor.seat is not None
        knock = Knock(role=actor.role, name=actor.seat.upper(), new_seat=actor.seat)
        outcome = admit(state, knock, T0, Context())
        assert isinstance(outcome, Decision), outcome
        assert outcome.actor == actor
        for _, event in outcome.events:
            state = reduce(state, event)
    for _, event in recount(state).events:  # as the hub announces it once seats settle
        state = reduce(state, event)
    assert state.present == len(PEOPLE)
    return state


def running(*more: AnyCommand) -> SessionState:
    """Started, with two shares waiting and one of them shown (then ``more``)."""
    state = lobby()
    steps: list[tuple[Actor, AnyCommand]] = [
        (FAC, StartSession(id="s1")),
        (PEOPLE[0], SubmitShare(id="s2", text="First share.")),
        (PEOPLE[1], SubmitShare(id="s3", text="Second share.")),
        (FAC, ModerateShare(id="s4", share=1, action="show")),
        *((FAC, command) for command in more),
    ]
    for actor, command in steps:
        context = Context(exercises=EXERCISES)
        outcome = decide(state, command, actor, T0 + 60, context)
        assert isinstance(outcome, Decision), outcome
        if isinstance(command, SubmitShare):  # held, then released (as Room.release does)
            assert outcome.effects == (HoldShare(command.text),)
            outcome = release(state, [command.text])
        for _, event in outcome.events:
            state = reduce(state, event)
    return state


STARTS = {
    "lobby": lobby(),
    "running": running(),
    "exercise": running(StartExercise(id="s5", exercise="box-breathing")),
}
WAITS = st.floats(0, 900, allow_nan=False)
"""Seconds between two commands: long enough, at times, for an exercise to finish."""
GOING_ON = st.one_of(*(message(t) for t in COMMAND_TYPES if t.cls is not EndSession))
STEPS = st.builds(
    lambda body, last: body + last,
    st.lists(st.tuples(ACTORS, GOING_ON, WAITS), min_size=1, max_size=40),
    st.lists(st.tuples(ACTORS, COMMANDS, WAITS), max_size=6),
)
"""A session goes on for a while, then anything may come, the end among it, and after it."""


def shown(state: SessionState, event: AnyEvent) -> bool:
    """Whether the share ``event`` is about (if any) has been shown to the room."""
    share = state.share(getattr(event, "share", 0))
    return share is not None and share.public


@settings(FUZZ, max_examples=500)
@given(st.sampled_from(sorted(STARTS)), STEPS)
def test_decide_answers_every_command_and_reduce_applies_every_event(
    start: str, steps: list[tuple[Actor, AnyCommand, float]]
) -> None:
    """Any sequence of commands, as the hub would run them: rules never raise, events apply."""
    state, now = STARTS[start], T0 + 60
    ballots: dict[int, dict[str, int]] = {}
    codes = iter(f"CODE{n:02}" for n in range(100))
    for actor, command, wait in steps:
        now += wait
        context = Context(exercises=EXERCISES, tallies=counted(ballots), minimum=3)
        outcome = decide(state, command, actor, now, context)
        if isinstance(outcome, Error):
            assert outcome.detail
            continue
        assert isinstance(outcome, Decision)
        for effect in outcome.effects:  # carried out as the hub does, in order
            match effect:
                case HoldShare():  # held, then released (as Room.release does)
                    assert isinstance(command, SubmitShare) and outcome.events == ()
                    assert effect.text == command.text.strip()
                    outcome = release(state, [effect.text])
                case Tally():  # tallied, never logged (as Room.tally does)
                    assert isinstance(command, AnswerCheckin) and outcome.events == ()
                    assert (effect.checkin, effect.value) == (command.checkin, command.value)
                    assert effect.voter == actor.seat is not None
                    ballots.setdefault(effect.checkin, {})[effect.voter] = effect.value
                case TellFacilitators():  # a pass: for facilitators' screens, never stored
                    assert (
                        isinstance(effect.frame, Passed) and effect.frame.participant == actor.seat
                    )
                case NewCode():
                    outcome = outcome.with_code(next(codes))
                case ReleaseShares() | Disconnect():
                    pass  # shares are released at once here; no connection to close
        for heard, event in outcome.events:
            assert heard == audience(event, shown(state, event))
            assert decode_event(encode(event)) == event  # it is stored and sent as JSON
            if isinstance(event, CheckinClosed):  # published once, from the latest answers
                given = ballots.pop(event.checkin, {})
                assert event.answered == len(given)
                assert event.counts is None or sum(event.counts) == len(given) >= 3
            state = reduce(state, event)
        for _, event in recount(state).events:  # as the hub announces it, once seats settle
            state = reduce(state, event)
        assert state.present == state.count_present() or state.status == "ended"
