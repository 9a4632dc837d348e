"""Fan-out: many rooms, one facilitator event a second per room, against a plain relay.

The hub (a real ``circle hub`` process on SQLite) and the baseline (``benchmarks.relay``: every
frame broadcast to its room, nothing else) take the same load in the same run. The server is
pinned to the first core and the load generator processes to the others, as one program cannot
drive thousands of sockets. Each room's facilitator sends one event a second; every participant
notes how long it took to arrive. Reported per server: delivery latency p50/p99/max, the
server's CPU over the load window, its memory per connection, and ours / baseline.

    .venv/bin/python -m benchmarks.fanout --rooms 200 --participants 14 --seconds 30
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from websockets.asyncio.client import ClientConnection, connect

from shared.codec import decode_server, encode
from shared.commands import PROTOCOL_VERSION, CreateSession, ExtendItem, Hello, StartSession
from shared.events import Welcome
from tests.helpers import LOGIN
from tests.reliability.hubproc import HubProcess, free_port

Target = Literal["hub", "relay"]
TICK = os.sysconf("SC_CLK_TCK")


@dataclass
class Figures:
    connections: int
    latencies: list[float]
    cpu: float
    """Server CPU seconds per wall second over the load window."""
    rss_per_connection: float
    """Bytes."""

    def line(self, name: str) -> str:
        ms = sorted(self.latencies)
        p99 = ms[int(len(ms) * 0.99) - 1]
        return (
            f"{name:>10}: {len(ms):,} deliveries; p50 {statistics.median(ms):.1f} ms, "
            f"p99 {p99:.1f} ms, max {ms[-1]:.1f} ms; CPU {self.cpu * 100:.0f} %; "
            f"{self.rss_per_connection / 1000:.1f} kB per connection"
        )


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def rss_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


async def _open(uri: str, first: bytes | None) -> tuple[ClientConnection, Welcome | None]:
    ws = await connect(uri, compression=None, proxy=None, open_timeout=120, max_queue=None)
    if first is None:
        return ws, None
    await ws.send(first, text=True)
    welcome = decode_server(await ws.recv(decode=False))
    assert isinstance(welcome, Welcome), welcome
    return ws, welcome


async def _generate(
    target: Target, uri: str, rooms: list[int], people: int, seconds: float, ready: object
) -> list[float]:
    latencies: list[float] = []
    sends: dict[int, list[float]] = {room: [] for room in rooms}
    facilitators: dict[int, ClientConnection] = {}
    listeners: list[tuple[int, ClientConnection]] = []
    for room in rooms:
        if target == "hub":
            create = CreateSession(
                protocol=PROTOCOL_VERSION, login=LOGIN, template="twelve-step-sharing"
            )
            fac, welcome = await _open(uri, encode(create))
            assert welcome is not None
            for n in range(people):
                hello = Hello(
                    protocol=PROTOCOL_VERSION, role="participant", code=welcome.code, name=f"p{n}"
                )
                listeners.append((room, (await _open(uri, encode(hello)))[0]))
            await fac.send(encode(StartSession(id="start")), text=True)
        else:
            fac, _ = await _open(f"{uri}/room{room}", None)
            for _ in range(people):
                listeners.append((room, (await _open(f"{uri}/room{room}", None))[0]))
        facilitators[room] = fac

    async def listen(room: int, ws: ClientConnection) -> None:
        seen = 0
        async for raw in ws:
            if target == "hub" and '"agenda.extended"' not in raw:
                continue
            if seen < len(sends[room]):
                latencies.append((time.monotonic() - sends[room][seen]) * 1000)
            seen += 1

    async def drain(ws: ClientConnection) -> None:
        async for _ in ws:
            pass

    tasks = [asyncio.create_task(listen(room, ws)) for room, ws in listeners]
    tasks += [asyncio.create_task(drain(ws)) for ws in facilitators.values()]
    await asyncio.to_thread(ready.wait)  # type: ignore[attr-defined]
    start = time.monotonic()
    n = 0
    while time.monotonic() < start + seconds:
        n += 1
        for index, room in enumerate(rooms):  # spread the rooms over each second
            due = start + n - 1 + index / len(rooms)
            await asyncio.sleep(max(0.0, due - time.monotonic()))
            frame = encode(ExtendItem(id=f"x{n}", minutes=1)) if target == "hub" else b"{}"
            sends[room].append(time.monotonic())
            await facilitators[room].send(frame, text=True)
    await asyncio.sleep(2)  # let the last second's deliveries arrive
    for ws in facilitators.values():
        await ws.close()
    for _, ws in listeners:
        await ws.close()
    for task in tasks:
        task.cancel()
    return latencies


def _generator(
    target: Target,
    uri: str,
    rooms: list[int],
    people: int,
    seconds: float,
    ready: object,
    results: multiprocessing.Queue[list[float]],
) -> None:
    cores = os.cpu_count() or 1
    if cores > 1:
        os.sched_setaffinity(0, set(range(1, cores)))
    results.put(asyncio.run(_generate(target, uri, rooms, people, seconds, ready)))


async def measure(
    target: Target, rooms: int, people: int, seconds: float, generators: int
) -> Figures:
    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        relay: asyncio.subprocess.Process | None = None
        hub: HubProcess | None = None
        if target == "hub":
            hub = await HubProcess.start(
                Path(tmp) / "fanout.sqlite3", port, "--max-sessions", str(rooms + 1),
                "--max-participants", str(people + 1),
            )  # fmt: skip
            pid, uri = hub.proc.pid, hub.uri
        else:
            relay = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "benchmarks.relay", "--port", str(port),
                stdout=asyncio.subprocess.PIPE,
            )  # fmt: skip
            assert relay.stdout is not None
            await relay.stdout.readline()
            pid, uri = relay.pid, f"ws://127.0.0.1:{port}"
        os.sched_setaffinity(pid, {0})
        rss_empty = rss_bytes(pid)
        context = multiprocessing.get_context("spawn")
        ready = context.Event()
        results: multiprocessing.Queue[list[float]] = context.Queue()
        procs = [
            context.Process(
                target=_generator,
                args=(
                    target,
                    uri,
                    list(range(g, rooms, generators)),
                    people,
                    seconds,
                    ready,
                    results,
                ),
            )
            for g in range(generators)
        ]
        for proc in procs:
            proc.start()
        connections = rooms * (people + 1)
        while True:  # every generator has its rooms open once the server stops growing
            await asyncio.sleep(2)
            if _open_sockets(pid) >= connections:
                break
        rss_full = rss_bytes(pid)
        cpu_start, wall_start = cpu_seconds(pid), time.monotonic()
        ready.set()
        latencies: list[float] = []
        for _ in procs:
            latencies += await asyncio.to_thread(results.get)
        cpu = (cpu_seconds(pid) - cpu_start) / (time.monotonic() - wall_start)
        for proc in procs:
            proc.join()
        if hub is not None:
            await hub.terminate()
        if relay is not None:
            relay.terminate()
            await relay.wait()
        return Figures(connections, latencies, cpu, (rss_full - rss_empty) / connections)


def _open_sockets(pid: int) -> int:
    fds = Path(f"/proc/{pid}/fd")
    return sum(1 for fd in fds.iterdir() if os.readlink(fd).startswith("socket:"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rooms", type=int, default=200)
    parser.add_argument("--participants", type=int, default=14)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--generators", type=int, default=4)
    args = parser.parse_args()
    shape = (args.rooms, args.participants, args.seconds, args.generators)
    relay = asyncio.run(measure("relay", *shape))
    ours = asyncio.run(measure("hub", *shape))
    print(f"{args.rooms} rooms x {args.participants + 1} = {ours.connections:,} connections")
    print(relay.line("relay"))
    print(ours.line("circle hub"))
    p99 = [sorted(f.latencies)[int(len(f.latencies) * 0.99) - 1] for f in (ours, relay)]
    print(
        f"ours / relay: p99 {p99[0] / p99[1]:.2f}x, CPU {ours.cpu / relay.cpu:.2f}x, "
        f"memory per connection {ours.rss_per_connection / relay.rss_per_connection:.2f}x"
    )


if __name__ == "__main__":
    main()
