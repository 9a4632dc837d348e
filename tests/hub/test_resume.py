"""Reconnect = resume: exactly the missed events, in order, none twice, none not meant for you."""

from __future__ import annotations

import asyncio

import pytest
from websockets.asyncio.server import ServerConnection

from server.hub import Hub
from server.rooms import Room
from shared.commands import (
    EndSession,
    ExtendItem,
    ModerateShare,
    NextItem,
    StartSession,
    SubmitShare,
)
from shared.decision import Actor
from shared.events import (
    Ack,
    CaughtUp,
    Error,
    FacilitatorNotes,
    ItemExtended,
    Logged,
    ShareShown,
    ShareSubmitted,
    Welcome,
)
from shared.reduce import replay
from tests.helpers import Client, RunningHub, facilitator, new_id, participant, share
from tests.hub.raw import Raw, hello, join, lasting, visible

PRIVATE = "Nobody but the facilitator should read this."


def welcome_of(client: Client) -> Welcome:
    assert client.link.welcome is not None
    return client.link.welcome


async def server_side(hub: RunningHub, client: Client) -> ServerConnection:
    """The hub's end of a client's connection."""
    # The welcome comes before the hub lists the connection for fan-out; a command is only
    # read once it is listed, so its reply is the fence.
    assert isinstance(await client.do(ExtendItem(id=new_id())), Error)
    w = welcome_of(client)
    room = hub.hub.rooms[w.session_id]
    [ws] = [ws for ws, actor in room.connections.items() if actor.seat == w.participant]
    return ws


async def backlog(raw: Raw) -> list[Logged]:
    """Everything the hub sent after the welcome, fenced by a refused command's reply."""
    fence = ExtendItem(id=new_id())
    await raw.send(fence)
    reply = await raw.reply_to(fence.id)
    assert isinstance(reply, Error) and reply.code == "not_allowed"
    return raw.logged


def assert_no_private(frames: list[Logged]) -> None:
    for frame in frames:
        assert not isinstance(frame.event, ShareSubmitted | FacilitatorNotes), frame
        assert PRIVATE not in repr(frame)


async def test_pending_shares_never_reach_participants_on_resume(hub: RunningHub) -> None:
    fac = await facilitator(hub.uri)
    code = welcome_of(fac).code
    sam = await participant(hub.uri, code, "Sam")
    assert isinstance(await fac.do(StartSession(id=new_id())), Ack)
    await share(sam, fac, "Shown to the room.")
    await share(sam, fac, PRIVATE)
    assert isinstance(await fac.do(ModerateShare(id=new_id(), share=1, action="show")), Ack)
    assert isinstance(await fac.do(ModerateShare(id=new_id(), share=2, action="set_aside")), Ack)
    assert isinstance(await fac.do(NextItem(id=new_id())), Ack)

    # A new participant gets the room's history, without the pending or set-aside share.
    kim = await join(hub.uri, hello(code, name="Kim"))
    first = await backlog(kim)
    assert_no_private(first)
    w = kim.welcome
    assert w.reset and w.participant is not None
    kim_actor = Actor("participant", w.participant)
    assert await lasting(hub.store, w.session_id, [f.seq for f in first]) == await visible(
        hub.store, w.session_id, kim_actor
    )
    state = replay(f.event for f in first)
    assert [(s.id, s.text) for s in state.shares] == [(1, "Shown to the room.")]
    await kim.close()

    # More private traffic while Kim is away.
    await share(sam, fac, PRIVATE + " Again.")
    assert isinstance(await fac.do(ExtendItem(id=new_id(), minutes=3)), Ack)
    assert isinstance(await fac.do(ModerateShare(id=new_id(), share=3, action="discussed")), Ack)

    # Coming back from the beginning: a full (filtered) history, flagged as a reset.
    again = await join(hub.uri, hello(code, token=w.token, after=0, epoch=w.epoch))
    full = await backlog(again)
    assert again.welcome.reset and again.welcome.participant == w.participant
    assert_no_private(full)
    assert await lasting(hub.store, w.session_id, [f.seq for f in full]) == await visible(
        hub.store, w.session_id, kim_actor
    )
    await again.close()

    # Coming back from where Kim stopped: only what followed.
    n = first[-1].seq
    resumed = await join(hub.uri, hello(code, token=w.token, after=n, epoch=w.epoch))
    missed = await backlog(resumed)
    assert not resumed.welcome.reset
    assert_no_private(missed)
    assert await lasting(hub.store, w.session_id, [f.seq for f in missed]) == await visible(
        hub.store, w.session_id, kim_actor, n
    )
    assert any(isinstance(f.event, ItemExtended) for f in missed)
    assert missed[0].seq > n
    await resumed.close()

    # A resume from another epoch (the hub's history was rebuilt) starts over.
    stale = await join(hub.uri, hello(code, token=w.token, after=n, epoch="not-this-one"))
    over = await backlog(stale)
    assert stale.welcome.reset
    assert await lasting(hub.store, w.session_id, [f.seq for f in over]) == await visible(
        hub.store, w.session_id, kim_actor
    )
    assert_no_private(over)
    await stale.close()
    # So does one from the future.
    ahead = await join(hub.uri, hello(code, token=w.token, after=10_000, epoch=w.epoch))
    beyond = await backlog(ahead)
    assert ahead.welcome.reset
    assert await lasting(hub.store, w.session_id, [f.seq for f in beyond]) == await visible(
        hub.store, w.session_id, kim_actor
    )
    await ahead.close()

    await fac.stop()
    await sam.stop()


async def test_a_dropped_link_resumes_with_exactly_the_missed_events(hub: RunningHub) -> None:
    fac = await facilitator(hub.uri)
    code = welcome_of(fac).code
    sam = await participant(hub.uri, code, "Sam")
    kim = await participant(hub.uri, code, "Kim")
    assert isinstance(await fac.do(StartSession(id=new_id())), Ack)
    await share(kim, fac, "Before the drop.")
    assert isinstance(await fac.do(ModerateShare(id=new_id(), share=1, action="show")), Ack)
    await sam.until(lambda: len(sam.state.shares) == 1)
    seen_before = sam.link.last_seq

    # The network eats everything sent to Sam from now on, then the connection dies.
    ws = await server_side(hub, sam)
    room = hub.hub.rooms[welcome_of(sam).session_id]
    room.remove(ws)
    assert isinstance(await fac.do(NextItem(id=new_id())), Ack)
    await share(kim, fac, PRIVATE)
    assert isinstance(await fac.do(ExtendItem(id=new_id(), minutes=4)), Ack)
    await share(kim, fac, "Shown while Sam was away.")
    assert isinstance(await fac.do(ModerateShare(id=new_id(), share=3, action="show")), Ack)
    assert sam.link.last_seq == seen_before  # really missed
    assert ws.transport is not None
    ws.transport.abort()

    # Sam's link reconnects by itself and catches up.
    await sam.until(lambda: len([f for f in sam.frames if isinstance(f, Welcome)]) == 2)
    await sam.until(lambda: [s.id for s in sam.state.shares] == [1, 3])
    # Live fan-out works again after the resume.
    assert isinstance(await fac.do(NextItem(id=new_id())), Ack)
    await sam.until(lambda: sam.state.current == 2)

    welcomes = [f for f in sam.frames if isinstance(f, Welcome)]
    assert not welcomes[1].reset
    w = welcome_of(sam)
    expected = await visible(hub.store, w.session_id, Actor("participant", w.participant))
    assert (
        await lasting(hub.store, w.session_id, sam.seqs) == expected
    )  # contiguous in what Sam may see, in order, none twice
    assert len(set(sam.seqs)) == len(sam.seqs)
    assert_no_private([f for f in sam.frames if isinstance(f, Logged)])
    assert [s.text for s in sam.state.shares] == ["Before the drop.", "Shown while Sam was away."]
    assert sam.state.agenda[1].extra_minutes == 4
    # The resumed view is the one a fresh replay of the same events gives.
    assert sam.state == replay(sam.events)  # type: ignore[arg-type]
    # And it agrees with the facilitator on the agenda and clock.
    assert [(i.status, i.started_at, i.ended_at, i.extra_minutes) for i in sam.state.agenda] == [
        (i.status, i.started_at, i.ended_at, i.extra_minutes) for i in fac.state.agenda
    ]
    for client in (fac, sam, kim):
        await client.stop()


async def test_a_command_sent_during_a_drop_is_applied_once(hub: RunningHub) -> None:
    fac = await facilitator(hub.uri)
    sam = await participant(hub.uri, welcome_of(fac).code, "Sam")
    assert isinstance(await fac.do(StartSession(id=new_id())), Ack)
    ws = await server_side(hub, sam)
    assert ws.transport is not None
    ws.transport.abort()
    # Whether or not the link has noticed yet, the share waits in its outbox and is sent again
    # after the reconnect.
    reply = await sam.do(SubmitShare(id=new_id(), text="Sent while offline."))
    assert isinstance(reply, Ack)
    await fac.until(lambda: len(fac.state.shares) == 1)
    assert isinstance(await fac.do(NextItem(id=new_id())), Ack)  # a fence
    assert [type(e) for e in fac.events].count(ShareSubmitted) == 1
    assert sam.link.outbox == {}
    await fac.stop()
    await sam.stop()


async def test_a_retry_after_reconnecting_gets_the_original_outcome(hub: RunningHub) -> None:
    fac = await facilitator(hub.uri)
    code = welcome_of(fac).code
    assert isinstance(await fac.do(StartSession(id=new_id())), Ack)
    kim = await join(hub.uri, hello(code, name="Kim"))
    w = kim.welcome
    share = SubmitShare(id=new_id(), text="The ack got lost on the way.")
    await kim.send(share)
    assert isinstance(await kim.reply_to(share.id), Ack)
    await kim.ws.close()
    again = await join(hub.uri, hello(code, token=w.token, after=kim.logged[-1].seq, epoch=w.epoch))
    await again.send(share)
    assert isinstance(await again.reply_to(share.id), Ack)
    await fac.until(lambda: len(fac.state.shares) == 1)
    assert isinstance(await fac.do(NextItem(id=new_id())), Ack)  # a fence
    assert [type(e) for e in fac.events].count(ShareSubmitted) == 1
    assert not any(isinstance(f.event, ShareShown) for f in again.logged)
    await again.close()
    await fac.stop()


async def test_the_replay_ends_with_a_marker_before_anything_live(hub: RunningHub) -> None:
    """A client knows when it has caught up: after the backlog, one ``caught_up`` frame."""
    fac = await facilitator(hub.uri)
    code = welcome_of(fac).code
    await fac.do(StartSession(id=new_id()))
    kim = await join(hub.uri, hello(code, name="Kim"))
    marker = await kim.read_until(lambda m: isinstance(m, CaughtUp))
    assert isinstance(marker, CaughtUp)
    logged = kim.logged
    assert logged and marker.seq == logged[-1].seq >= 3
    await fac.do(NextItem(id=new_id()))
    later = await kim.read_until(lambda m: isinstance(m, Logged) and m.seq > marker.seq)
    assert isinstance(later, Logged)
    await kim.close()
    await fac.stop()


async def test_a_session_that_ends_during_a_catch_up_is_seen_ending(
    hub: RunningHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Kim is welcomed, then the session ends while her backlog is still on its way: she gets
    the end too, instead of a refusal and a link that gives up on a room she is in."""
    fac = await facilitator(hub.uri)
    code = welcome_of(fac).code
    reached, go_on = asyncio.Event(), asyncio.Event()
    catch_up = Hub._catch_up

    async def held(self: Hub, ws: ServerConnection, room: Room, actor: Actor, after: int) -> int:
        last = await catch_up(self, ws, room, actor, after)
        if actor.role == "participant":  # the hub's own step, held until the session has ended
            reached.set()
            await go_on.wait()
        return last

    monkeypatch.setattr(Hub, "_catch_up", held)
    joining = asyncio.create_task(participant(hub.uri, code, "Kim"))
    await asyncio.wait_for(reached.wait(), 5)
    assert isinstance(await fac.do(EndSession(id=new_id())), Ack)
    go_on.set()
    kim = await joining
    await kim.until(lambda: kim.state.status == "ended")
    assert kim.refused is None
    for client in (fac, kim):
        await client.stop()
