"""Room boards: admitted like a new person, seen by the facilitator, never told anyone's name.

A board runs on a projector or a TV, often where people outside the group can read it, so it
gets what it draws (the agenda, the timer, shown shares, a head count) and nothing else.
"""

from __future__ import annotations

from client.connection import HubLink
from shared.commands import (
    PROTOCOL_VERSION,
    Hello,
    LockRoom,
    RemoveParticipant,
    StartSession,
)
from shared.events import (
    Ack,
    Error,
    ParticipantJoined,
    ParticipantRemoved,
    PresenceChanged,
    Welcome,
)
from tests.helpers import Client, RunningHub, facilitator, fast_delays, new_id, participant


def board_hello(code: str | None = None, **kw: object) -> Hello:
    return Hello(protocol=PROTOCOL_VERSION, role="board", code=code, **kw)  # type: ignore[arg-type]


async def board(uri: str, hello: Hello) -> Client:
    return await Client(HubLink(uri, hello, reconnect_delays=fast_delays)).start().joined()


def welcome_of(client: Client) -> Welcome:
    assert client.link.welcome is not None, client.frames
    return client.link.welcome


async def refused(uri: str, hello: Hello) -> Error:
    client = await board(uri, hello)
    await client.stop()
    assert client.refused is not None, client.frames
    return client.refused


async def test_a_board_learns_a_head_count_and_never_a_name(hub: RunningHub) -> None:
    fac = await facilitator(hub.uri)
    code = welcome_of(fac).code
    screen = await board(hub.uri, board_hello(code))
    names = ["Riley", "Morgan", "Avery"]
    people = [await participant(hub.uri, code, name) for name in names]
    await fac.do(StartSession(id=new_id()))
    await people[0].stop()  # one steps away
    await screen.until(lambda: screen.state.present == 2)

    seen = repr(screen.frames)
    assert not any(name in seen for name in names)
    own = welcome_of(screen).participant
    named = [e for e in screen.events if isinstance(e, ParticipantJoined | PresenceChanged)]
    assert named and all(e.participant == own for e in named)
    # A participant is told as little: the count, and their own seat.
    morgan = people[1]
    assert "Riley" not in repr(morgan.frames) and "Avery" not in repr(morgan.frames)
    await morgan.until(lambda: morgan.state.present == 2)
    for client in (fac, screen, *people[1:]):
        await client.stop()


async def test_the_facilitator_sees_a_board_and_can_remove_it(hub: RunningHub) -> None:
    fac = await facilitator(hub.uri)
    code = welcome_of(fac).code
    screen = await board(hub.uri, board_hello(code))
    await fac.until(lambda: [p.name for p in fac.state.participants if p.board] == ["Room board"])
    assert fac.state.present == 0  # a board is not a person in the room

    seat = welcome_of(screen).participant
    assert seat is not None
    assert isinstance(await fac.do(RemoveParticipant(id=new_id(), participant=seat)), Ack)
    await screen.until(lambda: screen.refused is not None)
    assert screen.refused is not None and screen.refused.code == "removed"
    assert not any(isinstance(e, ParticipantRemoved) for e in screen.events)
    await screen.stop()
    await fac.stop()


async def test_a_new_board_needs_a_room_that_would_take_a_new_person(hub: RunningHub) -> None:
    fac = await facilitator(hub.uri)
    code = welcome_of(fac).code
    screen = await board(hub.uri, board_hello(code))  # in before the lock
    assert isinstance(await fac.do(LockRoom(id=new_id(), locked=True)), Ack)

    late = await refused(hub.uri, board_hello(code))
    assert late.code == "room_locked"

    # The board that was already here comes back to its seat, like a participant would.
    w = welcome_of(screen)
    again = board_hello(session=w.session_id, token=w.token, after=0, epoch=w.epoch)
    back = await board(hub.uri, again)
    assert back.refused is None and welcome_of(back).participant == w.participant
    for client in (fac, screen, back):
        await client.stop()


async def test_a_session_id_alone_lets_no_new_board_in(hub: RunningHub) -> None:
    """Every participant learns the session id; after a removal changes the code it must not
    serve as a way in for an unseen screen."""
    fac = await facilitator(hub.uri)
    code = welcome_of(fac).code
    sam = await participant(hub.uri, code, "Sam")
    session = welcome_of(sam).session_id

    assert (await refused(hub.uri, board_hello(session=session))).code == "not_allowed"
    stale = await refused(hub.uri, board_hello("ZZZZZZ", session=session))
    assert stale.code == "not_allowed"
    newcomer = Hello(protocol=PROTOCOL_VERSION, role="participant", session=session, name="Eve")
    client = await board(hub.uri, newcomer)
    await client.stop()
    assert client.refused is not None and client.refused.code == "not_allowed"
    await fac.until(lambda: [p.name for p in fac.state.participants] == ["Sam"])
    for c in (fac, sam):
        await c.stop()
