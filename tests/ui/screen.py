"""Reading an app's terminal as a person would, and waiting on it, for the UI tests.

Tests wait on what the screen shows, never on sleeps: each ``pilot.pause()`` lets the app handle
one round of its messages, and a wait that runs out fails with the screen in the message.
"""

from __future__ import annotations

import asyncio
import io
import re
from collections.abc import Callable
from typing import Any

from rich.console import Console
from textual.app import App
from textual.pilot import Pilot

from client.widgets.key_row import WrappingFooter
from tests.helpers import WAIT

__all__ = [
    "flat",
    "key_rows",
    "on_screen",
    "screen_text",
    "seen",
    "until",
    "until_gone",
    "until_seen",
]


def screen_text(app: App[Any], within: str | None = None) -> str:
    """The terminal as the user sees it, as plain text (what ``export_screenshot`` draws).

    It composes the screen the way ``App.export_screenshot`` does (Textual internals, 8.2).
    ``within`` crops to one widget's place on screen, so a check is about one panel only.
    """
    width, height = app.size
    console = Console(
        width=width,
        height=height,
        file=io.StringIO(),
        force_terminal=True,
        color_system="truecolor",
        record=True,
        legacy_windows=False,
        safe_box=False,
    )
    console.print(
        app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    )
    lines = console.export_text().splitlines()
    if within is not None:
        region = app.screen.query_one(within).region
        lines = [line[region.x : region.right] for line in lines[region.y : region.bottom]]
    return "\n".join(lines)


def key_rows(app: App[Any]) -> str:
    """Every row of keys at the bottom of the screen (the footer and any key rows above it),
    however many rows they wrap onto as keys come and go."""
    top = min(footer.region.y for footer in app.screen.query(WrappingFooter))
    return "\n".join(screen_text(app).splitlines()[top:])


def flat(text: str) -> str:
    """Screen text with box drawing and line breaks folded away, to find wrapped sentences."""
    return " ".join(re.sub(r"[│╭╮╰╯─▊▎▔▁]", " ", text).split())


def seen(app: App[Any], within: str | None = None) -> str:
    """What the screen shows (``within``: only where one widget is), as flat text."""
    return flat(screen_text(app, within))


def on_screen(app: App[Any], *texts: str) -> Callable[[], bool]:
    return lambda: all(text in screen_text(app) for text in texts)


async def until(pilot: Pilot[Any], predicate: Callable[[], bool], timeout: float = WAIT) -> None:
    """Let the app run until ``predicate`` holds; fail with the screen after ``timeout`` s."""
    try:
        async with asyncio.timeout(timeout):
            while not predicate():
                await pilot.pause()
    except TimeoutError:
        screen = screen_text(pilot.app)
        raise AssertionError(f"not within {timeout} s; the screen:\n{screen}") from None


async def until_seen(
    pilot: Pilot[Any], *words: str, within: str | None = None, timeout: float = WAIT
) -> str:
    """Wait until every phrase is on screen (wrapping allowed); return what is seen."""
    await until(pilot, lambda: all(w in seen(pilot.app, within) for w in words), timeout)
    return seen(pilot.app, within)


async def until_gone(
    pilot: Pilot[Any], *words: str, within: str | None = None, timeout: float = WAIT
) -> str:
    """Wait until none of the phrases is on screen; return what is seen."""
    await until(pilot, lambda: not any(w in seen(pilot.app, within) for w in words), timeout)
    return seen(pilot.app, within)
