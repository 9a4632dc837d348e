"""Several hubs, one record: the same load on 1 hub + SQLite, 1 hub + PostgreSQL and 2 hubs +
PostgreSQL, side by side in one run (the two hubs twice: every room spread over both, and
each room on one hub).

Each participant keeps ``--window`` commands in flight (raise hand, lower hand, ...: each one a
durable event fanned out to the room) for ``--seconds``; in the two-hub setup the participants
of every room are spread over both hubs and the facilitator is on the first, so every event
crosses hubs through the table and ``LISTEN/NOTIFY``. Reported: acknowledged (so committed)
commands a second, ack latency p50/p99, and the CPU of the hub processes. PostgreSQL runs with
``fsync = on`` and ``synchronous_commit = on``, as deployed; SQLite with WAL and FULL.

    .venv/bin/python -m benchmarks.cluster --rooms 20 --participants 8 --seconds 10
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from websockets.asyncio.client import ClientConnection

from benchmarks.fanout import cpu_seconds, dial
from server.accounts import hash_password
from shared.codec import encode
from shared.commands import PROTOCOL_VERSION, CreateSession, Hello, RaiseHand, StartSession
from shared.events import Welcome
from tests.helpers import LOGIN
from tests.pg import PostgresServer, find_bindir
from tests.reliability.hubproc import HubProcess, free_port


@dataclass
class Figures:
    setup: str
    acked: int
    seconds: float
    latencies: list[float]
    cpu: float
    """Hub CPU, in cores (summed over the hubs)."""

    def line(self) -> str:
        ms = sorted(x * 1000 for x in self.latencies)
        p99 = ms[max(0, int(len(ms) * 0.99) - 1)]
        rate = self.acked / self.seconds
        return (
            f"{self.setup:<36} {rate:>8,.0f} commands/s   p50 {statistics.median(ms):6.1f} ms   "
            f"p99 {p99:6.1f} ms   hub CPU {self.cpu * 100:4.0f} %"
        )


def add_accounts(url: str) -> None:
    from server.store.postgres_records import PostgresLog

    log = PostgresLog(url, create=True)
    try:
        log.add_facilitator(LOGIN.account, hash_password(LOGIN.password, cost=2**10), 0.0)
    finally:
        log.close()


async def _drain(ws: ClientConnection) -> None:
    async for _ in ws:
        pass


async def measure(
    setup: str,
    hubs: list[HubProcess],
    rooms: int,
    people: int,
    seconds: float,
    window: int,
    *,
    spread: bool = True,
) -> Figures:
    """``spread``: every room's participants on all hubs; else each room on one hub."""
    uris = [hub.uri for hub in hubs]
    facilitators: list[ClientConnection] = []
    peers: list[ClientConnection] = []
    for room in range(rooms):
        create = CreateSession(protocol=PROTOCOL_VERSION, login=LOGIN, template="dbt-skills")
        ws, welcome = await dial(uris[0 if spread else room % len(uris)], encode(create))
        assert isinstance(welcome, Welcome)
        facilitators.append(ws)
        await ws.send(encode(StartSession(id=f"start-{welcome.session_id}")), text=True)
        for n in range(people):
            hello = Hello(
                protocol=PROTOCOL_VERSION, role="participant", code=welcome.code, name=f"p{n}"
            )
            at = uris[n % len(uris)] if spread else uris[room % len(uris)]
            peers.append((await dial(at, encode(hello)))[0])
    drains = [asyncio.create_task(_drain(ws)) for ws in facilitators]
    latencies: list[float] = []
    end = time.monotonic() + seconds
    cpu_start = sum(cpu_seconds(h.proc.pid) for h in hubs)
    wall_start = time.monotonic()

    async def drive(index: int, ws: ClientConnection) -> None:
        sent: dict[str, float] = {}
        counter = 0

        async def send_one() -> None:
            nonlocal counter
            counter += 1
            command_id = f"{index}-{counter}"
            sent[command_id] = time.monotonic()
            await ws.send(encode(RaiseHand(id=command_id, raised=counter % 2 == 1)), text=True)

        for _ in range(window):
            await send_one()
        async for raw in ws:
            if '"ack"' not in raw:
                continue
            command_id = str(raw).rsplit('"command":"', 1)[1].split('"', 1)[0]
            started = sent.pop(command_id, None)
            if started is not None:
                latencies.append(time.monotonic() - started)
            if time.monotonic() < end:
                await send_one()
            elif not sent:
                break

    await asyncio.gather(*(drive(n, ws) for n, ws in enumerate(peers)))
    wall = time.monotonic() - wall_start
    cpu = (sum(cpu_seconds(h.proc.pid) for h in hubs) - cpu_start) / wall
    for ws in [*peers, *facilitators]:
        await ws.close()
    for task in drains:
        task.cancel()
    return Figures(setup, len(latencies), wall, latencies, cpu)


async def run(rooms: int, people: int, seconds: float, window: int) -> list[Figures]:
    limits = [
        "--commands-per-second", "100000", "--command-burst", "100000",
        "--max-sessions", str(rooms + 1), "--max-participants", str(people + 1),
    ]  # fmt: skip
    figures: list[Figures] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        hub = await HubProcess.start(folder / "one.sqlite3", free_port(), limits=limits)
        try:
            figures.append(await measure("1 hub + SQLite", [hub], rooms, people, seconds, window))
        finally:
            await hub.terminate()
        bindir = find_bindir()
        if bindir is None:
            raise SystemExit("PostgreSQL is not installed (apt-get install postgresql).")
        server = PostgresServer(bindir, fsync=True)
        server.start()
        try:
            for count, spread in ((1, True), (2, True), (2, False)):
                url = server.database()
                add_accounts(url)
                hubs = [
                    await HubProcess.start(
                        folder / f"unused{count}{n}.sqlite3", free_port(), "--database", url,
                        limits=limits,
                    )
                    for n in range(count)
                ]  # fmt: skip
                try:
                    setup = f"{count} hub{'s' if count > 1 else ''} + PostgreSQL"
                    if count > 1:
                        setup += ", rooms spread" if spread else ", a room per hub"
                    figures.append(
                        await measure(setup, hubs, rooms, people, seconds, window, spread=spread)
                    )
                finally:
                    for each in hubs:
                        await each.terminate()
        finally:
            server.remove()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rooms", type=int, default=20)
    parser.add_argument("--participants", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--window", type=int, default=2, help="commands in flight per terminal")
    args = parser.parse_args()
    figures = asyncio.run(run(args.rooms, args.participants, args.seconds, args.window))
    print(
        f"{args.rooms} rooms x {args.participants} participants, {args.window} commands in "
        f"flight each, {args.seconds:.0f} s per setup"
    )
    for each in figures:
        print(each.line())


if __name__ == "__main__":
    main()
