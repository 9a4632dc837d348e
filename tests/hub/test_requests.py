"""Private "talk with a counselor after group" requests reach the facilitators and the asking seat
only: no other participant and no board receives a frame that mentions one."""

from __future__ import annotations

import msgspec
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from client.connection import HubLink
from shared.commands import PROTOCOL_VERSION, HandleRequest, Hello, RequestTalk, StartSession
from shared.events import Ack, Error, RequestHandled, TalkRequested
from tests.helpers import Client, RunningHub, facilitator, fast_delays, new_id, participant

NAMES = ("Ann Marker", "Bo Marker", "Cy Marker")


def seat(client: Client) -> str:
    assert client.link.welcome is not None and client.link.welcome.participant is not None
    return client.link.welcome.participant


def mentions(client: Client, *secrets: str) -> list[object]:
    """Every frame (encoded as the hub sent it) that contains any of ``secrets``."""
    return [f for f in client.frames if any(s in msgspec.json.encode(f).decode() for s in secrets)]


@settings(
    max_examples=4,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(asker=st.integers(0, 2), note=st.sampled_from(["", "note-canary-42 about my ride"]))
async def test_a_request_reaches_the_facilitators_and_the_asker_only(
    hub: RunningHub, asker: int, note: str
) -> None:
    fac = await facilitator(hub.uri)
    assert fac.link.welcome is not None
    code = fac.link.welcome.code
    people = [await participant(hub.uri, code, name) for name in NAMES]
    hello = Hello(protocol=PROTOCOL_VERSION, role="board", code=code)
    wall = await Client(HubLink(hub.uri, hello, reconnect_delays=fast_delays)).start().joined()
    assert isinstance(await fac.do(StartSession(id=new_id())), Ack)
    asking = people[asker]
    ask = RequestTalk(id=new_id(), note=note)
    assert isinstance(await asking.do(ask), Ack)
    await fac.until(lambda: bool(fac.state.open_requests))
    [request] = fac.state.requests
    assert (request.name, request.note, request.participant) == (
        NAMES[asker],
        note,
        seat(asking),
    )
    await asking.until(lambda: bool(asking.state.requests))
    assert isinstance(await fac.do(HandleRequest(id=new_id(), request=1)), Ack)
    await asking.until(lambda: asking.state.requests[0].handled_at is not None)
    assert fac.state.open_requests == ()

    # Everyone else: no frame names the request, its asker's name or its note.
    kinds = ("request.made", "request.handled", NAMES[asker], *([note] if note else []))
    for other in (*(p for p in people if p is not asking), wall):
        assert mentions(other, *kinds) == []
        assert not other.state.requests
    mine = [e for e in asking.events if isinstance(e, TalkRequested | RequestHandled)]
    assert [type(e) for e in mine] == [TalkRequested, RequestHandled]
    for client in (fac, *people, wall):
        await client.stop()


async def test_a_second_open_request_and_a_long_note_are_refused(hub: RunningHub) -> None:
    fac = await facilitator(hub.uri)
    assert fac.link.welcome is not None
    ann = await participant(hub.uri, fac.link.welcome.code, "Ann")
    long = RequestTalk(id=new_id(), note="x" * 201)
    refused = await ann.do(long)
    assert isinstance(refused, Error) and refused.command == long.id and "200" in refused.detail
    assert isinstance(await ann.do(RequestTalk(id=new_id())), Ack)
    again = await ann.do(RequestTalk(id=new_id()))
    assert isinstance(again, Error) and "already asked" in again.detail
    from_fac = await fac.do(RequestTalk(id=new_id()))
    assert isinstance(from_fac, Error) and from_fac.code == "not_allowed"
    await fac.until(lambda: len(fac.state.requests) == 1)
    for client in (fac, ann):
        await client.stop()
