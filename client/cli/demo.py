"""``circle demo``: try it alone, with a hub in this process and simulated participants."""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path
from typing import Annotated

from cyclopts import Parameter

from client.cli.common import (
    DbFile,
    HighContrast,
    LargeText,
    PasswordStdin,
    SignIn,
    hub_address,
)
from client.cli.terminal import NoPassword, fail, login_for
from shared.commands import Login

DEMO_BATCH_SECONDS = 3.0
"""The demo's own hub releases anonymous shares every 3 s (a real hub: every 15 s)."""
DEMO_SCRYPT_N = 2**14
"""The demo's facilitator lives in memory for minutes: a cheap hash starts the demo at once."""


def demo(
    *,
    headless: bool = False,
    hub: Annotated[str | None, Parameter(metavar="URL", validator=hub_address)] = None,
    account: SignIn = None,
    password_stdin: PasswordStdin = False,
    port: Annotated[int, Parameter(metavar="PORT", show_default=True)] = 8765,
    db: DbFile = None,
    seconds: Annotated[float | None, Parameter(metavar="N")] = None,
    high_contrast: HighContrast = False,
    large_text: LargeText = False,
) -> int:
    """Try it alone: a hub, the console and simulated people.

    Starts a hub in this process and the facilitator console, with three simulated participants
    who join and send shares. It prints a 'circle join' line to join yourself from a second
    terminal.

    Args:
        headless: No screen: run the scripted session and exit 0 when it is recorded (a smoke
            test).
        hub: Use a running hub instead of starting one (then sign in with --as).
        port: Port for the demo's own hub (a free one if it is taken).
        seconds: Pause between scripted steps (default 6, headless 0.2).
    """
    from client.connection import Refused
    from client.demo import DemoFailed
    from server.api import StoreError

    try:
        return asyncio.run(
            _demo(
                hub,
                account=account,
                password_stdin=password_stdin,
                port=port,
                db=db,
                headless=headless,
                seconds=seconds,
                high_contrast=high_contrast,
                large_text=large_text,
            )
        )
    except Refused as exc:
        return fail(f"the hub refused: {exc.error.detail}")
    except (StoreError, DemoFailed) as exc:
        return fail(str(exc))
    except (OSError, TimeoutError) as exc:
        return fail(f"cannot reach the hub ({exc}).")


async def _demo(
    uri: str | None,
    *,
    account: str | None,
    password_stdin: bool,
    port: int,
    db: Path | None,
    headless: bool,
    seconds: float | None,
    high_contrast: bool,
    large_text: bool,
) -> int:
    import secrets
    from contextlib import AsyncExitStack

    from server.api import Accounts, Hub, HubConfig, SQLiteStore, hash_password

    own_hub = uri is None
    async with AsyncExitStack() as stack:
        kept: Path | None = None
        if uri is None:
            # Made-up people never join the real records: a temporary file unless --db names one.
            kept = db
            path = db or Path(stack.enter_context(tempfile.TemporaryDirectory())) / "demo.sqlite3"
            store = SQLiteStore(path)
            stack.push_async_callback(store.close)
            # The demo's facilitator lives in this process only, never in the file.
            login = Login(account="demo", password=secrets.token_urlsafe(16))
            accounts = Accounts(store, {"demo": hash_password(login.password, cost=DEMO_SCRYPT_N)})
            config = HubConfig(db=path, share_batch_seconds=DEMO_BATCH_SECONDS)
            hub = Hub(store, config, accounts=accounts)
            try:
                server = await stack.enter_async_context(hub.serve("127.0.0.1", port))
            except OSError:
                server = await stack.enter_async_context(hub.serve("127.0.0.1", 0))
            uri = f"ws://127.0.0.1:{server.sockets[0].getsockname()[1]}"
            where = path if kept else "a temporary file (give --db FILE to keep it)"
            print(f"Demo hub on {uri}, recording to {where}")
        else:
            try:
                signed_in = login_for(account, from_stdin=password_stdin)
            except NoPassword as exc:
                return fail(str(exc))
            if signed_in is None:
                return fail("with --hub, sign in as a facilitator: --as NAME")
            login = signed_in
        if headless:
            from client.demo import run_headless

            session_id = await run_headless(uri, login, pace=0.2 if seconds is None else seconds)
            print(f"Recorded session {session_id}.{_see_it(kept, own_hub)}")
            return 0
        return await _demo_ui(
            uri, login, seconds, high_contrast, large_text, _see_it(kept, own_hub)
        )


def _see_it(kept: Path | None, own_hub: bool) -> str:
    """Where to look at the demo's record afterwards, if it was kept."""
    if kept is not None:
        return f" See it with: circle review --db {kept}"
    return " Its record was temporary." if own_hub else " It is in the hub's records."


async def _demo_ui(
    uri: str,
    login: Login,
    seconds: float | None,
    high_contrast: bool,
    large_text: bool,
    see_it: str,
) -> int:
    from client.apps.facilitator import FacilitatorApp
    from client.connection import request
    from client.demo import DEMO_TEMPLATE, DEMO_TITLE, run_bots
    from client.widgets import board_join
    from shared.commands import PROTOCOL_VERSION, CreateSession

    create = CreateSession(
        protocol=PROTOCOL_VERSION, login=login, template=DEMO_TEMPLATE, title=DEMO_TITLE
    )
    welcome = await request(uri, create)
    join_line = board_join.join_line(welcome.code, uri)
    print(f"To join as a participant, run this in a second terminal:\n\n    {join_line}\n")
    bots = asyncio.create_task(
        run_bots(uri, welcome.code, pace=6.0 if seconds is None else seconds)
    )
    app = FacilitatorApp(
        uri,
        resume=(welcome.code, welcome.token),
        high_contrast=high_contrast,
        large_text=large_text,
        join_hint=lambda code: f"Participants join with:  {board_join.join_line(code, uri)}",
    )
    try:
        await app.run_async()
    finally:
        bots.cancel()
        await asyncio.gather(bots, return_exceptions=True)
    print(f"The demo session has ended.{see_it}")
    return 0
