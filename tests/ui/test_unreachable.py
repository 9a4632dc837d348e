"""A hub that cannot be reached: every app says so, with the address, what to check and a
countdown to the next try, and the words go away by themselves once the hub answers.

Each app meets a closed port (then a real hub starts on it), a silent address (a server that
accepts and never answers, so the opening handshake times out), a web server that is not a hub
and a hub that goes away during the session; a certificate that does not verify is said once,
not retried. Real sockets throughout; waiting is on what the screen shows, never on sleeps.
"""

from __future__ import annotations

import asyncio
import re
import socket
from collections.abc import AsyncIterator, Awaitable, Callable, Generator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path
from typing import Any

import msgspec
import pytest
import trustme
from textual.app import App
from textual.pilot import Pilot
from websockets.asyncio.server import ServerConnection, serve
from websockets.http11 import Request, Response

from client.apps.board import BoardApp
from client.apps.facilitator import FacilitatorApp
from client.apps.participant import ParticipantApp
from client.connection import Delays
from client.widgets.status import CHECKS
from tests.helpers import LOGIN, Client, RunningHub, facilitator
from tests.ui.screen import seen, until, until_gone, until_seen
from tests.ui.test_facilitator import DBT

SIZE = (120, 40)
COUNTDOWN = re.compile(r"Trying again (in \d+ s|now)…")
BOTH_WAYS = 10.0
"""Seconds a wait on the screen may take: a retry, the next try after the hub starts, a frame."""


def every(seconds: float) -> Delays:
    """Tries ``seconds`` apart, so the countdown on screen is known."""

    def delays() -> Generator[float]:
        while True:
            yield seconds

    return delays


# -- addresses with no hub ---------------------------------------------------------------------


def closed_port() -> int:
    """A port nothing listens on (bound to find a free one, then let go)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@asynccontextmanager
async def silent_address() -> AsyncIterator[str]:
    """A server that takes the connection and never says a word, like an address where the
    packets vanish (but quicker to give up on)."""
    held: set[asyncio.Task[Any]] = set()
    writers: list[asyncio.StreamWriter] = []

    async def hold(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        held.add(task)
        writers.append(writer)
        try:
            await reader.read()  # until the client gives up and hangs up
        except ConnectionError:
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(hold, "127.0.0.1", 0)
    try:
        yield f"ws://127.0.0.1:{server.sockets[0].getsockname()[1]}"
    finally:
        server.close()
        for writer in writers:
            writer.close()
        if held:
            await asyncio.wait(held, timeout=BOTH_WAYS)
        await server.wait_closed()


@asynccontextmanager
async def hub_on(hub: RunningHub, port: int) -> AsyncIterator[None]:
    """The test's hub, listening on ``port`` as well (same sessions, same store)."""
    async with hub.hub.serve("127.0.0.1", port):
        yield


# -- the three apps ----------------------------------------------------------------------------


@dataclass
class Opening:
    """One app pointed at ``uri``: how to set it going, and how it looks once in the session."""

    app: App[Any]
    start: Callable[[Pilot[Any]], Awaitable[None]]
    inside: Callable[[], bool]


async def nothing(pilot: Pilot[Any]) -> None:
    """The participant (code and name given) and the board connect by themselves."""


async def create(pilot: Pilot[Any]) -> None:
    await pilot.press("enter")  # the picker's Enter creates the session and opens the console


async def open_app(
    which: str, uri: str, fac: Client | None, delays: Delays, open_timeout: float = 5.0
) -> Opening:
    code = "ABCDEF" if fac is None or fac.link.welcome is None else fac.link.welcome.code
    links: dict[str, Any] = {"reconnect_delays": delays, "open_timeout": open_timeout}
    if which == "console":
        console = FacilitatorApp(uri, templates=DBT, login=LOGIN, **links)
        return Opening(console, create, lambda: "Waiting to start" in seen(console))
    if which == "participant":
        person = ParticipantApp(uri, code=code, name="Sam", **links)
        return Opening(person, nothing, lambda: person.view == "session")
    board = BoardApp(uri, code, **links)
    return Opening(board, nothing, lambda: board.view == "session")


APPS = pytest.mark.parametrize("which", ["console", "participant", "board"])


@asynccontextmanager
async def session_on(hub: RunningHub) -> AsyncIterator[Client]:
    """A session for the participant and the board to find (the console opens its own)."""
    fac = await facilitator(hub.uri)
    try:
        yield fac
    finally:
        await fac.stop()


async def named_and_counted_down(
    which: str, uri: str, reason: str, open_timeout: float = 5.0
) -> None:
    """``which`` app, with no session to find at ``uri``, says why it cannot reach the hub and
    what to check, and counts down to its next try."""
    opening = await open_app(which, uri, None, every(30.0), open_timeout)
    async with opening.app.run_test(size=SIZE) as pilot:
        await opening.start(pilot)
        words = await until_seen(
            pilot, f"Can't reach the hub at {uri}: {reason}", CHECKS, timeout=BOTH_WAYS
        )
        assert COUNTDOWN.search(words), words


# -- a closed port, then the hub starts there --------------------------------------------------


@APPS
async def test_a_closed_port_is_named_and_counted_down_until_the_hub_starts_there(
    hub: RunningHub, which: str
) -> None:
    port = closed_port()
    uri = f"ws://127.0.0.1:{port}"
    async with session_on(hub) as fac:
        opening = await open_app(which, uri, fac, every(2.0))
        async with opening.app.run_test(size=SIZE) as pilot:
            await opening.start(pilot)
            words = await until_seen(
                pilot,
                f"Can't reach the hub at {uri}: nothing answered at that address.",
                CHECKS,
                "Trying again in 2 s…",
                timeout=BOTH_WAYS,
            )
            assert "Joining…" not in words and "Connecting to the session…" not in words
            await until_seen(pilot, "Trying again in 1 s…", timeout=BOTH_WAYS)  # it counts down

            async with hub_on(hub, port):
                await until(pilot, opening.inside, BOTH_WAYS)
                words = await until_gone(
                    pilot, "Can't reach the hub", "Trying again", timeout=BOTH_WAYS
                )
                assert "Connecting" not in words and "Reconnecting" not in words


# -- an address that never answers --------------------------------------------------------------


@APPS
async def test_a_silent_address_is_named_once_the_opening_handshake_times_out(
    which: str,
) -> None:
    async with silent_address() as uri:
        await named_and_counted_down(
            which, uri, "no answer came within 0.5 seconds.", open_timeout=0.5
        )


# -- the hub goes away during the session -------------------------------------------------------


@APPS
async def test_a_hub_gone_mid_session_shows_the_countdown_on_the_reconnecting_line(
    hub: RunningHub, which: str
) -> None:
    port = closed_port()
    uri = f"ws://127.0.0.1:{port}"
    async with session_on(hub) as fac:
        opening = await open_app(which, uri, fac, every(2.0))
        server = await hub.hub.serve("127.0.0.1", port).__aenter__()
        try:
            async with opening.app.run_test(size=SIZE) as pilot:
                await opening.start(pilot)
                await until(pilot, opening.inside, BOTH_WAYS)

                server.close()  # the hub goes away under the session
                await server.wait_closed()
                await until_seen(
                    pilot,
                    "Reconnecting",
                    f"Can't reach the hub at {uri}: nothing answered at that address.",
                    CHECKS,
                    "Trying again in",
                    timeout=BOTH_WAYS,
                )

                async with hub_on(hub, port):
                    words = await until_gone(
                        pilot, "Reconnecting", "Can't reach the hub", timeout=BOTH_WAYS
                    )
                    assert opening.inside(), words
        finally:
            server.close()
            await server.wait_closed()


# -- something answers, but not a hub; a hub whose certificate does not verify ----------------


@asynccontextmanager
async def not_a_hub() -> AsyncIterator[str]:
    """A web server that answers every request with 404, like a wrong port on a busy machine."""

    def no_such_page(connection: ServerConnection, request: Request) -> Response:
        return connection.respond(HTTPStatus.NOT_FOUND, "Not found\n")

    async def never(ws: ServerConnection) -> None:
        raise AssertionError("no WebSocket is ever opened here")

    async with serve(never, "127.0.0.1", 0, process_request=no_such_page) as server:
        yield f"ws://127.0.0.1:{server.sockets[0].getsockname()[1]}"


@APPS
async def test_an_answer_that_is_not_a_hubs_is_named_and_tried_again(which: str) -> None:
    async with not_a_hub() as uri:
        await named_and_counted_down(
            which,
            uri,
            "something answered there, but not as a circlekeeper hub does (HTTP 404).",
        )


async def test_a_certificate_that_does_not_verify_is_said_once_not_retried(
    hub: RunningHub, tmp_path: Path
) -> None:
    """The existing final path: the hub's words for the certificate, and no countdown."""
    authority = trustme.CA()  # trusted by nobody on this computer
    issued = authority.issue_cert("127.0.0.1")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    issued.cert_chain_pems[0].write_to_path(str(cert))
    issued.private_key_pem.write_to_path(str(key))
    hub.hub.config = msgspec.structs.replace(hub.hub.config, certfile=cert, keyfile=key)
    async with session_on(hub) as fac, hub.hub.serve("127.0.0.1", 0) as server:
        uri = f"wss://127.0.0.1:{server.sockets[0].getsockname()[1]}"
        opening = await open_app("participant", uri, fac, every(2.0))
        async with opening.app.run_test(size=SIZE) as pilot:
            words = await until_seen(
                pilot, "The hub's certificate could not be verified", timeout=BOTH_WAYS
            )
            assert "Trying again" not in words and "Joining…" not in words
