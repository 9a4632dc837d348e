"""``circle facilitate``: the facilitator console."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated

from cyclopts import Parameter

from client import credentials
from client.cli.common import (
    DEFAULT_HUB,
    CaFile,
    ContentDirs,
    HighContrast,
    HubAddress,
    LargeText,
    SignIn,
    content_dirs,
    shown_hub,
    tls_context,
)
from client.cli.join import ThemeChoice, use_theme
from client.cli.terminal import NoPassword, fail, read_password

if TYPE_CHECKING:
    from client.apps.facilitator import FacilitatorApp


def facilitate(
    *,
    hub: HubAddress = DEFAULT_HUB,
    cafile: CaFile = None,
    account: SignIn = None,
    code: Annotated[str | None, Parameter(metavar="CODE")] = None,
    token_stdin: bool = False,
    content: ContentDirs = None,
    high_contrast: HighContrast = False,
    large_text: LargeText = False,
    theme: ThemeChoice = None,
    group: Annotated[str | None, Parameter(metavar="GROUP")] = None,
    join_url: Annotated[str | None, Parameter(metavar="URL")] = None,
) -> int:
    """Open the facilitator console.

    Sign in, pick an agenda and run the session. To come back to a running session you started
    on this computer, give its --code: the credential kept here when the console closed (or
    from 'circle session create') is used. Elsewhere, pass the credential in CIRCLE_TOKEN or
    with --token-stdin, or sign in with --as NAME (also to join one you co-facilitate).

    Args:
        code: A running session: yours, or one you co-facilitate (with --as).
        token_stdin: Read the session's facilitator credential from standard input.
        group: Start the new session as a meeting of this group (its name or id; see
            'circle groups'): its roster is matched to the people who join.
        join_url: The address 'circle web' serves the participant page at: q shows it as a
            QR code for people to open on a tablet without typing.
    """
    if code is None and token_stdin:
        return fail("--token-stdin needs the session's --code.")
    token = None
    if code is not None and account is None:
        token = _credential(code, token_stdin)
        if token is None:
            return fail(
                f"no credential for session {code} on this computer: sign in with --as NAME, "
                f"or pass it in {credentials.ENVIRONMENT} or with --token-stdin."
            )
    tls = tls_context(cafile)
    from client.apps.facilitator import FacilitatorApp
    from shared.commands import Login
    from shared.content_check import load_catalogue

    login = None
    if code is not None and token is None and account is not None:
        try:  # a co-facilitator signs in to the session here, before the console opens
            login = Login(account=account, password=read_password(from_stdin=False))
        except NoPassword as exc:
            return fail(str(exc))
    catalogue = load_catalogue(content_dirs(content))
    app = FacilitatorApp(
        hub,
        templates=catalogue.templates,
        exercises=catalogue.exercises,
        resume=(code, token or "") if code else None,
        high_contrast=high_contrast,
        large_text=large_text,
        join_hint=join_hint(hub),
        account=account,
        login=login,
        tls=tls,
        group=group,
        join_url=join_url,
    )
    use_theme(app, theme, high_contrast)
    app.run()
    _print_resume(app, hub)
    return 0


def _credential(code: str, from_stdin: bool) -> str | None:
    if from_stdin:
        return sys.stdin.readline().strip() or None
    return os.environ.get(credentials.ENVIRONMENT, "").strip() or credentials.saved(code)


def _print_resume(app: FacilitatorApp, hub: str) -> None:
    """After the console closes, keep (or, once it ended, drop) the way back to the session."""
    if app.resume_info is None:
        return
    code, token = app.resume_info
    if app.state.status not in ("lobby", "running"):
        credentials.forget(code)
        return
    credentials.save(code, token)
    print(
        f"The session is still running. To come back to it from this computer:\n\n"
        f"    circle facilitate --hub {hub} --code {code}\n"
    )


def join_hint(uri: str) -> Callable[[str], str]:
    from client.widgets.board_join import join_line

    return lambda code: f"Participants join with:  {join_line(code, shown_hub(uri))}"
