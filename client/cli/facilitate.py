"""``circle facilitate``: the facilitator console."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated

from cyclopts import Parameter

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
from client.cli.terminal import NoPassword, fail, read_password

if TYPE_CHECKING:
    from client.apps.facilitator import FacilitatorApp


def facilitate(
    *,
    hub: HubAddress = DEFAULT_HUB,
    cafile: CaFile = None,
    account: SignIn = None,
    code: Annotated[str | None, Parameter(metavar="CODE")] = None,
    token: Annotated[str | None, Parameter(metavar="TOKEN")] = None,
    content: ContentDirs = None,
    high_contrast: HighContrast = False,
    large_text: LargeText = False,
) -> int:
    """Open the facilitator console.

    Sign in, pick an agenda and run the session. To come back to a running session, give its
    --code with the --token that 'circle session create' printed (or that the console showed
    when it closed), or --code with --as NAME to join one you co-facilitate.

    Args:
        code: A running session: yours (with --token), or one you co-facilitate (with --as).
        token: The facilitator credential from 'circle session create'.
    """
    if token is not None and code is None:
        return fail("--token needs the session's --code (both come from 'circle session create').")
    if code is not None and token is None and account is None:
        return fail("to join a running session, add --token, or --as NAME to sign in.")
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
    )
    app.run()
    _print_resume(app, hub)
    return 0


def _print_resume(app: FacilitatorApp, hub: str) -> None:
    """After the console closes on a live session, say how to come back to it."""
    if app.resume_info is not None and app.state.status in ("lobby", "running"):
        code, token = app.resume_info
        print(
            f"The session is still running. To come back to it:\n\n"
            f"    circle facilitate --hub {hub} --code {code} --token {token}\n"
        )


def join_hint(uri: str) -> Callable[[str], str]:
    from client.widgets.board_join import join_line

    return lambda code: f"Participants join with:  {join_line(code, shown_hub(uri))}"
