"""``circle web``: the participant terminal and the room board in a browser (textual-serve).

Each browser tab gets its own app process (textual-serve's ``AppService`` runs it with Textual's
web driver and relays its screen over a websocket), so a tablet with only a browser joins with
the room code, with the same app and the same keys as an in-room terminal. This module adds what
a clinic needs around it:

- a cap on tabs at once (``max_browsers``): past it, a calm "full" page says what to do;
- origin checks on the websocket, so no other site's page can drive a terminal;
- TLS with the same certificate and key options as the hub;
- the join address as a QR code (``qr_text``), for the console and the board.

Optional: ``pip install 'circlekeeper[web]'`` brings textual-serve (and aiohttp).
"""

from __future__ import annotations

import asyncio
import html
import logging
import shlex
import ssl
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import textual_serve
from aiohttp import WSMsgType, web
from textual_serve.app_service import AppService
from textual_serve.download_manager import DownloadManager

__all__ = [
    "FULL_WORDS",
    "STATIC",
    "WebConfig",
    "WebGate",
    "app_command",
    "server_tls",
]

log = logging.getLogger("circlekeeper.web")

Page = Literal["join", "board"]
STATIC = Path(textual_serve.__file__).parent / "static"
"""textual-serve's own scripts and styles (xterm.js and its glue), served as they are."""

FULL_WORDS = (
    "Every browser place for this room is in use right now.",
    "Please wait a minute and press Try again, or ask your facilitator for a terminal.",
)
QUIT_SECONDS = 5.0
"""How long a tab's app has to quit once its browser tab closed, before it is killed."""
CLOSED_WORDS = "This page has closed. Press Start again to come back."


@dataclass(frozen=True)
class WebConfig:
    hub: str
    """The hub the apps connect to (``ws://`` or ``wss://``), as ``circle join --hub``."""
    max_browsers: int = 20
    """Tabs at once, over both pages; each is an app process (about 60 MB)."""
    board_code: str | None = None
    """The room code the board page shows; without it the board page is not offered."""
    origins: tuple[str, ...] = ()
    """Other page origins allowed to open the websocket, besides this server's own address."""
    cafile: Path | None = None
    """Whom the apps trust for a ``wss://`` hub (``--cafile``)."""
    kiosk: bool = False
    """Start every participant tab as a kiosk: it clears itself for the next person."""
    theme: str | None = None
    join_url: str | None = None
    """The address people open (shown on the board as a QR code)."""
    python: str = field(default=sys.executable)


def app_command(config: WebConfig, page: Page) -> str:
    """The shell command textual-serve runs for one tab (it takes a string: every part quoted)."""
    parts = [config.python, "-m", "client"]
    if page == "join":
        parts += ["join", "--hub", config.hub]
        if config.kiosk:
            parts.append("--kiosk")
    else:
        assert config.board_code is not None
        parts += ["board", config.board_code, "--hub", config.hub]
        if config.join_url:
            parts += ["--join-url", config.join_url]
    if config.cafile is not None:
        parts += ["--cafile", str(config.cafile)]
    if config.theme:
        parts += ["--theme", config.theme]
    return shlex.join(parts)


def server_tls(certfile: Path | None, keyfile: Path | None) -> ssl.SSLContext | None:
    """The web server's TLS context from the hub's kind of options (PEM files); None: plain."""
    if certfile is None:
        return None
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(certfile, keyfile)
    return context


def _page(title: str, body: str, *, refresh: bool = False) -> str:
    """A small page of our own: calm words, readable large, no script."""
    again = '<p><a class="button" href="">Try again</a></p>' if refresh else ""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<style>
body {{ background: #12232d; color: #f2f2f2; font: 1.4rem/1.6 system-ui, sans-serif;
  margin: 0; display: flex; min-height: 100vh; align-items: center; justify-content: center; }}
main {{ max-width: 38rem; padding: 2rem; }}
a {{ color: #ffd479; }}
a.button {{ display: inline-block; padding: .6rem 1.4rem; background: #2b5d7a; color: #fff;
  text-decoration: none; border-radius: .4rem; margin: .3rem 0; }}
</style></head>
<body><main><h1>{html.escape(title)}</h1>{body}{again}</main></body></html>
"""


def _terminal_page(title: str, socket: str, font_size: int) -> str:
    """The page that shows one app: textual-serve's terminal, with our words around it."""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<link rel="stylesheet" href="/static/css/xterm.css">
<script src="/static/js/textual.js"></script>
<style>
body {{ background: #12232d; color: #f2f2f2; margin: 0;
  font: 1.3rem/1.5 system-ui, sans-serif; }}
.textual-terminal {{ width: 100vw; height: 100vh; opacity: 0; }}
body.-first-byte .textual-terminal {{ opacity: 1; }}
.note {{ position: absolute; inset: 0; display: flex; align-items: center;
  justify-content: center; text-align: center; padding: 2rem; }}
body.-first-byte .starting {{ display: none; }}
.closed {{ display: none; }}
body.-closed .closed {{ display: flex; background: #12232d; z-index: 10; }}
.closed a {{ color: #fff; background: #2b5d7a; padding: .6rem 1.4rem; border-radius: .4rem;
  text-decoration: none; margin-left: .6rem; }}
</style></head>
<body>
<div class="note starting">Opening {html.escape(title)}…</div>
<div class="note closed"><p>{html.escape(CLOSED_WORDS)}
<a href="">Start again</a></p></div>
<div id="terminal" class="textual-terminal" data-session-websocket-url="{html.escape(socket)}"
 data-font-size="{font_size}"></div>
</body></html>
"""


class WebGate:
    """The web server: pages, the app websockets (capped and origin-checked), the statics."""

    def __init__(self, config: WebConfig) -> None:
        self.config = config
        self.tabs: set[AppService] = set()
        """The app processes running now, one per open tab."""
        self._downloads = DownloadManager()
        self._reserved = 0
        self._tabs_changed = asyncio.Event()

    def _poke(self) -> None:
        changed, self._tabs_changed = self._tabs_changed, asyncio.Event()
        changed.set()

    async def until_tabs(self, count: int) -> None:
        """Wait until exactly ``count`` tabs run (for tests and measurements)."""
        while len(self.tabs) != count:
            await self._tabs_changed.wait()

    @property
    def full(self) -> bool:
        return len(self.tabs) + self._reserved >= self.config.max_browsers

    def make_app(self) -> web.Application:
        app = web.Application()
        app.add_routes(
            [
                web.get("/", self.index),
                web.get("/join", self.join_page),
                web.get("/board", self.board_page),
                web.get("/ws/{page}", self.websocket),
                web.get("/healthz", self.healthz),
                web.static("/static", STATIC),
            ]
        )
        app.on_shutdown.append(self._close_tabs)
        return app

    async def index(self, request: web.Request) -> web.Response:
        links = '<p><a class="button" href="/join">Join the session</a></p>'
        if self.config.board_code:
            links += '<p><a href="/board">Show the room board</a> (for a projector or TV)</p>'
        words = "<p>Have the room code from your facilitator ready.</p>" + links
        return web.Response(text=_page("circlekeeper", words), content_type="text/html")

    async def healthz(self, request: web.Request) -> web.Response:
        return web.Response(text=f"OK {len(self.tabs)}/{self.config.max_browsers}\n")

    def _full_page(self) -> web.Response:
        body = "".join(f"<p>{html.escape(line)}</p>" for line in FULL_WORDS)
        return web.Response(
            status=503,
            text=_page("All places are in use", body, refresh=True),
            content_type="text/html",
            headers={"Retry-After": "60"},
        )

    async def join_page(self, request: web.Request) -> web.Response:
        return self._terminal(request, "join", "Join the session")

    async def board_page(self, request: web.Request) -> web.Response:
        if not self.config.board_code:
            body = "<p>This server shows no room board. <a href='/join'>Join the session</a>.</p>"
            return web.Response(
                status=404, text=_page("No room board here", body), content_type="text/html"
            )
        return self._terminal(request, "board", "Room board")

    def _terminal(self, request: web.Request, page: Page, title: str) -> web.Response:
        if self.full:
            return self._full_page()
        scheme = "wss" if request.secure else "ws"
        socket = f"{scheme}://{request.host}/ws/{page}"
        try:
            size = max(10, min(int(request.query.get("fontsize", "18")), 40))
        except ValueError:
            size = 18
        return web.Response(text=_terminal_page(title, socket, size), content_type="text/html")

    def origin_allowed(self, request: web.Request) -> bool:
        """A browser sends its page's origin: ours, or one given with ``--origin``."""
        origin = request.headers.get("Origin")
        if origin is None:
            return False
        own = f"{'https' if request.secure else 'http'}://{request.host}"
        return origin == own or origin in self.config.origins

    async def websocket(self, request: web.Request) -> web.StreamResponse:
        page = request.match_info["page"]
        if page not in ("join", "board") or (page == "board" and not self.config.board_code):
            raise web.HTTPNotFound()
        if not self.origin_allowed(request):
            log.info("web: refused a websocket from another origin")
            raise web.HTTPForbidden(text="This page may only be opened from this server.\n")
        if self.full:
            raise web.HTTPServiceUnavailable(text=" ".join(FULL_WORDS) + "\n")
        self._reserved += 1
        socket = web.WebSocketResponse(heartbeat=15)
        service: AppService | None = None
        try:
            await socket.prepare(request)

            async def close() -> None:
                await socket.close()

            width = _int(request.query.get("width"), 80)
            height = _int(request.query.get("height"), 24)
            service = AppService(
                app_command(self.config, "join" if page == "join" else "board"),
                write_bytes=socket.send_bytes,
                write_str=socket.send_str,
                close=close,
                download_manager=self._downloads,
            )
            self._reserved -= 1
            self.tabs.add(service)
            self._poke()
            await service.start(width, height)
            await self._relay(socket, service)
        except (asyncio.CancelledError, ConnectionError):
            pass
        finally:
            if service is None:
                self._reserved -= 1
            else:
                self.tabs.discard(service)
                await _end(service)
                self._poke()
            if not socket.closed:
                await socket.close()
        return socket

    async def _relay(self, socket: web.WebSocketResponse, service: AppService) -> None:
        """The browser's keys and size to the app (textual-serve's own protocol)."""
        async for message in socket:
            if message.type != WSMsgType.TEXT:
                continue
            try:
                kind, data = message.json()
            except (ValueError, TypeError):
                continue
            if kind == "stdin" and isinstance(data, str):
                await service.send_bytes(data.encode("utf-8"))
            elif kind == "resize" and isinstance(data, dict):
                width, height = _int(data.get("width"), 80), _int(data.get("height"), 24)
                await service.set_terminal_size(width, height)
            elif kind == "ping":
                await socket.send_json(["pong", data])
            elif kind == "blur":
                await service.blur()
            elif kind == "focus":
                await service.focus()

    async def _close_tabs(self, app: web.Application) -> None:
        for service in list(self.tabs):
            await _end(service)

    def pids(self) -> list[int]:
        """The app processes' ids (for measuring memory per tab)."""
        return [p.pid for s in self.tabs if (p := s._process) is not None and p.returncode is None]


async def _end(service: AppService) -> None:
    """Ask the tab's app to quit, and make sure its process is gone (killed if it hangs)."""
    await service.stop()
    process = service._process
    if process is None:
        return
    try:
        await asyncio.wait_for(process.wait(), QUIT_SECONDS)
    except TimeoutError:
        process.kill()
        await process.wait()


def _int(value: object, default: int) -> int:
    try:
        return max(1, min(int(str(value)), 1000))
    except ValueError:
        return default


async def serve(gate: WebGate, host: str, port: int, tls: ssl.SSLContext | None) -> web.AppRunner:
    """Start serving; the caller keeps the runner and calls ``cleanup`` to stop."""
    runner = web.AppRunner(gate.make_app(), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, port, ssl_context=tls)
    await site.start()
    return runner


def bound_port(runner: web.AppRunner) -> int:
    """The port the server listens on (for ``port=0``)."""
    for site in runner.sites:
        server = site._server
        sockets: Sequence[object] = getattr(server, "sockets", ()) or ()
        for sock in sockets:
            return int(sock.getsockname()[1])  # type: ignore[attr-defined]
    raise RuntimeError("not serving")
