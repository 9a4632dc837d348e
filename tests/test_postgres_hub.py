"""A hub on the PostgreSQL store runs a real session end to end: the store is a drop-in for
SQLite behind the same interface (one hub per database until phase 2 of issue 17)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from server.accounts import hash_password
from server.config import HubConfig
from server.hub import Hub
from server.records import load
from server.store.postgres import PostgresStore
from server.store.postgres_records import PostgresLog
from shared.commands import EndSession, ModerateShare, StartSession
from tests.helpers import LOGIN, QUICK_BATCHES, RunningHub, facilitator, new_id, participant, share


@pytest.fixture
async def pg_hub(pg_url: str, tmp_path: Path) -> AsyncIterator[tuple[RunningHub, str]]:
    accounts = PostgresLog(pg_url, create=True)
    accounts.add_facilitator(LOGIN.account, hash_password(LOGIN.password, cost=2**10), 0.0)
    accounts.close()
    store = await PostgresStore.connect(pg_url)
    config = HubConfig(db=tmp_path / "unused", join_attempts_per_minute=10_000, **QUICK_BATCHES)
    hub = Hub(store, config)
    async with hub.serve("127.0.0.1", 0) as server:
        port = server.sockets[0].getsockname()[1]
        running = RunningHub(hub, store, f"ws://127.0.0.1:{port}", tmp_path)  # type: ignore[arg-type]
        yield running, pg_url
    await store.close()


async def test_a_session_on_postgresql_is_recorded_as_the_room_saw_it(
    pg_hub: tuple[RunningHub, str],
) -> None:
    hub, url = pg_hub
    fac = await facilitator(hub.uri, record_shares=True)
    code = fac.link.welcome.code  # type: ignore[union-attr]
    sam = await participant(hub.uri, code, "Sam")
    await fac.do(StartSession(id=new_id()))
    await share(sam, fac, "a hard week")
    await fac.do(ModerateShare(id=new_id(), share=1, action="show"))
    await fac.until(lambda: sam.state.shares != ())
    await fac.do(EndSession(id=new_id()))
    await sam.until(lambda: sam.state.status == "ended")

    log = PostgresLog(url)
    recording = load(log, fac.state.session_id)
    log.close()
    assert [seq for seq, _ in recording.events] == fac.seqs
    assert recording.final == fac.state
    assert [s.text for s in recording.final.shares] == ["a hard week"]
    for client in (fac, sam):
        await client.stop()
