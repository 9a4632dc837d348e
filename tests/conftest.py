from __future__ import annotations

import functools
import os
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input, TextArea

from server.config import SCRYPT_N_VARIABLE, HubConfig
from server.hub import Hub
from tests.helpers import QUICK_BATCHES, RunningHub, accounts_store
from tests.pg import pg_url, postgres_server  # noqa: F401 (fixtures: a real PostgreSQL)

os.environ[SCRYPT_N_VARIABLE] = str(2**10)
"""Password hashes at the lowest cost, here and in every ``circle`` process a test starts: the
real cost (2**17, about half a second a hash) is a production setting, not something to test."""


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


def _still_cursor(init: Callable[..., None]) -> Callable[..., None]:
    @functools.wraps(init)
    def __init__(self: Input | TextArea, *args: Any, **kwargs: Any) -> None:
        init(self, *args, **kwargs)
        self.set_reactive(type(self).cursor_blink, False)

    return __init__


@pytest.fixture
def snap_compare(snap_compare: Callable[..., bool], monkeypatch: pytest.MonkeyPatch) -> Any:
    """pytest-textual-snapshot's ``snap_compare``, with every Input and TextArea made without a
    blinking cursor.

    A blinking cursor is drawn or not by the clock: a snapshot taken after a slow frame would
    catch it off. Turning blinking off in ``run_before`` is too late, since TextArea caches a
    line rendered while the cursor was off and draws it again once blinking stops.
    """
    for widget in (Input, TextArea):
        monkeypatch.setattr(widget, "__init__", _still_cursor(widget.__init__))
    return snap_compare


@pytest.fixture(autouse=True)
def own_state_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Credentials a test saves (and the CLI processes it starts) stay in the test's folder."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
