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
import subprocess
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

Target = Literal["hub", "relay", "node"]
TICK = os.sysconf("SC_CLK_TCK")


@dataclass
class Figures:
    connections: int
    latencies: list[float]
    cpu: float
    """Server CPU seconds per wall second over the load window."""
    rss_per_connection: float
    """Bytes."""

    @property
    def p99(self) -> float:
        ms = sorted(self.latencies)
        return ms[int(len(ms) * 0.99) - 1]

    def line(self, name: str) -> str:
        ms = sorted(self.latencies)
        p99 = self.p99
        return (
            f"{name:>10}: {len(ms):,} deliveries; p50 {statistics.median(ms):.1f} ms, "
            f"p99 {p99:.1f} ms, max {ms[-1]:.1f} ms; CPU {self.cpu * 100:.0f} %; "
            f"{self.rss_per_connection / 1000:.1f} kB per connection"
        )


def pin_to_first_core(pid: int) -> None:
    """Every thread of ``pid`` on the first core. ``sched_setaffinity`` sets one thread's, and a
    server's threads (the hub's SQLite thread, Node's helpers) start before it is pinned; the
    threads it starts later inherit the pinning."""
    for task in Path(f"/proc/{pid}/task").iterdir():
        os.sched_setaffinity(int(task.name), {0})


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def rss_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


async def dial(uri: str, first: bytes | None) -> tuple[ClientConnection, Welcome | None]:
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
            fac, welcome = await dial(uri, encode(create))
            assert welcome is not None
            for n in range(people):
                hello = Hello(
                    protocol=PROTOCOL_VERSION, role="participant", code=welcome.code, name=f"p{n}"
                )
                listeners.append((room, (await dial(uri, encode(hello)))[0]))
            await fac.send(encode(StartSession(id="start")), text=True)
        else:
            fac, _ = await dial(f"{uri}/room{room}", None)
            for _ in range(people):
                listeners.append((room, (await dial(f"{uri}/room{room}", None))[0]))
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


class Server:
    """One of the servers compared, in its own process pinned to the first core."""

    def __init__(self, target: Target, rooms: int, people: int, tmp: Path) -> None:
        self.target, self.rooms, self.people, self.tmp = target, rooms, people, tmp
        self.hub: HubProcess | None = None
        self.relay: asyncio.subprocess.Process | None = None

    async def __aenter__(self) -> tuple[int, str]:
        port = free_port()
        if self.target == "hub":
            self.hub = await HubProcess.start(
                self.tmp / "fanout.sqlite3", port, "--max-sessions", str(self.rooms + 2),
                "--max-participants", str(self.people + 1000),
                limits=["--share-batch-seconds", "0.05", "--share-batch-minimum", "1"],
            )  # fmt: skip
            pid = self.hub.proc.pid
        else:
            if self.target == "relay":
                command = [sys.executable, "-m", "benchmarks.relay", "--port", str(port)]
                env = None
            else:
                command = ["node", str(Path(__file__).with_name("relay.js")), str(port)]
                env = {**os.environ, "NODE_PATH": str(node_ws())}
            self.relay = await asyncio.create_subprocess_exec(  # its flood warnings: not ours
                *command, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL, env=env
            )
            assert self.relay.stdout is not None
            await self.relay.stdout.readline()
            pid = self.relay.pid
        pin_to_first_core(pid)
        return pid, f"ws://127.0.0.1:{port}"

    async def __aexit__(self, *_: object) -> None:
        if self.hub is not None:
            await self.hub.terminate()
        if self.relay is not None:
            self.relay.terminate()
            await self.relay.wait()


def node_ws() -> Path:
    """Where the ``ws`` package for the Node.js baseline is installed (once, with npm)."""
    folder = Path(tempfile.gettempdir()) / "circlekeeper-bench-node"
    if not (folder / "node_modules" / "ws").exists():
        folder.mkdir(exist_ok=True)
        subprocess.run(["npm", "install", "--silent", "--prefix", str(folder), "ws@8"], check=True)
    return folder / "node_modules"


async def measure(
    target: Target, rooms: int, people: int, seconds: float, generators: int, flood: bool = False
) -> Figures:
    with tempfile.TemporaryDirectory() as tmp:
        async with Server(target, rooms, people, Path(tmp)) as (pid, uri):
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
            if flood:
                procs.append(context.Process(target=_flooder, args=(target, uri, seconds, ready)))
            for proc in procs:
                proc.start()
            connections = rooms * (people + 1)
            while True:  # every generator has its rooms open once the server stops growing
                await asyncio.sleep(2)
                if open_sockets(pid) >= connections:
                    break
            rss_full = rss_bytes(pid)
            cpu_start, wall_start = cpu_seconds(pid), time.monotonic()
            ready.set()
            latencies: list[float] = []
            for _ in range(generators):
                latencies += await asyncio.to_thread(results.get)
            cpu = (cpu_seconds(pid) - cpu_start) / (time.monotonic() - wall_start)
            for proc in procs:
                proc.join()
        return Figures(connections, latencies, cpu, (rss_full - rss_empty) / connections)


def _flooder(target: Target, uri: str, seconds: float, ready: object) -> None:
    """One connection sending garbage and refused commands as fast as it can, reconnecting
    whenever it is cut off, in a room of its own."""
    cores = os.cpu_count() or 1
    if cores > 1:
        os.sched_setaffinity(0, set(range(1, cores)))
    asyncio.run(_flood(target, uri, seconds, ready))


async def _flood(target: Target, uri: str, seconds: float, ready: object) -> None:
    if target == "hub":
        create = CreateSession(
            protocol=PROTOCOL_VERSION, login=LOGIN, template="twelve-step-sharing"
        )
        _owner, welcome = await dial(uri, encode(create))  # keeps the flood's room open
        assert welcome is not None
        hello = encode(
            Hello(protocol=PROTOCOL_VERSION, role="participant", code=welcome.code, name="flood")
        )
    await asyncio.to_thread(ready.wait)  # type: ignore[attr-defined]
    end = time.monotonic() + seconds
    garbage = [b"not json", encode(ExtendItem(id="refused", minutes=1))]
    while time.monotonic() < end:
        try:
            if target == "hub":
                ws, _ = await dial(uri, hello)
            else:
                ws, _ = await dial(f"{uri}/flood", None)
            n = 0
            while time.monotonic() < end:
                n += 1
                await ws.send(garbage[n % 2], text=True)
        except Exception:  # cut off, or refused at the door: try again, as an attacker would
            await asyncio.sleep(0.01)


def open_sockets(pid: int) -> int:
    fds = Path(f"/proc/{pid}/fd")
    return sum(1 for fd in fds.iterdir() if os.readlink(fd).startswith("socket:"))


def report(rooms: int, people: int, seconds: float, generators: int, flood: bool) -> None:
    shape = (rooms, people, seconds, generators, flood)
    figures = {name: asyncio.run(measure(name, *shape)) for name in ("relay", "node", "hub")}
    ours, relay, node = figures["hub"], figures["relay"], figures["node"]
    what = ", one connection flooding" if flood else ""
    print(f"{rooms} rooms x {people + 1} = {ours.connections:,} connections{what}")
    print(relay.line("python relay"))
    print(node.line("node ws relay"))
    print(ours.line("circle hub"))
    p99 = {name: f.p99 for name, f in figures.items()}
    print(
        f"ours / python relay: p99 {p99['hub'] / p99['relay']:.2f}x, CPU "
        f"{ours.cpu / relay.cpu:.2f}x, memory per connection "
        f"{ours.rss_per_connection / relay.rss_per_connection:.2f}x; ours / node: p99 "
        f"{p99['hub'] / p99['node']:.2f}x, CPU {ours.cpu / node.cpu:.2f}x"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rooms", type=int, default=200)
    parser.add_argument("--participants", type=int, default=14)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--generators", type=int, default=4)
    parser.add_argument("--flood", action="store_true", help="one connection floods meanwhile")
    args = parser.parse_args()
    report(args.rooms, args.participants, args.seconds, args.generators, args.flood)


if __name__ == "__main__":
    main()
