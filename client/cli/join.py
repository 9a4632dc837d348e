"""``circle join`` and ``circle board``: the terminals in the room, a person's and the wall's."""

from __future__ import annotations

from typing import Annotated

from cyclopts import Parameter

from client.cli.common import (
    DEFAULT_HUB,
    CaFile,
    HighContrast,
    HubAddress,
    LargeText,
    shown_hub,
    tls_context,
)
from client.cli.terminal import fail


def join(
    code: str | None = None,
    /,
    *,
    hub: HubAddress = DEFAULT_HUB,
    cafile: CaFile = None,
    name: Annotated[str | None, Parameter(metavar="NAME")] = None,
    high_contrast: HighContrast = False,
    large_text: LargeText = False,
) -> int:
    """Join a session as a participant.

    Args:
        code: The room code the facilitator reads out (asked for if not given).
        name: The name to show in the room; any name is fine.
    """
    tls = tls_context(cafile)  # a certificate that cannot be used stops here, before any screen
    from client.apps.participant import ParticipantApp

    ParticipantApp(
        hub, code=code, name=name, high_contrast=high_contrast, large_text=large_text, tls=tls
    ).run()
    return 0


def board(
    code: str,
    /,
    *,
    hub: HubAddress = DEFAULT_HUB,
    cafile: CaFile = None,
    high_contrast: HighContrast = False,
    large_text: LargeText = False,
) -> int:
    """Show a session read-only on a projector or wall screen.

    The room board: how to join, the agenda and its timer, how many are here (never names),
    shares shown to the room and the room's exercise. Ctrl+Q quits.

    Args:
        code: The room code of the session to show.
    """
    tls = tls_context(cafile)
    from client.apps.board import BoardApp

    app = BoardApp(
        hub,
        code,
        join_hub=shown_hub(hub),
        high_contrast=high_contrast,
        large_text=large_text,
        tls=tls,
    )
    app.run()
    if app.refused is not None:  # a code the hub does not know: the hub's words, and exit 1
        return fail(app.refused)
    return app.return_code or 0
