"""Sign-in burst: many facilitators sign in at once while another room runs.

The hub runs in its own process with one real scrypt cost. The baseline is measured in the same
run: one hash's time on this machine, from which the ideal burst time is
``burst x hash time / cores`` (hashing in parallel on every core, nothing else). Meanwhile a room of
ten participants gets an event every 50 ms; its ack latency during the burst is reported against
the same room's before it.

    .venv/bin/python -m benchmarks.signin --burst 200 --scrypt-n 16384
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
from pathlib import Path

from benchmarks.soak import open_peer
from server.accounts import hash_password, verify_password
from server.store.sqlite import SQLiteLog
from shared.codec import encode
from shared.commands import PROTOCOL_VERSION, CreateSession, ExtendItem, Hello, StartSession
from tests.helpers import LOGIN
from tests.reliability.hubproc import HubProcess, free_port


def hash_seconds(stored: str) -> float:
    times = []
    for _ in range(3):
        started = time.perf_counter()
        verify_password(stored, LOGIN.password)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


async def ticking(uri: str, stop: asyncio.Event, marks: list[tuple[float, float]]) -> None:
    """A room that gets an event every 50 ms: (sent at, ack latency) for each."""
    create = CreateSession(protocol=PROTOCOL_VERSION, login=LOGIN, template="iop-evening-block")
    fac, welcome = await open_peer(uri, create)
    people = [
        (
            await open_peer(
                uri,
                Hello(
                    protocol=PROTOCOL_VERSION, role="participant", code=welcome.code, name=f"p{n}"
                ),
            )
        )[0]
        for n in range(10)
    ]
    reader = asyncio.create_task(fac.read())
    await fac.send(StartSession(id="start"))
    n = 0
    while not stop.is_set():
        n += 1
        command = ExtendItem(id=f"x{n}", minutes=1)
        sent = time.monotonic()
        await fac.ws.send(encode(command), text=True)
        await fac.mirror.outcome(command.id, 60)
        marks.append((sent, time.monotonic() - sent))
        await asyncio.sleep(0.05)  # the load's pace, not a wait for a result
    for peer in (fac, *people):
        await peer.ws.close()
    await reader


async def burst(size: int, cost: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "signin.sqlite3"
        stored = hash_password(LOGIN.password, cost=cost)
        log = SQLiteLog(db)
        log.add_facilitator(LOGIN.account, stored, 0.0)
        log.close()
        one = hash_seconds(stored)
        cores = os.cpu_count() or 1
        hub = await HubProcess.start(db, free_port(), "--max-sessions", str(size + 10))
        stop, marks = asyncio.Event(), list[tuple[float, float]]()
        room = asyncio.create_task(ticking(hub.uri, stop, marks))
        await asyncio.sleep(3)  # the quiet baseline: about 3 s of ticks
        started = time.monotonic()

        async def sign_in() -> None:
            create = CreateSession(
                protocol=PROTOCOL_VERSION, login=LOGIN, template="iop-evening-block"
            )
            peer, _ = await open_peer(hub.uri, create)
            await peer.ws.close()

        await asyncio.gather(*(sign_in() for _ in range(size)))
        took = time.monotonic() - started
        stop.set()
        await room
        await hub.terminate()
        before = sorted(ms for at, ms in marks if at < started)
        during = sorted(ms for at, ms in marks if started <= at <= started + took)
        ideal = size * one / cores
        print(f"{size} sign-ins at scrypt N={cost}: one hash {one * 1000:.0f} ms, {cores} cores")
        print(
            f"burst done in {took:.2f} s; ideal (burst x hash / cores) {ideal:.2f} s; "
            f"burst / ideal = {took / ideal:.2f}x"
        )
        p99_before = before[int(len(before) * 0.99) - 1] * 1000
        p99_during = during[int(len(during) * 0.99) - 1] * 1000 if during else float("nan")
        print(
            f"other room's ack p99: before {p99_before:.1f} ms, during the burst "
            f"{p99_during:.1f} ms ({p99_during / p99_before:.2f}x)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--burst", type=int, default=200)
    parser.add_argument("--scrypt-n", type=int, default=2**14)
    args = parser.parse_args()
    asyncio.run(burst(args.burst, args.scrypt_n))


if __name__ == "__main__":
    main()
