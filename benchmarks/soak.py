"""Soak: thousands of connections for minutes, then proof that no client lost or repeated an event.

The hub runs in its own process (as in production); the clients here are lightweight raw
websockets that record the sequence numbers they receive and feed a session mirror (the clients'
one way to fold frames and wait for answers). At the end every client's received sequence
numbers are compared with what the stored log says it may see. The baseline is the run's own
first minute: the ack latency of the last minute is reported against it, so the figure shows
drift over time rather than depending on the machine.

    .venv/bin/python -m benchmarks.soak --rooms 100 --participants 30 --minutes 10
"""

from __future__ import annotations

import argparse
import asyncio
import random
import resource
import statistics
import tempfile
import time
from collections.abc import Awaitable
from dataclasses import dataclass, field
from pathlib import Path

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from client.mirror import SessionMirror
from server.store.sqlite import SQLiteLog
from shared.codec import decode_server, encode
from shared.commands import (
    PROTOCOL_VERSION,
    AnyCommand,
    CreateSession,
    ExtendItem,
    Hello,
    ModerateShare,
    StartSession,
    SubmitShare,
)
from shared.decision import Actor, sees
from shared.events import Ack, Error, Logged, Welcome
from tests.helpers import LOGIN
from tests.reliability.hubproc import HubProcess, free_port


@dataclass
class Peer:
    ws: ClientConnection
    actor: Actor
    session_id: str
    seqs: list[int] = field(default_factory=list)
    """Every sequence number received, repeats included (the mirror applies each once)."""
    mirror: SessionMirror = field(default_factory=SessionMirror)
    pending: dict[str, float] = field(default_factory=dict)
    latencies: list[tuple[float, float]] = field(default_factory=list)
    closed: bool = False

    async def read(self) -> None:
        try:
            async for raw in self.ws:
                frame = decode_server(raw if isinstance(raw, bytes) else raw.encode())
                self.mirror.apply(frame)
                if isinstance(frame, Logged):
                    self.seqs.append(frame.seq)
                elif isinstance(frame, Ack | Error) and frame.command in self.pending:
                    sent = self.pending.pop(frame.command)
                    self.latencies.append((sent, time.monotonic() - sent))
        except ConnectionClosed:
            self.closed = True

    async def send(self, command: AnyCommand) -> None:
        self.pending[command.id] = time.monotonic()
        await self.ws.send(encode(command), text=True)

    async def answered(self, reader: asyncio.Task[None]) -> None:
        """Until every command sent has its answer, or the hub has dropped this peer."""
        for command in list(self.pending):
            await _unless_dropped(reader, self.mirror.outcome(command, 60))

    async def caught_up(self, reader: asyncio.Task[None], last: int) -> None:
        """Until the event ``last`` has arrived, or the hub has dropped this peer."""
        await _unless_dropped(reader, self.mirror.until(lambda _: self.mirror.last_seq >= last, 60))


async def _unless_dropped(reader: asyncio.Task[None], wait: Awaitable[object]) -> None:
    """A dropped peer's reader ends, and nothing more will come for it to wait on."""
    waiting = asyncio.ensure_future(wait)
    await asyncio.wait((waiting, reader), return_when=asyncio.FIRST_COMPLETED)
    if waiting.done():
        waiting.result()  # raises TimeoutError
    else:
        waiting.cancel()


async def open_peer(uri: str, first: CreateSession | Hello) -> tuple[Peer, Welcome]:
    ws = await connect(uri, compression=None, proxy=None, open_timeout=60, max_queue=None)
    await ws.send(encode(first), text=True)
    welcome = decode_server(await ws.recv(decode=False))
    assert isinstance(welcome, Welcome), welcome
    actor = Actor(role=welcome.role, seat=welcome.participant)
    return Peer(ws, actor, welcome.session_id), welcome


async def soak(rooms: int, people: int, seconds: float) -> None:
    rng = random.Random(7)
    ids = iter(range(10**9))
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "soak.sqlite3"
        hub = await HubProcess.start(db, free_port(), "--max-sessions", str(rooms + 1))
        peers: list[Peer] = []
        facilitators: list[Peer] = []
        started = time.monotonic()
        for _ in range(rooms):
            fac, welcome = await open_peer(
                hub.uri,
                CreateSession(protocol=PROTOCOL_VERSION, login=LOGIN, template="iop-evening-block"),
            )
            facilitators.append(fac)
            for n in range(people):
                hello = Hello(
                    protocol=PROTOCOL_VERSION, role="participant", code=welcome.code, name=f"p{n}"
                )
                peer, _ = await open_peer(hub.uri, hello)
                peers.append(peer)
        everyone = facilitators + peers
        readers = [asyncio.create_task(p.read()) for p in everyone]
        print(f"{len(everyone)} connections open in {time.monotonic() - started:.1f} s")
        for fac in facilitators:
            await fac.send(StartSession(id=f"c{next(ids)}"))

        deadline = time.monotonic() + seconds
        shares: dict[str, int] = {f.session_id: 0 for f in facilitators}
        by_room: dict[str, list[Peer]] = {}
        for p in peers:
            by_room.setdefault(p.session_id, []).append(p)
        while time.monotonic() < deadline:
            for fac in facilitators:
                roll = rng.random()
                if roll < 0.5:
                    person = rng.choice(by_room[fac.session_id])
                    await person.send(SubmitShare(id=f"c{next(ids)}", text="a soak share " * 5))
                    shares[fac.session_id] += 1
                elif roll < 0.8 and shares[fac.session_id]:
                    share = rng.randint(1, shares[fac.session_id])
                    await fac.send(ModerateShare(id=f"c{next(ids)}", share=share, action="show"))
                else:
                    await fac.send(ExtendItem(id=f"c{next(ids)}", minutes=1))
            await asyncio.sleep(1.0)  # the load's pace: one action per room a second
        async with asyncio.timeout(60):
            for p, reader in zip(everyone, readers, strict=True):
                await p.answered(reader)
        log = SQLiteLog(db, create=False)
        stored = {f.session_id: log.read(f.session_id) for f in facilitators}
        log.close()
        last_seen = {
            id(p): max(r.seq for r in stored[p.session_id] if sees(p.actor, r.audience))
            for p in everyone
        }
        async with asyncio.timeout(60):  # let the last fan-out arrive before hanging up
            for p, reader in zip(everyone, readers, strict=True):
                await p.caught_up(reader, last_seen[id(p)])
        for p in everyone:
            await p.ws.close()
        await asyncio.gather(*readers)
        await hub.terminate()
        rss_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        lost = repeated = delivered = 0
        for p in everyone:
            expected = [r.seq for r in stored[p.session_id] if sees(p.actor, r.audience)]
            got = p.seqs
            repeated += len(got) - len(set(got))
            lost += len(set(expected) - set(got))
            delivered += len(got)
        events = sum(len(rows) for rows in stored.values())
        lat = sorted(x for p in everyone for x in p.latencies)
        load_start = deadline - seconds
        first = [ms for sent, ms in lat if sent < load_start + 60]
        last = [ms for sent, ms in lat if sent > deadline - 60]
        print(
            f"{len(everyone)} connections for {seconds / 60:.1f} min: {events} events stored, "
            f"{delivered} delivered, {lost} lost, {repeated} repeated, "
            f"{sum(p.closed for p in everyone)} dropped by the hub before the end"
        )
        p50_first = statistics.median(first) * 1000
        p50_last = statistics.median(last) * 1000
        print(
            f"ack latency p50 first minute {p50_first:.1f} ms, last minute {p50_last:.1f} ms "
            f"(last / first = {p50_last / p50_first:.2f}x); peak hub RSS {rss_kb / 1024:.0f} MiB"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rooms", type=int, default=100)
    parser.add_argument("--participants", type=int, default=30)
    parser.add_argument("--minutes", type=float, default=10)
    args = parser.parse_args()
    asyncio.run(soak(args.rooms, args.participants, args.minutes * 60))


if __name__ == "__main__":
    main()
