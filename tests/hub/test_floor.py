"""Who speaks, over real sockets: the raised-hand queue survives reconnects and a hub restart,
and a pass in a round is seen by the passing seat and the facilitators only."""

from __future__ import annotations

from pathlib import Path

from client.connection import HubLink
from server.config import HubConfig
from server.hub import Hub
from shared.commands import (
    PROTOCOL_VERSION,
    CallSpeaker,
    Hello,
    NextTurn,
    PassTurn,
    RaiseHand,
    RemoveParticipant,
    StartRound,
    StartSession,
)
from shared.events import Ack, Error, Passed, SpeakerCalled, Welcome
from tests.helpers import (
    QUICK_BATCHES,
    Client,
    RunningHub,
    accounts_store,
    facilitator,
    fast_delays,
    new_id,
    participant,
)


def seat(client: Client) -> str:
    assert client.link.welcome is not None and client.link.welcome.participant is not None
    return client.link.welcome.participant


def welcomes(client: Client) -> int:
    return sum(1 for f in client.frames if isinstance(f, Welcome))


async def board(uri: str, code: str) -> Client:
    hello = Hello(protocol=PROTOCOL_VERSION, role="board", code=code)
    return await Client(HubLink(uri, hello, reconnect_delays=fast_delays)).start().joined()


async def test_the_hand_queue_survives_a_reconnect_and_a_hub_restart(db_path: Path) -> None:
    config = HubConfig(**{**QUICK_BATCHES, "away_grace_seconds": 60.0}, db=db_path)
    store = accounts_store(db_path)
    server = await Hub(store, config).serve("127.0.0.1", 0).__aenter__()
    port = server.sockets[0].getsockname()[1]
    uri = f"ws://127.0.0.1:{port}"
    try:
        fac = await facilitator(uri)
        assert fac.link.welcome is not None
        code = fac.link.welcome.code
        people = [await participant(uri, code, name) for name in ("Ann", "Bo", "Cy")]
        assert isinstance(await fac.do(StartSession(id=new_id())), Ack)
        for person in (people[2], people[0], people[1]):  # Cy, Ann, Bo
            assert isinstance(await person.do(RaiseHand(id=new_id())), Ack)
        order = tuple(seat(p) for p in (people[2], people[0], people[1]))
        await fac.until(lambda: fac.state.hands == order)

        # Ann's terminal drops and comes back: her place in the queue is kept.
        await people[0].link.close()
        await people[0].task  # type: ignore[misc]
        w = people[0].link.welcome
        assert w is not None
        hello = Hello(
            protocol=PROTOCOL_VERSION, role="participant", session=w.session_id, token=w.token
        )
        ann = await Client(HubLink(uri, hello, reconnect_delays=fast_delays)).start().joined()
        await ann.until(lambda: ann.mirror.caught_up)
        assert ann.state.hands == (seat(ann),)  # a participant knows only their own hand
        assert fac.state.hands == order

        # The hub restarts on the same file: the queue is the log's, so it is the same.
        server.close()
        await server.wait_closed()
        await store.close()
        store = accounts_store(db_path)
        hub = Hub(store, config)
        server = await hub.serve("127.0.0.1", port).__aenter__()
        await fac.until(lambda: welcomes(fac) == 2 and fac.status == "online")
        await fac.until(lambda: fac.mirror.caught_up)
        assert fac.state.hands == order
        assert hub.rooms[fac.state.session_id].state.hands == order
        called = await fac.do(CallSpeaker(id=new_id()))
        assert isinstance(called, Ack)
        await ann.until(lambda: ann.state.speaker is not None)
        assert ann.state.speaker is not None and ann.state.speaker.name == "Cy"
        for client in (fac, ann, *people[1:]):
            await client.stop()
    finally:
        server.close()
        await server.wait_closed()
        await store.close()


async def test_a_pass_is_seen_by_the_passer_and_the_facilitators_only(hub: RunningHub) -> None:
    fac = await facilitator(hub.uri)
    assert fac.link.welcome is not None
    code = fac.link.welcome.code
    ann, bo, cy = [await participant(hub.uri, code, name) for name in ("Ann", "Bo", "Cy")]
    wall = await board(hub.uri, code)
    assert isinstance(await fac.do(StartSession(id=new_id())), Ack)
    order = (seat(ann), seat(bo), seat(cy))
    assert isinstance(await fac.do(StartRound(id=new_id(), order=order)), Ack)
    await ann.until(lambda: ann.state.speaker is not None)
    others = (bo, cy, wall)
    before = [len(c.frames) for c in others]

    passing = PassTurn(id=new_id())
    assert isinstance(await ann.do(passing), Ack)  # the passer's own seat is told it went
    await fac.until(lambda: fac.mirror.passes == {1: seat(ann)})
    for client in (ann, bo, cy, wall):
        await client.until(
            lambda c=client: c.state.speaker is not None and c.state.speaker.participant == seat(bo)  # type: ignore[misc]
        )
    for client, seen in zip(others, before, strict=True):
        new = client.frames[seen:]
        # Only the next turn, exactly as after the facilitator's "next": nothing names a pass.
        assert [type(f) for f in new] == [type(new[0])] and isinstance(
            getattr(new[0], "event", None), SpeakerCalled
        ), new
        assert "pass" not in repr(new).lower()
        assert not any(isinstance(f, Passed) for f in client.frames)
    assert not any(isinstance(f, Passed) for f in ann.frames)

    # Only the seat whose turn it is can pass.
    wrong = await cy.do(PassTurn(id=new_id()))
    assert isinstance(wrong, Error) and wrong.code == "invalid"
    for client in (fac, ann, bo, cy, wall):
        await client.stop()


async def test_a_round_keeps_its_order_and_turn_across_reconnects(hub: RunningHub) -> None:
    fac = await facilitator(hub.uri)
    assert fac.link.welcome is not None
    code = fac.link.welcome.code
    ann, bo, cy = [await participant(hub.uri, code, name) for name in ("Ann", "Bo", "Cy")]
    assert isinstance(await fac.do(StartSession(id=new_id())), Ack)
    order = (seat(cy), seat(ann), seat(bo))
    assert isinstance(await fac.do(StartRound(id=new_id(), order=order)), Ack)
    assert isinstance(await fac.do(NextTurn(id=new_id())), Ack)  # Cy spoke; Ann's turn now

    # Ann's terminal and the console both drop and come back from nothing.
    for client in (ann, fac):
        await client.link.close()
        await client.task  # type: ignore[misc]
    again = []
    for client, role in ((ann, "participant"), (fac, "facilitator")):
        w = client.link.welcome
        assert w is not None
        hello = Hello(protocol=PROTOCOL_VERSION, role=role, session=w.session_id, token=w.token)  # type: ignore[arg-type]
        back = await Client(HubLink(hub.uri, hello, reconnect_delays=fast_delays)).start().joined()
        await back.until(lambda b=back: b.mirror.caught_up)  # type: ignore[misc]
        again.append(back)
    ann2, fac2 = again
    current = fac2.state.round
    assert current is not None and current.order == order and current.taken == 2
    assert current.to_come == (seat(bo),)
    speaking = ann2.state.speaker
    assert speaking is not None and speaking.participant == seat(ann)
    assert (speaking.turn, speaking.of) == (2, 3)
    assert ann2.state.round is None  # the order itself is for the facilitators
    for client in (ann2, fac2, bo, cy):
        await client.stop()


async def test_a_hand_from_a_removed_seat_or_a_board_is_refused(hub: RunningHub) -> None:
    fac = await facilitator(hub.uri)
    assert fac.link.welcome is not None
    code = fac.link.welcome.code
    ann = await participant(hub.uri, code, "Ann")
    wall = await board(hub.uri, code)
    from_board = await wall.do(RaiseHand(id=new_id()))
    assert isinstance(from_board, Error) and from_board.code == "not_allowed"
    assert isinstance(await fac.do(RemoveParticipant(id=new_id(), participant=seat(ann))), Ack)
    await ann.until(lambda: ann.refused is not None)
    assert fac.state.hands == ()
    for client in (fac, ann, wall):
        await client.stop()
