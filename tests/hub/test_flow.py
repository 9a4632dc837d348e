"""A session over real sockets: the facilitator runs it, participants share, the board shows it."""

from __future__ import annotations

from msgspec.structs import replace

from client.connection import HubLink
from shared.commands import (
    PROTOCOL_VERSION,
    AnyCommand,
    EndSession,
    ExtendItem,
    Hello,
    ModerateShare,
    NextItem,
    SkipItem,
    StartSession,
    SubmitShare,
)
from shared.decision import Actor
from shared.events import (
    Ack,
    Error,
    FacilitatorNotes,
    ItemExtended,
    ShareSetAside,
    ShareShown,
    ShareSubmitted,
)
from tests.helpers import Client, RunningHub, facilitator, fast_delays, new_id, participant, share
from tests.hub.raw import lasting, visible


async def board(uri: str, code: str) -> Client:
    hello = Hello(protocol=PROTOCOL_VERSION, role="board", code=code)
    return await Client(HubLink(uri, hello, reconnect_delays=fast_delays)).start().joined()


def code_of(client: Client) -> str:
    assert client.link.welcome is not None
    return client.link.welcome.code


async def test_share_reaches_room_only_after_facilitator_shows_it(hub: RunningHub) -> None:
    fac = await facilitator(hub.uri)
    code = code_of(fac)
    sam = await participant(hub.uri, code, "Sam")
    kim = await participant(hub.uri, code, "Kim")
    assert isinstance(await fac.do(StartSession(id=new_id())), Ack)
    await share(sam, fac, "It was a hard week.")
    await fac.until(lambda: len(fac.state.shares) == 1)
    assert fac.state.shares[0].status == "pending"
    assert not any(isinstance(e, ShareSubmitted) for e in sam.events + kim.events)

    await fac.do(ModerateShare(id=new_id(), share=1, action="show"))
    await kim.until(lambda: [s.text for s in kim.state.shares] == ["It was a hard week."])
    for client in (fac, sam, kim):
        await client.stop()


async def test_a_whole_session_with_several_participants_and_a_board(hub: RunningHub) -> None:
    fac = await facilitator(hub.uri, title="Tuesday evening")
    code = code_of(fac)
    names = ["Sam", "Kim", "Ana", "Lee"]
    people = [await participant(hub.uri, code, name) for name in names]
    screen = await board(hub.uri, code)
    room = [*people, screen]
    everyone = [fac, *room]

    await fac.until(lambda: [p.name for p in fac.state.people] == names)
    assert [p.name for p in fac.state.participants if p.board] == ["Room board"]
    assert fac.state.title == "Tuesday evening" and fac.state.status == "lobby"
    assert any(i.notes for i in fac.state.agenda)  # the facilitator's private notes

    assert isinstance(await fac.do(StartSession(id=new_id())), Ack)
    texts = ["I made it to work every day.", "Cravings were bad on Sunday.", "Grateful."]
    for person, text in zip(people, texts, strict=False):
        await share(person, fac, f"  {text} ")
    await fac.until(lambda: [s.text for s in fac.state.shares] == texts)
    assert [s.status for s in fac.state.shares] == ["pending"] * 3

    assert isinstance(await fac.do(ModerateShare(id=new_id(), share=2, action="show")), Ack)
    assert isinstance(await fac.do(ModerateShare(id=new_id(), share=3, action="set_aside")), Ack)
    assert isinstance(await fac.do(NextItem(id=new_id())), Ack)
    assert isinstance(await fac.do(ExtendItem(id=new_id(), minutes=10)), Ack)
    assert isinstance(await fac.do(ModerateShare(id=new_id(), share=2, action="discussed")), Ack)
    assert isinstance(await fac.do(EndSession(id=new_id())), Ack)

    for client in everyone:
        await client.until(lambda c=client: c.state.status == "ended")  # type: ignore[misc]
    fac_view = fac.state
    assert [i.status for i in fac_view.agenda] == ["done", "done", "pending"]
    assert fac_view.agenda[1].extra_minutes == 10
    assert [s.status for s in fac_view.shares] == ["pending", "discussed", "set_aside"]

    for client, own in zip(room, [*names, "Room board"], strict=True):
        view = client.state
        # The same agenda and clock as the facilitator, to the hub's timestamp...
        assert view.agenda == tuple(replace(item, notes="") for item in fac_view.agenda)
        assert (view.started_at, view.ended_at) == (fac_view.started_at, fac_view.ended_at)
        # Least information: a head count, and only their own seat by name.
        assert [p.name for p in view.participants] == [own]
        assert view.present == fac_view.count_present() == len(names)
        # ...but only the share that was shown, never the pending or set-aside ones.
        assert [(s.id, s.text, s.status) for s in view.shares] == [(2, texts[1], "discussed")]
        kinds = {type(e) for e in client.events}
        assert not kinds & {ShareSubmitted, FacilitatorNotes, ShareSetAside}
        assert not any(texts[0] in repr(f) or texts[2] in repr(f) for f in client.frames)

    # Every client saw exactly the stored events meant for it, once and in order.
    session_id = fac_view.session_id
    assert await lasting(hub.store, session_id, fac.seqs) == await visible(
        hub.store, session_id, Actor("facilitator")
    )
    for person in [*people, screen]:
        assert person.link.welcome is not None
        actor = Actor(person.link.welcome.role, person.link.welcome.participant)
        assert await lasting(hub.store, session_id, person.seqs) == await visible(
            hub.store, session_id, actor
        )

    for client in everyone:
        await client.stop()


def facilitator_commands() -> list[AnyCommand]:
    return [
        StartSession(id=new_id()),
        NextItem(id=new_id()),
        ExtendItem(id=new_id(), minutes=5),
        SkipItem(id=new_id()),
        ModerateShare(id=new_id(), share=1, action="show"),
        EndSession(id=new_id()),
    ]


async def test_only_the_facilitator_can_run_the_session(hub: RunningHub) -> None:
    fac = await facilitator(hub.uri)
    code = code_of(fac)
    sam = await participant(hub.uri, code, "Sam")
    kim = await participant(hub.uri, code, "Kim")
    screen = await board(hub.uri, code)
    assert isinstance(await fac.do(StartSession(id=new_id())), Ack)
    await share(kim, fac, "pending, private")
    await fac.until(lambda: len(fac.state.shares) == 1)
    before = [(c.state, c.link.last_seq) for c in (fac, sam, kim, screen)]

    for intruder in (sam, screen):
        for command in facilitator_commands():
            reply = await intruder.do(command)
            assert isinstance(reply, Error), reply
            assert reply.code == "not_allowed" and reply.command == command.id
            assert "facilitator" in reply.detail.lower() or "board" in reply.detail.lower()
    board_share = await screen.do(SubmitShare(id=new_id(), text="from the board"))
    assert isinstance(board_share, Error) and board_share.code == "not_allowed"

    # Nothing happened: the next event anyone sees is the facilitator's own, right after.
    last = fac.link.last_seq
    assert isinstance(await fac.do(ExtendItem(id=new_id(), minutes=2)), Ack)
    for client in (fac, sam, kim, screen):
        await client.until(lambda c=client: isinstance(c.events[-1], ItemExtended))  # type: ignore[misc]
        assert client.seqs[-1] == last + 1
    for client, (state, _) in zip((fac, sam, kim, screen), before, strict=True):
        assert client.state.agenda[1:] == state.agenda[1:]
        assert client.state.shares == state.shares
        assert client.state.status == "running"
    assert not any(isinstance(e, ShareShown) for e in kim.events)
    for client in (fac, sam, kim, screen):
        await client.stop()


async def test_a_retried_command_is_acknowledged_again_and_applied_once(hub: RunningHub) -> None:
    fac = await facilitator(hub.uri)
    sam = await participant(hub.uri, code_of(fac), "Sam")

    start = StartSession(id=new_id())
    await fac.link.send(start)
    await fac.link.send(start)
    await fac.until(lambda: _acks(fac, start.id) == 2)
    assert fac.state.status == "running"
    share = SubmitShare(id=new_id(), text="Only once, please.")
    await sam.link.send(share)
    await sam.link.send(share)
    await sam.until(lambda: _acks(sam, share.id) == 2)
    await fac.until(lambda: len(fac.state.shares) == 1)

    # Later retries of the same ids are still answered with the original outcome.
    assert isinstance(await fac.do(start), Ack)
    assert isinstance(await sam.do(share), Ack)
    assert _acks(fac, start.id) == 3 and _acks(sam, share.id) == 3
    next_item = NextItem(id=new_id())
    assert isinstance(await fac.do(next_item), Ack)  # a fence: everything before is in
    kinds = [type(e).__name__ for e in fac.events]
    assert kinds.count("SessionStarted") == 1
    assert kinds.count("ShareSubmitted") == 1
    assert kinds.count("AgendaMoved") == 2  # the start's and the fence's
    assert [s.text for s in fac.state.shares] == ["Only once, please."]
    assert not any(isinstance(f, Error) for f in fac.frames + sam.frames)
    await fac.stop()
    await sam.stop()


def _acks(client: Client, command_id: str) -> int:
    return sum(1 for f in client.frames if isinstance(f, Ack) and f.command == command_id)
