"""Load generator: many rooms of participants sending shares as fast as the hub acknowledges.

Each run measures the same workload twice in one process, once with group commit and once with
one commit per command (the baseline), and prints both with their ratio, so the figure does not
depend on the machine:

    .venv/bin/python -m benchmarks.load --rooms 20 --participants 10 --shares 20
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import statistics
import tempfile
import time
from pathlib import Path

import msgspec
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from client.mirror import SessionMirror
from server.config import HubConfig
from server.hub import Hub
from server.store.sqlite import SQLiteStore
from shared.codec import decode_server, encode
from shared.commands import PROTOCOL_VERSION, CreateSession, Hello, SubmitShare
from shared.events import Error, Welcome
from tests.helpers import LOGIN, add_accounts


class Result(msgspec.Struct):
    label: str
    commands: int
    seconds: float
    latencies_ms: list[float]

    @property
    def per_second(self) -> float:
        return self.commands / self.seconds


ACK_TIMEOUT = 60.0


async def _feed(ws: ClientConnection, mirror: SessionMirror) -> None:
    with contextlib.suppress(ConnectionClosed):  # the hub gone: the wait for an ack times out
        async for raw in ws:
            mirror.apply(decode_server(raw if isinstance(raw, bytes) else raw.encode()))


async def _participant(uri: str, code: str, n: int, shares: int, lat: list[float]) -> None:
    async with connect(uri, compression=None, proxy=None, max_queue=None) as ws:
        mirror = SessionMirror()
        reader = asyncio.create_task(_feed(ws, mirror))
        hello = Hello(protocol=PROTOCOL_VERSION, role="participant", code=code, name=f"p{n}")
        await ws.send(encode(hello), text=True)
        try:
            for i in range(shares):
                cid = f"{n}-{i}-{code}"
                sent = time.perf_counter()
                share = SubmitShare(id=cid, text=f"share {i} from load test")
                await ws.send(encode(share), text=True)
                outcome = await mirror.outcome(cid, ACK_TIMEOUT)
                if isinstance(outcome, Error):
                    raise RuntimeError(outcome.detail)
                lat.append((time.perf_counter() - sent) * 1000)
        finally:
            reader.cancel()


async def _room(uri: str) -> str:
    async with connect(uri, compression=None, proxy=None) as ws:
        create = CreateSession(
            protocol=PROTOCOL_VERSION, login=LOGIN, template="relapse-prevention"
        )
        await ws.send(encode(create), text=True)
        welcome = decode_server(await ws.recv(decode=False))
        assert isinstance(welcome, Welcome)
        return welcome.code


async def run(label: str, group_commit: bool, rooms: int, people: int, shares: int) -> Result:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.sqlite3"
        store = SQLiteStore(db, group_commit=group_commit)
        add_accounts(store.log)
        config = HubConfig(db=db, commands_per_second=1e9, command_burst=10**9)
        hub = Hub(store, config)
        async with hub.serve("127.0.0.1", 0) as server:
            uri = f"ws://127.0.0.1:{server.sockets[0].getsockname()[1]}"
            codes = [await _room(uri) for _ in range(rooms)]
            latencies: list[float] = []
            start = time.perf_counter()
            await asyncio.gather(
                *(
                    _participant(uri, code, n, shares, latencies)
                    for code in codes
                    for n in range(people)
                )
            )
            seconds = time.perf_counter() - start
        await store.close()
    return Result(label, rooms * people * shares, seconds, latencies)


def report(result: Result) -> str:
    lat = sorted(result.latencies_ms)
    p99 = lat[int(len(lat) * 0.99) - 1]
    return (
        f"{result.label:>22}: {result.commands} acked shares in {result.seconds:.2f} s = "
        f"{result.per_second:,.0f}/s; ack latency p50 {statistics.median(lat):.1f} ms, "
        f"p99 {p99:.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rooms", type=int, default=20)
    parser.add_argument("--participants", type=int, default=10)
    parser.add_argument("--shares", type=int, default=20)
    args = parser.parse_args()
    shape = (args.rooms, args.participants, args.shares)
    baseline = asyncio.run(run("one commit per command", False, *shape))
    grouped = asyncio.run(run("group commit", True, *shape))
    print(f"{args.rooms} rooms x {args.participants} participants x {args.shares} shares")
    print(report(baseline))
    print(report(grouped))
    print(f"group commit / baseline throughput: {grouped.per_second / baseline.per_second:.2f}x")


if __name__ == "__main__":
    main()
