"""Two hub processes on one real PostgreSQL database: the fixture every cluster test starts from.

The server is the test run's own (``tests.pg``): a clear skip locally when PostgreSQL is not
installed, a failure in CI. Each test gets an empty database and two hubs on it.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from server.accounts import hash_password
from tests.helpers import CO_LOGIN, LOGIN
from tests.pg import PostgresServer
from tests.reliability.hubproc import HubProcess, free_port


@dataclass
class Cluster:
    server: PostgresServer
    url: str
    hubs: list[HubProcess]
    folder: Path

    def both(self, first: int = 0) -> str:
        """Both hubs as a terminal is given them (``--hub A,B``), ``first`` tried first."""
        uris = [hub.uri for hub in self.hubs]
        return ",".join(uris[first:] + uris[:first])


def add_pg_accounts(url: str) -> None:
    from server.store.postgres_records import PostgresLog

    log = PostgresLog(url, create=True)
    try:
        for login in (LOGIN, CO_LOGIN):
            log.add_facilitator(login.account, hash_password(login.password, cost=2**10), 0.0)
    finally:
        log.close()


async def start_hub(url: str, folder: Path, n: int) -> HubProcess:
    # ``--db`` is a file the hub never opens (``--database`` wins); HubProcess wants one.
    return await HubProcess.start(folder / f"hub{n}.sqlite3", free_port(), "--database", url)


@pytest.fixture
async def cluster(postgres_server: PostgresServer, tmp_path: Path) -> AsyncIterator[Cluster]:
    url = postgres_server.database()
    add_pg_accounts(url)
    hubs = [await start_hub(url, tmp_path, n) for n in (1, 2)]
    try:
        yield Cluster(postgres_server, url, hubs, tmp_path)
    finally:
        if postgres_server.process is None:  # a test that stopped it and failed
            postgres_server.start()
        for hub in hubs:
            await hub.stop()


async def healthz(uri: str) -> tuple[int, str]:
    """``/healthz`` of the hub at ``ws://host:port``: the status and the body's first line."""
    host, port = uri.removeprefix("ws://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    try:
        writer.write(b"GET /healthz HTTP/1.1\r\nHost: hub\r\nConnection: close\r\n\r\n")
        raw = await reader.read()
    finally:
        writer.close()
    head, _, body = raw.decode(errors="replace").partition("\r\n\r\n")
    return int(head.split()[1]), body.strip().splitlines()[0] if body.strip() else ""


async def eventually(check: Callable[[], Awaitable[bool]], timeout: float = 20.0) -> None:
    """Wait until ``check`` holds, asking again each time the loop has run a little; for
    conditions outside this process (another process's endpoint), which cannot notify us."""
    async with asyncio.timeout(timeout):
        while not await check():  # noqa: ASYNC110 - another process: nothing to wait on
            await asyncio.sleep(0.05)
