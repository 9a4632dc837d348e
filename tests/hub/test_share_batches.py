"""Anonymous shares reach the facilitator and the log in shuffled batches, like a mix.

A share logged the moment it arrives sits right after its author's join or presence event; a
batch released later, in random order, says nothing about who sent which.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path

from client.connection import HubLink
from server.config import HubConfig
from server.hub import Hub
from server.rooms import Room
from server.store import Stored
from shared.codec import decode_event
from shared.commands import (
    PROTOCOL_VERSION,
    EndSession,
    Hello,
    NextItem,
    StartSession,
    SubmitShare,
)
from shared.events import Ack, ParticipantJoined, SessionEnded, ShareSubmitted
from tests.helpers import (
    Changed,
    Client,
    RunningHub,
    accounts_store,
    facilitator,
    fast_delays,
    new_id,
    participant,
)

NEVER = 3600.0
"""A batch interval no test reaches: the test releases the batch itself."""


@contextmanager
def busy_disk(db: Path) -> Iterator[None]:
    """Another writer holds the file for a moment, as a backup or a slow disk would: the hub's
    next commit waits (within SQLite's busy timeout) until it lets go."""
    other = sqlite3.connect(db, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        other.execute("ROLLBACK")
        other.close()


class Writing(dict[str, "asyncio.Future[list[Stored]]"]):
    """A room's ``holding`` that says when a share starts being written, to wait on."""

    def __init__(self, room: Room) -> None:
        super().__init__(room.holding)
        self.changed = Changed()
        room.holding = self

    def __setitem__(self, key: str, value: asyncio.Future[list[Stored]]) -> None:
        super().__setitem__(key, value)
        self.changed.notify()

    async def until(self, predicate: Callable[[], bool]) -> None:
        await self.changed.until(predicate)


@asynccontextmanager
async def batching_hub(db: Path, seconds: float, minimum: int = 1) -> AsyncIterator[RunningHub]:
    store = accounts_store(db)
    config = HubConfig(
        db=db,
        join_attempts_per_minute=10_000,
        share_batch_seconds=seconds,
        share_batch_minimum=minimum,
    )
    hub = Hub(store, config)
    async with hub.serve("127.0.0.1", 0) as server:
        port = server.sockets[0].getsockname()[1]
        yield RunningHub(hub=hub, store=store, uri=f"ws://127.0.0.1:{port}", db=db)
    await store.close()


async def test_shares_are_held_then_released_together_in_a_random_order(db_path: Path) -> None:
    async with batching_hub(db_path, NEVER) as running:
        fac = await facilitator(running.uri)
        assert fac.link.welcome is not None
        code, session = fac.link.welcome.code, fac.link.welcome.session_id
        assert isinstance(await fac.do(StartSession(id=new_id())), Ack)
        texts = [f"share number {n}" for n in range(8)]
        people = []
        for n, text in enumerate(texts):
            # Each person joins and shares at once: the worst case for a log in arrival order.
            person = await participant(running.uri, code, f"Person {n}")
            people.append(person)
            reply = await person.do(SubmitShare(id=new_id(), text=text))
            assert isinstance(reply, Ack)  # "received" at once, privately

        # Held: stored durably, with no author and no time, and not in the log yet.
        assert not any(isinstance(e, ShareSubmitted) for e in fac.events)
        db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
        try:
            columns = [c[1] for c in db.execute("PRAGMA table_info(mix)")]
            held = db.execute("SELECT text FROM mix").fetchall()
        finally:
            db.close()
        assert columns == ["session_id", "key", "text"]
        assert sorted(t for (t,) in held) == sorted(texts)

        room = running.hub.rooms[session]
        async with room.lock:
            await room.release()
        await fac.until(lambda: len(fac.state.shares) == len(texts))

        rows = await running.store.read(session)
        events = [(row.seq, decode_event(row.body)) for row in rows]
        last_join = max(seq for seq, e in events if isinstance(e, ParticipantJoined))
        shares = [(seq, e) for seq, e in events if isinstance(e, ShareSubmitted)]
        # One block after every join, numbered in a shuffled order.
        assert min(seq for seq, _ in shares) > last_join
        assert [seq for seq, _ in shares] == list(range(shares[0][0], shares[0][0] + len(texts)))
        released = [e.text for _, e in shares]
        assert sorted(released) == sorted(texts)
        assert released != texts  # 1 chance in 40,320 of this order by luck
        assert await running.store.pending(session) == []
        for client in (fac, *people):
            await client.stop()


async def test_a_session_that_ends_puts_held_shares_on_the_record_first(db_path: Path) -> None:
    async with batching_hub(db_path, NEVER) as running:
        fac = await facilitator(running.uri)
        assert fac.link.welcome is not None
        kim = await participant(running.uri, fac.link.welcome.code, "Kim")
        assert isinstance(await fac.do(StartSession(id=new_id())), Ack)
        assert isinstance(await kim.do(SubmitShare(id=new_id(), text="Just in time.")), Ack)
        assert isinstance(await fac.do(EndSession(id=new_id())), Ack)
        await fac.until(lambda: fac.state.status == "ended")
        assert [s.text for s in fac.state.shares] == ["Just in time."]
        for client in (fac, kim):
            await client.stop()


async def test_held_shares_survive_a_hub_restart(db_path: Path) -> None:
    async with batching_hub(db_path, NEVER) as running:
        fac = await facilitator(running.uri)
        assert fac.link.welcome is not None
        welcome = fac.link.welcome
        kim = await participant(running.uri, welcome.code, "Kim")
        assert isinstance(await kim.do(SubmitShare(id=new_id(), text="Held over.")), Ack)
        await kim.stop()
        await fac.stop()
    # A new hub on the same file releases what the old one held, on its own schedule.
    async with batching_hub(db_path, 0.05) as running:
        again = await facilitator(running.uri)  # loads nothing of the old session
        rows_before = await running.store.read(welcome.session_id)
        assert not any(json.loads(r.body)["type"] == "share.submitted" for r in rows_before)
        hello = Hello(
            protocol=PROTOCOL_VERSION,
            role="facilitator",
            session=welcome.session_id,
            token=welcome.token,
        )
        back = Client(HubLink(running.uri, hello, reconnect_delays=fast_delays)).start()
        await back.until(lambda: [s.text for s in back.state.shares] == ["Held over."])
        for client in (again, back):
            await client.stop()


async def test_too_few_shares_wait_for_more_or_for_the_next_item(db_path: Path) -> None:
    async with batching_hub(db_path, NEVER, minimum=3) as running:
        fac = await facilitator(running.uri)
        assert fac.link.welcome is not None
        code = fac.link.welcome.code
        assert isinstance(await fac.do(StartSession(id=new_id())), Ack)
        kim = await participant(running.uri, code, "Kim")
        lee = await participant(running.uri, code, "Lee")
        for person, text in ((kim, "one"), (lee, "two")):
            assert isinstance(await person.do(SubmitShare(id=new_id(), text=text)), Ack)
        # The batch falls due (the hub's timer, fired here at once) with too few to hide among:
        room = running.hub.rooms[fac.link.welcome.session_id]
        room._batch_due()
        assert room.held == 2 and room._batch is not None  # still held, due again later
        assert await running.store.pending(fac.link.welcome.session_id) != []
        assert fac.state.shares == ()
        # The agenda moving on releases them, so they belong to the item they were written in.
        assert isinstance(await fac.do(NextItem(id=new_id())), Ack)
        await fac.until(lambda: sorted(s.text for s in fac.state.shares) == ["one", "two"])
        rows = await running.store.read(fac.link.welcome.session_id)
        kinds = [json.loads(r.body)["type"] for r in rows]
        # Logged just before the move, so they sit inside the item they belong to.
        assert kinds[-3:] == ["share.submitted", "share.submitted", "agenda.moved"]
        for client in (fac, kim, lee):
            await client.stop()


async def started(running: RunningHub, names: Sequence[str]) -> tuple[Client, str, list[Client]]:
    """A facilitator's started session (its id) and a participant for each name."""
    fac = await facilitator(running.uri)
    assert fac.link.welcome is not None
    assert isinstance(await fac.do(StartSession(id=new_id())), Ack)
    people = [await participant(running.uri, fac.link.welcome.code, name) for name in names]
    return fac, fac.link.welcome.session_id, people


async def test_a_busy_room_decides_its_next_share_while_the_last_is_written(db_path: Path) -> None:
    """A room's shares do not take turns through the disk: while one is being written the room
    decides the next, so they share a commit, and each is acknowledged once it is written."""
    async with batching_hub(db_path, NEVER) as running:
        fac, session, people = await started(running, [f"Person {n}" for n in range(5)])
        texts = [f"share {n}" for n in range(len(people))]
        writing = Writing(running.hub.rooms[session])
        with busy_disk(db_path):
            sending = [
                asyncio.ensure_future(p.do(SubmitShare(id=new_id(), text=t)))
                for p, t in zip(people, texts, strict=True)
            ]
            await writing.until(lambda: len(writing) == len(people))  # all decided, none written
            assert not any(s.done() for s in sending)  # "received" only once it is on disk
        replies = await asyncio.gather(*sending)
        assert all(isinstance(r, Ack) and not r.duplicate for r in replies)
        assert sorted(p.text for p in await running.store.pending(session)) == texts
        for client in (fac, *people):
            await client.stop()


async def test_a_session_ending_while_shares_are_written_puts_them_on_the_record(
    db_path: Path,
) -> None:
    async with batching_hub(db_path, NEVER) as running:
        fac, session, people = await started(running, [f"Person {n}" for n in range(4)])
        texts = [f"last words {n}" for n in range(len(people))]
        writing = Writing(running.hub.rooms[session])
        sending = []
        with busy_disk(db_path):
            for person, text in zip(people, texts, strict=True):
                # One at a time, so they reach the disk in several commits, not one.
                share = SubmitShare(id=new_id(), text=text)
                sending.append(asyncio.ensure_future(person.do(share)))
                await writing.until(lambda: len(writing) == len(sending))
            ending = asyncio.ensure_future(fac.do(EndSession(id=new_id())))
        assert all(isinstance(r, Ack) for r in await asyncio.gather(*sending))
        assert isinstance(await ending, Ack)
        await fac.until(lambda: fac.state.status == "ended")
        assert sorted(s.text for s in fac.state.shares) == texts
        kinds = [type(decode_event(row.body)) for row in await running.store.read(session)]
        assert kinds[-len(texts) - 1 :] == [ShareSubmitted] * len(texts) + [SessionEnded]
        assert await running.store.pending(session) == []
        for client in (fac, *people):
            await client.stop()


async def test_a_share_sent_again_while_it_is_written_is_stored_once(db_path: Path) -> None:
    async with batching_hub(db_path, NEVER) as running:
        fac, session, [kim, again] = await started(running, ["Kim", "Kim, reconnected"])
        share = SubmitShare(id=new_id(), text="Only once, please.")
        writing = Writing(running.hub.rooms[session])
        with busy_disk(db_path):
            first = asyncio.ensure_future(kim.do(share))
            await writing.until(lambda: share.id in writing)
            second = asyncio.ensure_future(again.do(share))
        assert await first == Ack(command=share.id)
        assert await second == Ack(command=share.id, duplicate=True)
        assert [p.text for p in await running.store.pending(session)] == ["Only once, please."]
        for client in (fac, kim, again):
            await client.stop()
