"""Browser origins: a page on another site cannot open a socket to the hub.

A browser always sends ``Origin``; a terminal client sends none. With ``origins`` set, the hub
accepts the listed origins and no origin at all, and answers any other with HTTP 403 before a
websocket exists (so ``InvalidStatus``, which a reconnecting client treats as final).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import msgspec
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus
from websockets.typing import Origin

from server.config import ConfigError, build_config, load_config
from shared.codec import decode_server, encode
from shared.commands import PROTOCOL_VERSION, Hello
from shared.events import Error
from tests.helpers import RunningHub

ALLOWED = "https://circle.example"


@pytest.fixture
async def guarded(hub: RunningHub) -> AsyncIterator[RunningHub]:
    """The conftest ``hub``, listening once more with only ``ALLOWED`` as a browser origin."""
    hub.hub.config = msgspec.structs.replace(hub.hub.config, origins=(ALLOWED,))
    async with hub.hub.serve("127.0.0.1", 0) as server:
        port = server.sockets[0].getsockname()[1]
        yield RunningHub(hub=hub.hub, store=hub.store, uri=f"ws://127.0.0.1:{port}", db=hub.db)


async def first_reply(uri: str, origin: str | None) -> Error:
    """Open a socket (as a browser on ``origin`` would), say hello, return the hub's answer."""
    async with connect(
        uri, origin=None if origin is None else Origin(origin), proxy=None, open_timeout=5
    ) as ws:
        hello = Hello(protocol=PROTOCOL_VERSION, role="board", code="ZZZZZZ")
        await ws.send(encode(hello), text=True)
        reply = decode_server(await ws.recv(decode=False))
    assert isinstance(reply, Error)
    return reply


async def test_a_page_from_another_origin_is_refused_with_403(guarded: RunningHub) -> None:
    with pytest.raises(InvalidStatus) as refused:
        await first_reply(guarded.uri, "https://evil.example")
    assert refused.value.response.status_code == 403


@pytest.mark.parametrize("origin", [ALLOWED, None], ids=["allowed-origin", "no-origin"])
async def test_the_allowed_origin_and_terminals_get_in(
    guarded: RunningHub, origin: str | None
) -> None:
    # Past the HTTP handshake, the hub reads the hello and answers it: the socket is open.
    assert (await first_reply(guarded.uri, origin)).code == "no_such_room"


async def test_without_origins_any_page_gets_in(hub: RunningHub) -> None:
    assert hub.hub.config.origins is None
    assert (await first_reply(hub.uri, "https://anywhere.example")).code == "no_such_room"


# -- configuring them ------------------------------------------------------------------------


def test_origin_flags_add_to_the_config_file(tmp_path: Path) -> None:
    toml = tmp_path / "hub.toml"
    toml.write_text('origins = ["https://board.example"]\n', encoding="utf-8")
    # circle hub --config hub.toml --origin https://circle.example --origin http://localhost:8000
    config = load_config(toml, origins=[ALLOWED, "http://localhost:8000"])
    assert config.origins == (
        "https://board.example",
        ALLOWED,
        "http://localhost:8000",
    )


def test_no_origin_flags_keep_any_origin() -> None:
    assert load_config(None).origins is None


@pytest.mark.parametrize(
    "origin",
    [
        "https://circle.example/",
        "circle.example",
        "https://circle.example/board",
        "https://Circle.example",
    ],
)
def test_an_origin_a_browser_would_never_send_is_an_error(origin: str) -> None:
    # websockets compares the header exactly: such an entry would silently refuse everyone.
    with pytest.raises(ConfigError, match="is not an origin"):
        build_config({"origins": [origin]})
