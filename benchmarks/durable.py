"""Durable commands: how many anonymous shares a second the hub acknowledges, each committed with
``synchronous=FULL`` first, against the same load on a plain Python relay that acknowledges and
passes on each frame and stores nothing (``benchmarks.relay --ack``), and a bare sqlite3 loop on
the same disk, in the same run.

The hub runs in its own process on the first core; generator processes on the others keep a
few shares in flight on every participant's connection (``--window``) and note each ack's
latency. ``--rate`` paces the whole load instead (e.g. 2000 a second) to read latency at a
steady load. The relay gets the same connections and frames; the sqlite3 loop writes one row per
commit, WAL and FULL, as fast as it can.

    .venv/bin/python -m benchmarks.durable --rooms 50 --participants 10 --seconds 20
    .venv/bin/python -m benchmarks.durable --rooms 50 --participants 10 --seconds 20 --rate 2000
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

from websockets.asyncio.client import ClientConnection

from benchmarks.fanout import cpu_seconds, dial, open_sockets, pin_to_first_core
from benchmarks.joins import start_relay
from shared.codec import encode
from shared.commands import PROTOCOL_VERSION, CreateSession, Hello, SubmitShare
from shared.events import Welcome
from tests.helpers import LOGIN
from tests.reliability.hubproc import HubProcess, free_port


def bare_sqlite(path: Path, seconds: float = 3.0) -> float:
    """Commits a second of one small row each, WAL + FULL: the disk's own pace."""
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("CREATE TABLE t (k BLOB PRIMARY KEY, v TEXT) WITHOUT ROWID")
    n, end = 0, time.monotonic() + seconds
    while time.monotonic() < end:
        db.execute("BEGIN")
        db.execute("INSERT INTO t VALUES (?, ?)", (os.urandom(16), "a share of some length"))
        db.execute("COMMIT")
        n += 1
    db.close()
    return n / seconds


class Load(NamedTuple):
    """One run's load: ``rate`` (for all generators together) 0 keeps ``window`` shares in
    flight on every connection instead."""

    rooms: int
    people: int
    seconds: float
    window: int
    rate: float
    generators: int


async def _generate(
    uri: str, codes: list[str], load: Load, ready: object
) -> list[tuple[float, float]]:
    """(sent at, latency) of every acknowledged share. A code is a room code on the hub and a
    room's path on the relay (``uri`` ends with ``/``)."""
    people, seconds, window = load.people, load.seconds, load.window
    rate = load.rate / load.generators
    marks: list[tuple[float, float]] = []
    peers: list[ClientConnection] = []
    for code in codes:
        for n in range(people):
            if uri.endswith("/"):
                peers.append((await dial(uri + code, None))[0])
                continue
            hello = Hello(protocol=PROTOCOL_VERSION, role="participant", code=code, name=f"p{n}")
            peers.append((await dial(uri, encode(hello)))[0])
    await asyncio.to_thread(ready.wait)  # type: ignore[attr-defined]
    end = time.monotonic() + seconds
    gap = len(peers) / rate if rate else 0.0

    async def drive(index: int, ws: ClientConnection) -> None:
        sent: dict[str, float] = {}
        counter = 0
        next_at = time.monotonic() + (gap * index / len(peers) if gap else 0.0)

        async def send_one() -> None:
            nonlocal counter, next_at
            counter += 1
            command_id = f"{index}-{counter}"
            if gap:
                await asyncio.sleep(max(0.0, next_at - time.monotonic()))
                next_at += gap
            sent[command_id] = time.monotonic()
            await ws.send(encode(SubmitShare(id=command_id, text="a share of some length")))

        for _ in range(1 if gap else window):
            await send_one()
        async for raw in ws:
            if '"ack"' not in raw:
                continue
            command_id = str(raw).rsplit('"command":"', 1)[1].split('"', 1)[0]
            started = sent.pop(command_id, None)
            if started is not None:
                marks.append((started, time.monotonic() - started))
            if time.monotonic() < end:
                await send_one()
            elif not sent:
                break

    await asyncio.gather(*(drive(n, ws) for n, ws in enumerate(peers)))
    for ws in peers:
        await ws.close()
    return marks


def _generator(
    uri: str,
    codes: list[str],
    load: Load,
    ready: object,
    results: multiprocessing.Queue[list[tuple[float, float]]],
) -> None:
    cores = os.cpu_count() or 1
    if cores > 1:
        os.sched_setaffinity(0, set(range(1, cores)))
    results.put(asyncio.run(_generate(uri, codes, load, ready)))


async def _drive(pid: int, uri: str, codes: list[str], load: Load) -> tuple[list[float], float]:
    """Drive ``codes``' rooms from generator processes: the acks' latencies (ms, sorted) and the
    server's CPU share meanwhile."""
    context = multiprocessing.get_context("spawn")
    ready = context.Event()
    results: multiprocessing.Queue[list[tuple[float, float]]] = context.Queue()
    procs = [
        context.Process(
            target=_generator, args=(uri, codes[g :: load.generators], load, ready, results)
        )
        for g in range(load.generators)
    ]
    for proc in procs:
        proc.start()
    while True:  # every generator has its people in once the server stops growing
        await asyncio.sleep(1)
        if open_sockets(pid) >= len(codes) * (load.people + 1):
            break
    cpu_start, wall_start = cpu_seconds(pid), time.monotonic()
    ready.set()
    marks: list[tuple[float, float]] = []
    for _ in procs:
        marks += await asyncio.to_thread(results.get)
    cpu = (cpu_seconds(pid) - cpu_start) / (time.monotonic() - wall_start)
    for proc in procs:
        proc.join()
    return sorted(latency * 1000 for _, latency in marks), cpu


async def _hub(tmp: Path, load: Load) -> tuple[list[float], float]:
    hub = await HubProcess.start(
        tmp / "durable.sqlite3", free_port(), "--max-sessions", str(load.rooms + 1),
        "--max-participants", str(load.people + 1),
        limits=["--commands-per-second", "100000", "--command-burst", "100000"],
    )  # fmt: skip
    pin_to_first_core(hub.proc.pid)
    codes, facilitators = [], []
    for _ in range(load.rooms):
        create = CreateSession(
            protocol=PROTOCOL_VERSION, login=LOGIN, template="twelve-step-sharing"
        )
        ws, welcome = await dial(hub.uri, encode(create))
        assert isinstance(welcome, Welcome)
        codes.append(welcome.code)
        facilitators.append(ws)
    drains = [asyncio.create_task(_drain(ws)) for ws in facilitators]
    try:
        return await _drive(hub.proc.pid, hub.uri, codes, load)
    finally:
        for ws in facilitators:
            await ws.close()
        for task in drains:
            task.cancel()
        await hub.terminate()


async def _relay(load: Load) -> tuple[list[float], float]:
    relay, port = await start_relay("--ack")
    uri = f"ws://127.0.0.1:{port}/"
    codes = [f"room{n}" for n in range(load.rooms)]
    facilitators = [(await dial(uri + code, None))[0] for code in codes]  # each room's first
    drains = [asyncio.create_task(_drain(ws)) for ws in facilitators]
    try:
        return await _drive(relay.pid, uri, codes, load)
    finally:
        for ws in facilitators:
            await ws.close()
        for task in drains:
            task.cancel()
        relay.terminate()
        await relay.wait()


def _figures(name: str, ms: list[float], cpu: float, seconds: float) -> float:
    per_second = len(ms) / seconds
    print(
        f"{name}: {per_second:,.0f} acknowledged shares/s; ack p50 "
        f"{statistics.median(ms):.1f} ms, p99 {ms[int(len(ms) * 0.99) - 1]:.1f} ms, max "
        f"{ms[-1]:.1f} ms; CPU {cpu * 100:.0f} %, {cpu / per_second * 1e6:.0f} us per share"
    )
    return per_second


async def run(
    rooms: int, people: int, seconds: float, window: int, rate: float, generators: int
) -> None:
    load = Load(rooms, people, seconds, window, rate, generators)
    with tempfile.TemporaryDirectory() as tmp:
        baseline = bare_sqlite(Path(tmp) / "bare.sqlite3")
        ours = await _hub(Path(tmp), load)
    relay = await _relay(load)
    pace = f"paced at {rate:,.0f}/s" if rate else f"{window} in flight per connection"
    print(f"{rooms} rooms x {people} participants, {pace}, {seconds:.0f} s")
    hub_rate = _figures("circle hub", *ours, seconds)
    relay_rate = _figures("python relay, ack and pass on, nothing stored", *relay, seconds)
    print(f"bare sqlite3, one row per commit: {baseline:,.0f} commits/s")
    print(
        f"ours / relay: {hub_rate / relay_rate:.2f}x the shares, "
        f"{ours[1] / hub_rate / (relay[1] / relay_rate):.2f}x the CPU per share; "
        f"ours / bare sqlite3: {hub_rate / baseline:.2f}x"
    )


async def _drain(ws: ClientConnection) -> None:
    async for _ in ws:
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rooms", type=int, default=50)
    parser.add_argument("--participants", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--window", type=int, default=4)
    parser.add_argument("--rate", type=float, default=0.0)
    parser.add_argument("--generators", type=int, default=3)
    args = parser.parse_args()
    asyncio.run(
        run(args.rooms, args.participants, args.seconds, args.window, args.rate, args.generators)
    )


if __name__ == "__main__":
    main()
