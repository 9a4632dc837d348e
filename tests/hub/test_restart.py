"""A hub restart on the same file: clients come back by themselves to the same session state."""

from __future__ import annotations

from pathlib import Path

from websockets.asyncio.server import Server

from server.config import HubConfig
from server.hub import Hub
from server.store.sqlite import SQLiteStore
from shared.commands import (
    ExtendItem,
    ModerateShare,
    NextItem,
    SkipItem,
    StartSession,
    SubmitShare,
)
from shared.events import Ack, Welcome
from shared.state import SessionState
from tests.helpers import (
    QUICK_BATCHES,
    Client,
    accounts_store,
    facilitator,
    new_id,
    participant,
)


def agenda_view(state: SessionState) -> object:
    return (
        state.status,
        state.current,
        state.started_at,
        [(i.status, i.started_at, i.ended_at, i.extra_minutes) for i in state.agenda],
        [(s.id, s.status, s.text) for s in state.shares],
    )


def welcomes(client: Client) -> int:
    return sum(1 for f in client.frames if isinstance(f, Welcome))


async def test_clients_resume_after_the_hub_restarts(db_path: Path) -> None:
    store = accounts_store(db_path)
    hub = Hub(store, HubConfig(**QUICK_BATCHES, db=db_path))
    server = await hub.serve("127.0.0.1", 0).__aenter__()
    try:
        await _first_life_then_restart(db_path, store, hub, server)
    finally:
        server.close()
        await server.wait_closed()


async def _first_life_then_restart(
    db_path: Path, store: SQLiteStore, hub: Hub, server: Server
) -> None:
    port = server.sockets[0].getsockname()[1]
    uri = f"ws://127.0.0.1:{port}"

    fac = await facilitator(uri)
    assert fac.link.welcome is not None
    session_id, code = fac.link.welcome.session_id, fac.link.welcome.code
    sam = await participant(uri, code, "Sam")
    start = StartSession(id=new_id())
    assert isinstance(await fac.do(start), Ack)
    first_share = SubmitShare(id=new_id(), text="Before the restart.")
    assert isinstance(await sam.do(first_share), Ack)
    await fac.until(lambda: len(fac.state.shares) == 1)
    assert isinstance(await fac.do(ModerateShare(id=new_id(), share=1, action="show")), Ack)
    assert isinstance(await fac.do(SkipItem(id=new_id(), index=2)), Ack)
    assert isinstance(await fac.do(NextItem(id=new_id())), Ack)
    assert isinstance(await fac.do(ExtendItem(id=new_id(), minutes=5)), Ack)
    await sam.until(lambda: sam.state.agenda[1].extra_minutes == 5)
    hub_before = agenda_view(hub.rooms[session_id].state)
    fac_before, sam_before = agenda_view(fac.state), agenda_view(sam.state)
    assert fac_before == hub_before

    # Stop: the server closes (1001) and the store with it.
    server.close()
    await server.wait_closed()
    await store.close()
    await fac.until(lambda: fac.status in ("reconnecting", "connecting"))
    await sam.until(lambda: sam.status in ("reconnecting", "connecting"))

    # A new hub process on the same file and port.
    store = accounts_store(db_path)
    hub = Hub(store, HubConfig(**QUICK_BATCHES, db=db_path))
    server = await hub.serve("127.0.0.1", port).__aenter__()
    try:
        await fac.until(lambda: welcomes(fac) == 2 and fac.status == "online")
        await sam.until(lambda: welcomes(sam) == 2 and sam.status == "online")
        last = [f for f in fac.frames if isinstance(f, Welcome)][-1]
        assert not last.reset and last.session_id == session_id and last.code == code
        assert agenda_view(hub.rooms[session_id].state) == hub_before
        assert agenda_view(fac.state) == fac_before
        assert agenda_view(sam.state) == sam_before
        assert len(set(fac.seqs)) == len(fac.seqs) and fac.seqs == sorted(fac.seqs)
        assert len(set(sam.seqs)) == len(sam.seqs) and sam.seqs == sorted(sam.seqs)

        # The session goes on from where it was: a retried old command is not applied again...
        assert isinstance(await fac.do(start), Ack)
        assert isinstance(await sam.do(first_share), Ack)
        assert isinstance(await fac.do(NextItem(id=new_id())), Ack)
        await sam.until(lambda: sam.state.current is None)
        assert [i.status for i in sam.state.agenda] == ["done", "done", "skipped"]
        assert [s.text for s in fac.state.shares] == ["Before the restart."]
        assert [type(e).__name__ for e in fac.events].count("SessionStarted") == 1
        # ...and the facilitator's credential still works.
        assert fac.link.welcome is not None and fac.link.welcome.role == "facilitator"
        await fac.stop()
        await sam.stop()
    finally:
        server.close()
        await server.wait_closed()
        await store.close()
