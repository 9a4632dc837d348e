"""``circle session``: facilitator actions from a script, without the console."""

from __future__ import annotations

import asyncio
import json
from typing import Annotated

from cyclopts import App, Parameter

from client import credentials
from client.cli.common import DEFAULT_HUB, CaFile, HubAddress, PasswordStdin, SignIn, tls_context
from client.cli.terminal import fail, login_for

app = App(name="session", help="Facilitator actions without the console.")


@app.command
def create(
    *,
    template: Annotated[str, Parameter(metavar="ID")],
    title: Annotated[str | None, Parameter(metavar="TITLE")] = None,
    record_shares: bool = False,
    group: Annotated[str | None, Parameter(metavar="GROUP")] = None,
    account: SignIn = None,
    password_stdin: PasswordStdin = False,
    hub: HubAddress = DEFAULT_HUB,
    cafile: CaFile = None,
) -> int:
    """Create a session and print its code and credential as JSON.

    The password comes from CIRCLE_PASSWORD or --password-stdin. The credential is also kept
    on this computer, so the console opens on the session with: circle facilitate --code CODE.

    Args:
        template: The agenda template's id (see 'circle content list').
        title: The session's title (default: the template's).
        record_shares: Keep share text in the session record after it ends.
        group: Make the session a meeting of this group (its name or id; see 'circle groups').
    """
    from client.connection import Refused, request
    from shared.commands import PROTOCOL_VERSION, CreateSession

    tls = tls_context(cafile)
    login = login_for(account, from_stdin=password_stdin)
    if login is None:
        return fail("please sign in: --as NAME (your facilitator account)")
    create = CreateSession(
        protocol=PROTOCOL_VERSION,
        login=login,
        template=template,
        title=title,
        record_shares=record_shares,
        group=group,
    )
    try:
        welcome = asyncio.run(request(hub, create, ssl=tls))
    except Refused as exc:
        return fail(exc.error.detail)
    except (OSError, TimeoutError) as exc:
        return fail(f"cannot reach the hub at {hub} ({exc}). Is 'circle hub' running?")
    created = {
        "session_id": welcome.session_id,
        "code": welcome.code,
        "token": welcome.token,
        "hub": hub,
    }
    credentials.save(welcome.code, welcome.token)
    print(json.dumps(created))
    return 0
