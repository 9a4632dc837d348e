"""Joins and resumes: many people joining one room, and one terminal catching up a long gap.

Joins: ``--people`` participants join one room one after another (the next starts when the
last has its welcome and backlog), while the facilitator stays connected. Reported: joins a
second, the hub's CPU per join, and how many frames the room's terminals received in all (a join
is news to the facilitators; the room hears the head count once people settle). The baseline,
in the same run, is the plain Python relay: connect, send one frame, get it back.

Resume: a participant drops, the facilitator makes ``--missed`` events meanwhile, and the
participant comes back with its token and ``after``: the time from its hello to ``caught_up``.
The baseline is the same number of frames of the same size sent by the relay to one terminal.

    .venv/bin/python -m benchmarks.joins --people 500 --missed 10000
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.fanout import cpu_seconds, dial, pin_to_first_core
from shared.codec import decode_server, encode
from shared.commands import PROTOCOL_VERSION, CreateSession, ExtendItem, Hello, StartSession
from shared.events import CaughtUp, Logged, Welcome
from tests.helpers import LOGIN
from tests.reliability.hubproc import HubProcess, free_port

LIMITS = ["--commands-per-second", "1000000", "--command-burst", "1000000"]


async def hub_joins(people: int, tmp: Path) -> tuple[float, float, int]:
    """(joins a second, hub CPU seconds per join, frames the room received)."""
    hub = await HubProcess.start(
        tmp / "joins.sqlite3", free_port(), "--max-participants", str(people + 1), limits=LIMITS
    )
    pin_to_first_core(hub.proc.pid)
    create = CreateSession(protocol=PROTOCOL_VERSION, login=LOGIN, template="twelve-step-sharing")
    fac, welcome = await dial(hub.uri, encode(create))
    assert isinstance(welcome, Welcome)
    received = [0]

    async def count(ws: object) -> None:
        async for _ in ws:  # type: ignore[attr-defined]
            received[0] += 1

    readers = [asyncio.create_task(count(fac))]
    started, cpu = time.monotonic(), cpu_seconds(hub.proc.pid)
    for n in range(people):
        hello = Hello(
            protocol=PROTOCOL_VERSION, role="participant", code=welcome.code, name=f"p{n}"
        )
        ws, _ = await dial(hub.uri, encode(hello))
        while not isinstance(decode_server(await ws.recv(decode=False)), CaughtUp):
            received[0] += 1
        readers.append(asyncio.create_task(count(ws)))
    took = time.monotonic() - started
    spent = cpu_seconds(hub.proc.pid) - cpu
    await asyncio.sleep(2)  # the last head count is announced once people settle
    for task in readers:
        task.cancel()
    await hub.terminate()
    return people / took, spent / people, received[0]


async def start_relay(*options: str) -> tuple[asyncio.subprocess.Process, int]:
    """The Python relay on the first core, listening; and its port."""
    port = free_port()
    relay = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "benchmarks.relay", "--port", str(port), *options,
        stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert relay.stdout is not None
    await relay.stdout.readline()
    pin_to_first_core(relay.pid)
    return relay, port


async def relay_joins(people: int) -> float:
    relay, port = await start_relay()
    started = time.monotonic()
    sockets = []
    for _ in range(people):
        ws, _ = await dial(f"ws://127.0.0.1:{port}/room", None)
        await ws.send("hello")
        await ws.recv()
        sockets.append(ws)
    took = time.monotonic() - started
    relay.terminate()
    await relay.wait()
    return people / took


async def hub_resume(missed: int, tmp: Path) -> tuple[float, int]:
    """(seconds from hello to caught_up, bytes of the frames caught up)."""
    hub = await HubProcess.start(tmp / "resume.sqlite3", free_port(), limits=LIMITS)
    create = CreateSession(protocol=PROTOCOL_VERSION, login=LOGIN, template="twelve-step-sharing")
    fac, welcome = await dial(hub.uri, encode(create))
    assert isinstance(welcome, Welcome)
    hello = Hello(protocol=PROTOCOL_VERSION, role="participant", code=welcome.code, name="Sam")
    sam, seat = await dial(hub.uri, encode(hello))
    assert isinstance(seat, Welcome)
    last = 0
    while not isinstance(frame := decode_server(await sam.recv(decode=False)), CaughtUp):
        last = frame.seq if isinstance(frame, Logged) else last
    await sam.close()
    await fac.send(encode(StartSession(id="start")), text=True)
    for n in range(missed):
        await fac.send(encode(ExtendItem(id=f"x{n}", minutes=1)), text=True)
    acked = 0
    while acked < missed + 1:
        if '"ack"' in str(await fac.recv()):
            acked += 1
    back = Hello(
        protocol=PROTOCOL_VERSION, role="participant", session=seat.session_id,
        token=seat.token, after=last, epoch=seat.epoch,
    )  # fmt: skip
    started = time.monotonic()
    ws, _ = await dial(hub.uri, encode(back))
    size = 0
    while not isinstance(decode_server(raw := await ws.recv(decode=False)), CaughtUp):
        size += len(raw)
    took = time.monotonic() - started
    await hub.terminate()
    return took, size


async def relay_transfer(frames: int, size: int) -> float:
    """Seconds for the relay to pass ``frames`` frames of ``size`` bytes to one terminal."""
    relay, port = await start_relay()
    sender, _ = await dial(f"ws://127.0.0.1:{port}/r", None)
    reader, _ = await dial(f"ws://127.0.0.1:{port}/r", None)
    payload = "x" * size
    started = time.monotonic()
    for _ in range(frames):
        await sender.send(payload)
    for _ in range(frames):
        await reader.recv()
    took = time.monotonic() - started
    relay.terminate()
    await relay.wait()
    return took


async def run(people: int, missed: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        rate, cpu, frames = await hub_joins(people, Path(tmp))
        baseline = await relay_joins(people)
        print(f"{people} participants join one room, one after another")
        print(
            f"circle hub: {rate:,.0f} joins/s, {cpu * 1000:.2f} ms hub CPU per join; "
            f"{frames:,} frames to the room's terminals ({frames / people:.1f} per join)"
        )
        print(f"python relay: {baseline:,.0f} joins/s; ours / relay: {rate / baseline:.2f}x")
        took, size = await hub_resume(missed, Path(tmp))
        transfer = await relay_transfer(missed, size // max(missed, 1))
        print(f"resume after {missed:,} missed events: {took * 1000:.0f} ms to caught_up")
        print(
            f"python relay passing {missed:,} frames of the same size: {transfer * 1000:.0f} ms; "
            f"ours / relay: {took / transfer:.2f}x"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=500)
    parser.add_argument("--missed", type=int, default=10_000)
    args = parser.parse_args()
    asyncio.run(run(args.people, args.missed))


if __name__ == "__main__":
    main()
