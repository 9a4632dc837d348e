"""Nothing acknowledged is lost when the hub is killed, and everyone carries on by themselves."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from server.records import session_state
from server.store.sqlite import SQLiteLog
from shared.codec import decode_event
from shared.commands import StartSession, SubmitShare
from shared.events import Ack, ShareSubmitted
from tests.helpers import LOGIN, Client, facilitator, new_id, participant
from tests.reliability.hubproc import HubProcess, free_port

CLIENTS = 20
SHARES_EACH = 50


@pytest.fixture
async def port() -> AsyncIterator[int]:
    yield free_port()


def stored_shares(db: Path, session_id: str) -> Counter[str]:
    log = SQLiteLog(db, create=False)
    try:
        events = [decode_event(row.body) for row in log.read(session_id)]
    finally:
        log.close()
    return Counter(e.text for e in events if isinstance(e, ShareSubmitted))


async def test_sigkill_mid_burst_loses_no_acknowledged_share(tmp_path: Path, port: int) -> None:
    db = tmp_path / "hub.sqlite3"
    hub = await HubProcess.start(db, port)
    try:
        fac = await facilitator(hub.uri)
        code = fac.link.welcome.code  # type: ignore[union-attr]
        people = [await participant(hub.uri, code, f"P{i}") for i in range(CLIENTS)]
        await fac.do(StartSession(id=new_id()))
        before = (fac.state.started_at, fac.state.agenda[0].started_at)

        acked: list[str] = []
        enough = asyncio.Event()

        async def send_all(i: int, person: Client) -> None:
            for j in range(SHARES_EACH):
                text = f"share {j} from terminal {i}"
                reply = await person.do(SubmitShare(id=new_id(), text=text), timeout=60)
                assert isinstance(reply, Ack), reply
                acked.append(text)
                if len(acked) >= 300:
                    enough.set()

        senders = asyncio.gather(*(send_all(i, p) for i, p in enumerate(people)))
        await asyncio.wait_for(enough.wait(), 60)
        await hub.kill()
        acked_before_crash = list(acked)
        hub = await HubProcess.start(db, port)
        await asyncio.wait_for(senders, 120)

        total = CLIENTS * SHARES_EACH
        await fac.until(lambda: len(fac.state.shares) == total, 60)
        stored = stored_shares(db, fac.state.session_id)
        assert all(stored[text] == 1 for text in acked_before_crash)
        assert sorted(stored.values()) == [1] * total
        assert set(stored) == set(acked)

        log = SQLiteLog(db, create=False)
        recorded, _ = session_state(log, fac.state.session_id)
        log.close()
        assert fac.state == recorded  # the console shows exactly what the record holds
        assert (fac.state.started_at, fac.state.agenda[0].started_at) == before
        for client in (fac, *people):
            await client.stop()
    finally:
        await hub.stop()


async def test_headless_demo_survives_a_hub_sigkill(tmp_path: Path, port: int) -> None:
    db = tmp_path / "hub.sqlite3"
    hub = await HubProcess.start(db, port)
    demo = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "client", "demo", "--headless", "--hub", hub.uri, "--seconds", "0.1",
        "--as", LOGIN.account,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        env={**os.environ, "CIRCLE_PASSWORD": LOGIN.password},
    )  # fmt: skip
    try:
        assert demo.stdout is not None
        async with asyncio.timeout(30):
            while b"session started" not in await demo.stdout.readline():
                pass
        await hub.kill()
        hub = await HubProcess.start(db, port)
        out, err = await asyncio.wait_for(demo.communicate(), 60)
        assert demo.returncode == 0, err.decode()
        assert b"session ended and recorded" in out
    finally:
        if demo.returncode is None:
            demo.kill()
            await demo.wait()
        await hub.stop()

    listing = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "client", "sessions", "--db", str(db), "--json",
        stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, _ = await listing.communicate()
    [session] = json.loads(out)
    assert (session["status"], session["joined"]) == ("ended", 3)
    log = SQLiteLog(db, create=False)
    state, _ = session_state(log, session["id"])
    log.close()
    assert [s.status for s in state.shares] == ["discussed", "shown", "set_aside", "pending"]
    assert [i.status for i in state.agenda] == ["done", "done", "done"]


async def test_sigterm_closes_clients_politely_and_a_restart_resumes(
    tmp_path: Path, port: int
) -> None:
    db = tmp_path / "hub.sqlite3"
    hub = await HubProcess.start(db, port)
    try:
        fac = await facilitator(hub.uri)
        code = fac.link.welcome.code  # type: ignore[union-attr]
        sam = await participant(hub.uri, code, "Sam")
        await fac.do(StartSession(id=new_id()))
        await sam.until(lambda: sam.state.status == "running")
        assert await hub.terminate() == 0
        await sam.until(lambda: sam.status == "reconnecting")
        assert any("closed (1001)" in line for line in hub.log)
        hub = await HubProcess.start(db, port)
        await sam.until(lambda: sam.status == "online", 10)
        await sam.do(SubmitShare(id=new_id(), text="still here"))
        await fac.until(lambda: [s.text for s in fac.state.shares] == ["still here"], 10)
        assert sam.state.status == "running"
        for client in (fac, sam):
            await client.stop()
    finally:
        await hub.stop()
