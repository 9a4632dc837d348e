"""``circle join`` and ``circle board``: the terminals in the room, a person's and the wall's."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Literal

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

if TYPE_CHECKING:
    from client.theme import ReadableApp

ThemeName = Literal["calm", "light", "high-contrast", "high-contrast-light"]
"""``client.theme.ThemeName``, repeated so ``circle join --plain`` starts without Textual (a test
checks the two agree)."""
ThemeChoice = Annotated[
    ThemeName | None,
    Parameter(
        metavar="THEME",
        help="The look to start in: calm (default), light, high-contrast or high-contrast-light "
        "(F4 changes it, F2 switches high contrast).",
    ),
]
PLAIN_HELP = (
    "Plain lines instead of a full screen, for a screen reader or braille display: each change "
    "is one new line, and you type a letter and Enter (? lists them)."
)
KIOSK_HELP = (
    "A terminal people use in turn: it keeps no seat, and when the session ends or someone "
    "leaves (Ctrl+E) it goes back to the join screen and clears everything they saw or typed, "
    "scrollback included. The facilitator can clear it from the People screen too."
)


def join(
    code: str | None = None,
    /,
    *,
    hub: HubAddress = DEFAULT_HUB,
    cafile: CaFile = None,
    name: Annotated[str | None, Parameter(metavar="NAME")] = None,
    high_contrast: HighContrast = False,
    large_text: LargeText = False,
    theme: ThemeChoice = None,
    plain: Annotated[bool, Parameter(help=PLAIN_HELP)] = False,
    kiosk: Annotated[bool, Parameter(help=KIOSK_HELP)] = False,
) -> int:
    """Join a session as a participant.

    Args:
        code: The room code the facilitator reads out (asked for if not given).
        name: The name to show in the room; any name is fine.
    """
    tls = tls_context(cafile)  # a certificate that cannot be used stops here, before any screen
    if plain and kiosk:
        return fail("--kiosk clears a full screen; it cannot be used with --plain.")
    if plain:
        import asyncio

        from client.plain import PlainTerminal, StdinLines

        return asyncio.run(PlainTerminal(hub, StdinLines(), code=code, name=name, tls=tls).run())
    from client.apps.participant import ParticipantApp

    app = ParticipantApp(
        hub,
        code=code,
        name=name,
        high_contrast=high_contrast,
        large_text=large_text,
        tls=tls,
        kiosk=kiosk,
    )
    use_theme(app, theme, high_contrast)
    app.run()
    return 0


def board(
    code: str,
    /,
    *,
    hub: HubAddress = DEFAULT_HUB,
    cafile: CaFile = None,
    high_contrast: HighContrast = False,
    large_text: LargeText = False,
    theme: ThemeChoice = None,
    join_url: Annotated[str | None, Parameter(metavar="URL")] = None,
) -> int:
    """Show a session read-only on a projector or wall screen.

    The room board: how to join, the agenda and its timer, how many are here (never names),
    shares shown to the room and the room's exercise. Ctrl+Q quits.

    Args:
        code: The room code of the session to show.
        join_url: A browser address to join at (``circle web``), shown with its QR code.
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
        join_url=join_url,
    )
    use_theme(app, theme, high_contrast)
    app.run()
    if app.refused is not None:  # a code the hub does not know: the hub's words, and exit 1
        return fail(app.refused)
    return app.return_code or 0


def use_theme(app: ReadableApp, theme: ThemeName | None, high_contrast: bool) -> None:
    """Start ``app`` in ``--theme``; with ``--high-contrast`` too, in its high-contrast kind."""
    if theme is None:
        return
    if high_contrast and theme in ("calm", "light"):
        theme = "high-contrast" if theme == "calm" else "high-contrast-light"
    app.choose_theme(theme)
