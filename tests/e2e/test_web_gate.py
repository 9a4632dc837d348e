"""``circle web`` without a browser: its pages, the cap on tabs, the origin check, and one app
process per tab (each a real participant app talking to a real hub)."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest

from client.web import FULL_WORDS, WebConfig, app_command
from client.web_qr import qr_text
from tests.e2e.web import RunningWeb, web_server
from tests.helpers import RunningHub


async def first_bytes(socket: aiohttp.ClientWebSocketResponse) -> None:
    """Wait for the app's first drawing (its process started and drew the join screen)."""
    async with asyncio.timeout(30):
        async for message in socket:
            if message.type in (aiohttp.WSMsgType.BINARY, aiohttp.WSMsgType.TEXT):
                return


async def open_tab(
    session: aiohttp.ClientSession, web: RunningWeb
) -> aiohttp.ClientWebSocketResponse:
    socket = await session.ws_connect(
        f"{web.url.replace('http', 'ws')}/ws/join?width=80&height=24", origin=web.url
    )
    await socket.send_json(["resize", {"width": 80, "height": 24}])
    await first_bytes(socket)
    return socket


async def test_pages_say_what_to_do(hub: RunningHub) -> None:
    async with web_server(WebConfig(hub=hub.uri)) as web, aiohttp.ClientSession() as session:
        async with session.get(web.url + "/") as answer:
            assert answer.status == 200
            assert "Join the session" in await answer.text()
        async with session.get(web.url + "/join") as answer:
            page = await answer.text()
            assert answer.status == 200
            assert f'data-session-websocket-url="{web.url.replace("http", "ws")}/ws/join"' in page
        async with session.get(web.url + "/board") as answer:  # no --board given
            assert answer.status == 404
            assert "Join the session" in await answer.text()


async def test_another_sites_page_cannot_open_a_terminal(hub: RunningHub) -> None:
    async with web_server(WebConfig(hub=hub.uri)) as web, aiohttp.ClientSession() as session:
        for origin in ("https://elsewhere.example", None):
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await session.ws_connect(web.url.replace("http", "ws") + "/ws/join", origin=origin)
            assert refused.value.status == 403
        assert not web.gate.tabs


async def test_past_the_cap_a_calm_full_page_and_a_place_frees_when_a_tab_closes(
    hub: RunningHub,
) -> None:
    async with (
        web_server(WebConfig(hub=hub.uri, max_browsers=1)) as web,
        aiohttp.ClientSession() as session,
    ):
        socket = await open_tab(session, web)
        assert len(web.gate.tabs) == 1 and len(web.gate.pids()) == 1
        async with session.get(web.url + "/join") as answer:
            assert answer.status == 503
            page = await answer.text()
            for line in FULL_WORDS:
                assert line in page
            assert "Try again" in page and "Traceback" not in page
        await socket.close()
        await asyncio.wait_for(web.gate.until_tabs(0), 10)
        async with session.get(web.url + "/join") as answer:
            assert answer.status == 200


def test_each_tab_runs_the_participant_app_with_the_hubs_settings() -> None:
    config = WebConfig(hub="wss://hub.example:8765", kiosk=True, board_code="ABC 123")
    join = app_command(config, "join")
    assert "-m client join --hub wss://hub.example:8765 --kiosk" in join
    board = app_command(config, "board")
    assert "board 'ABC 123' --hub" in board  # quoted for the shell


def test_the_join_address_as_a_qr_code() -> None:
    code = qr_text("https://10.0.0.5:8080/join")
    assert code is not None
    lines = code.splitlines()
    assert len(lines) >= 12 and len({len(line) for line in lines}) == 1
    assert set(code) <= {"█", "▀", "▄", " ", "\xa0", "\n"}
