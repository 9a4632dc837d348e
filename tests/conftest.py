from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from server.config import HubConfig
from server.hub import Hub
from tests.helpers import QUICK_BATCHES, RunningHub, accounts_store


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "hub.sqlite3"


@pytest.fixture
async def hub(db_path: Path) -> AsyncIterator[RunningHub]:
    """A real hub on a real socket (port 0) over a real SQLite file, with two facilitator
    accounts (``LOGIN`` and ``CO_LOGIN``)."""
    store = accounts_store(db_path)
    # Every test client dials from 127.0.0.1: the per-address guess limit has its own test.
    config = HubConfig(db=db_path, join_attempts_per_minute=10_000, **QUICK_BATCHES)
    hub = Hub(store, config)
    async with hub.serve("127.0.0.1", 0) as server:
        port = server.sockets[0].getsockname()[1]
        yield RunningHub(hub=hub, store=store, uri=f"ws://127.0.0.1:{port}", db=db_path)
    await store.close()
