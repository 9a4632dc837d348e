"""Bad input at the edge: each bad client gets its own error, everyone else carries on."""

from __future__ import annotations

import json
import logging

import pytest
from websockets.frames import CloseCode

from shared.codec import encode
from shared.commands import (
    PROTOCOL_VERSION,
    CreateSession,
    EndSession,
    ExtendItem,
    ModerateShare,
    StartSession,
)
from shared.events import Ack, Error
from tests.helpers import LOGIN, RunningHub, facilitator, new_id, participant, share
from tests.hub.raw import Raw, dial, hello, http_get, join


async def still_open(raw: Raw) -> None:
    """The connection still answers: a refused command gets its reply."""
    probe = ExtendItem(id=new_id())
    await raw.send(probe)
    reply = await raw.reply_to(probe.id)
    assert isinstance(reply, Error) and reply.code == "not_allowed"


async def refused_at_the_door(uri: str, first: bytes | str, code: str) -> Error:
    raw = await dial(uri)
    await raw.send(first)
    error = await raw.error()
    assert error.code == code, error
    assert error.detail
    assert await raw.closed_with() == CloseCode.POLICY_VIOLATION
    return error


async def test_bad_clients_do_not_disturb_a_session(
    hub: RunningHub, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    fac = await facilitator(hub.uri)
    assert fac.link.welcome is not None
    code = fac.link.welcome.code
    sam = await participant(hub.uri, code, "Sam")
    bad = await join(hub.uri, hello(code, name="Mallory"))
    assert bad.welcome.participant is not None

    # An undecodable frame: an error, and the connection stays open.
    garbage_frames: list[tuple[bytes | str, str]] = [
        (b"\xff\xfe not json", "bad_frame"),
        (b"\x00\x01\x02", "bad_frame"),
        ("{", "bad_frame"),
        ("{'type': 'share.submit'}", "bad_frame"),
        ("[]", "invalid"),  # JSON, but not a message
        ('"hello"', "invalid"),
        ("null", "invalid"),
    ]
    for garbage, expected in garbage_frames:
        await bad.send(garbage)
        error = await bad.error()
        assert error.code == expected, (garbage, error)
    await still_open(bad)

    # An unknown command type.
    await bad.send(json.dumps({"type": "agenda.teleport", "id": "c1"}))
    assert (await bad.error()).code == "unknown_command"
    # A field of the wrong type, a value out of range, an unknown field, a missing field.
    for wrong in (
        {"type": "agenda.extend", "id": "c2", "minutes": "5"},
        {"type": "agenda.extend", "id": "c3", "minutes": 500},
        {"type": "share.submit", "id": "c4", "text": 42},
        {"type": "share.submit", "id": "c5", "text": "hi", "author": "Mallory"},
        {"type": "share.submit", "id": "c6"},
        {"type": "share.submit", "id": "", "text": "hi"},
    ):
        await bad.send(json.dumps(wrong))
        error = await bad.error()
        assert error.code == "invalid", (wrong, error)
    # A second handshake on a joined connection.
    await bad.send(hello(code, name="Mallory again"))
    assert (await bad.error()).code == "already_joined"
    await bad.send(
        CreateSession(protocol=PROTOCOL_VERSION, login=LOGIN, template="relapse-prevention")
    )
    assert (await bad.error()).code == "already_joined"
    await still_open(bad)

    # A first frame that is not a handshake, or that no hub could accept: error, then 1008.
    await refused_at_the_door(hub.uri, b"\xff garbage", "bad_frame")
    await refused_at_the_door(hub.uri, encode(StartSession(id=new_id())), "not_joined")
    newer = hello(code, name="Time traveller", protocol=99)
    mismatch = await refused_at_the_door(hub.uri, encode(newer), "protocol_mismatch")
    assert "99" in mismatch.detail and "update" in mismatch.detail
    # A newer client's handshake may carry fields this hub does not know: still a mismatch.
    future = {**json.loads(encode(newer)), "device": "tablet"}
    await refused_at_the_door(hub.uri, json.dumps(future), "protocol_mismatch")
    future_create = {
        "type": "session.create",
        "protocol": PROTOCOL_VERSION + 1,
        "template": "x",
        "theme": "dark",
    }
    await refused_at_the_door(hub.uri, json.dumps(future_create), "protocol_mismatch")
    # The same shape at this hub's own version is just invalid.
    current = {**json.loads(encode(hello(code, name="Now"))), "device": "tablet"}
    await refused_at_the_door(hub.uri, json.dumps(current), "invalid")
    await refused_at_the_door(hub.uri, encode(hello("QQQQQQ", name="Lost")), "no_such_room")
    await refused_at_the_door(hub.uri, encode(hello(code, name="   ")), "invalid")
    await refused_at_the_door(
        hub.uri, encode(hello(code, "facilitator", token="f.dana.forged")), "sign_in_failed"
    )
    await refused_at_the_door(hub.uri, encode(hello(code, token="p.0000.forged")), "not_allowed")
    await refused_at_the_door(
        hub.uri,
        encode(CreateSession(protocol=PROTOCOL_VERSION, login=LOGIN, template="no-such-template")),
        "no_such_template",
    )

    # An oversize frame closes that connection only, with 1009.
    huge = await join(hub.uri, hello(code, name="Big"))
    await huge.send(json.dumps({"type": "share.submit", "id": "c7", "text": "x" * 70_000}))
    assert await huge.closed_with() == CloseCode.MESSAGE_TOO_BIG

    # A flood beyond the command budget: the budget's commands are answered (refused, they are
    # the facilitator's), then the sender is told once to wait; the rest are dropped unread.
    burst = hub.hub.config.command_burst
    flooder = await join(hub.uri, hello(code, name="Flood"))
    flood = [ExtendItem(id=new_id()) for _ in range(burst + 30)]
    for command in flood:
        await flooder.send(command)
    limited = await flooder.read_until(lambda m: isinstance(m, Error) and m.code == "rate_limited")
    assert isinstance(limited, Error) and "wait" in limited.detail
    answered = [m for m in flooder.got if isinstance(m, Error) and m.command is not None]
    assert [m.code for m in answered[:burst]] == ["not_allowed"] * burst

    # Meanwhile the session itself went on untouched: start, share, show, end.
    assert not fac.state.shares and fac.state.status == "lobby"
    assert isinstance(await fac.do(StartSession(id=new_id())), Ack)
    await share(sam, fac, "Still here.")
    await fac.until(lambda: len(fac.state.shares) == 1)
    assert isinstance(await fac.do(ModerateShare(id=new_id(), share=1, action="show")), Ack)
    await sam.until(lambda: [s.text for s in sam.state.shares] == ["Still here."])
    assert isinstance(await fac.do(EndSession(id=new_id())), Ack)
    await sam.until(lambda: sam.state.status == "ended")
    assert [p.name for p in fac.state.participants] == ["Sam", "Mallory", "Big", "Flood"]

    # The hub still answers its health check.
    assert await http_get(hub.uri, "/healthz") == (200, b"OK\n")
    status, metrics = await http_get(hub.uri, "/metrics")
    assert status == 200 and b"circle_frames_rejected" in metrics

    # One bad client is one log line, not a traceback.
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]

    await bad.close()
    await flooder.close()
    await fac.stop()
    await sam.stop()


async def test_a_silent_client_is_closed_after_the_handshake_timeout(hub: RunningHub) -> None:
    hub.hub.config.handshake_timeout = 0.2
    raw = await dial(hub.uri)
    assert await raw.closed_with() == CloseCode.POLICY_VIOLATION
    [said] = raw.got  # with words a client can show
    assert isinstance(said, Error) and said.code == "not_joined"


async def test_a_full_room_and_an_ended_session_turn_newcomers_away(hub: RunningHub) -> None:
    hub.hub.config.max_participants = 2
    fac = await facilitator(hub.uri)
    assert fac.link.welcome is not None
    code = fac.link.welcome.code
    sam = await participant(hub.uri, code, "Sam")
    kim = await participant(hub.uri, code, "Kim")
    # In the room's live fan-out only once caught up: a session ending between the welcome and
    # the catch-up's end turns the newcomer away, and the end event never reaches them.
    await sam.until(lambda: sam.mirror.caught_up)
    await kim.until(lambda: kim.mirror.caught_up)
    full = await refused_at_the_door(hub.uri, encode(hello(code, name="Lee")), "room_full")
    assert "full" in full.detail
    # The code is typed by people: case, spaces and dashes do not matter.
    assert sam.link.welcome is not None
    spaced = f" {code[:3].lower()}-{code[3:].lower()} "
    again = await join(hub.uri, hello(spaced, token=sam.link.welcome.token))
    assert again.welcome.participant == sam.link.welcome.participant
    await again.close()

    assert isinstance(await fac.do(EndSession(id=new_id())), Ack)
    await kim.until(lambda: kim.state.status == "ended")
    # Someone late is told the session has ended, not that the code is wrong.
    await refused_at_the_door(hub.uri, encode(hello(code, name="Late")), "session_ended")
    for client in (fac, sam, kim):
        await client.stop()
