"""``circle web``: the participant terminal and the room board for browsers (textual-serve)."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Annotated

from cyclopts import Group, Parameter

from client.cli.common import DEFAULT_HUB, CaFile, HubAddress
from client.cli.join import ThemeChoice
from client.cli.terminal import fail

TLS = Group(
    "TLS",
    help="Give --certfile and --keyfile together to serve https:// (the same PEM "
    "files as the hub's --certfile and --keyfile will do).",
)
MISSING = (
    "circle web needs the optional web packages: pip install 'circlekeeper[web]' "
    "(in this install's environment)."
)


def web(
    *,
    hub: HubAddress = DEFAULT_HUB,
    host: Annotated[str, Parameter(metavar="HOST")] = "127.0.0.1",
    port: Annotated[int, Parameter(metavar="PORT")] = 8080,
    board: Annotated[str | None, Parameter(metavar="CODE")] = None,
    max_browsers: Annotated[int, Parameter(metavar="N")] = 20,
    kiosk: bool = False,
    cafile: CaFile = None,
    certfile: Annotated[Path | None, Parameter(group=TLS, metavar="PEM")] = None,
    keyfile: Annotated[Path | None, Parameter(group=TLS, metavar="PEM")] = None,
    origin: Annotated[list[str] | None, Parameter(group=TLS, metavar="URL")] = None,
    theme: ThemeChoice = None,
) -> int:
    """Serve the participant terminal (and the room board) to web browsers.

    Each browser tab runs its own participant app (about 60 MB each); past --max-browsers tabs
    at once, a page says that every place is in use and to try again. The join address is
    printed with a QR code to show the room.

    Args:
        host: Where to listen (0.0.0.0: the local network; default: this computer only).
        port: The port for browsers.
        board: Also serve the room board of this room code at /board.
        max_browsers: Browser tabs at once, over both pages.
        kiosk: Participant tabs clear themselves for the next person (shared tablets).
        certfile: PEM certificate chain, to serve https://.
        keyfile: PEM private key of that certificate.
        origin: Also allow pages from this origin to open the app (repeatable); this server's
            own address is always allowed.
    """
    if (certfile is None) != (keyfile is None):
        return fail("Give --certfile and --keyfile together.")
    if max_browsers < 1:
        return fail("--max-browsers must be at least 1.")
    try:
        import asyncio

        from client.web import WebConfig, WebGate, serve, server_tls
        from client.web_qr import qr_text
    except ImportError:
        return fail(MISSING)
    try:
        tls = server_tls(certfile, keyfile)
    except (OSError, ValueError) as exc:
        return fail(f"The certificate or key could not be used: {exc}")
    scheme = "https" if tls is not None else "http"
    shown_host = socket.gethostname() if host in ("0.0.0.0", "::") else host
    address = f"{scheme}://{shown_host}:{port}/join"
    config = WebConfig(
        hub=hub,
        max_browsers=max_browsers,
        board_code=board,
        origins=tuple(origin or ()),
        cafile=cafile,
        kiosk=kiosk,
        theme=theme,
        join_url=address,
    )
    gate = WebGate(config)

    async def run() -> None:
        runner = await serve(gate, host, port, tls)
        print(qr_text(address) or "")
        print(f"Open {address} in a browser to join (up to {max_browsers} at once).")
        if board:
            print(f"The room board: {scheme}://{shown_host}:{port}/board")
        if tls is None and host not in ("127.0.0.1", "localhost", "::1"):
            print(
                "Without --certfile and --keyfile, what people type crosses the network "
                "unencrypted."
            )
        print("Press Ctrl+C to stop.")
        try:
            await asyncio.Event().wait()
        finally:
            await runner.cleanup()

    try:
        asyncio.run(run())
    except KeyboardInterrupt:
        return 0
    except OSError as exc:
        return fail(f"Could not serve on {host}:{port}: {exc.strerror or exc}")
    return 0
