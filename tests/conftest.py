from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from server.config import HubConfig
from server.hub import Hub
from server.store.sqlite import SQLiteStore
from tests.helpers import RunningHub


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "hub.sqlite3"


@pytest.fixture
async def hub(db_path: Path) -> AsyncIterator[RunningHub]:
    """A real hub on a real socket (port 0) over a real SQLite file."""
    store = SQLiteStore(db_path)
    # Every test client dials from 127.0.0.1: the per-address guess limit has its own test.
    hub = Hub(store, HubConfig(db=db_path, join_attempts_per_minute=10_000))
    async with hub.serve("127.0.0.1", 0) as server:
        port = server.sockets[0].getsockname()[1]
        yield RunningHub(hub=hub, store=store, uri=f"ws://127.0.0.1:{port}", db=db_path)
    await store.close()
