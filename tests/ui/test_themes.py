"""Themes and larger text on the participant terminal: chosen at start, switched with a key, and
a large layout that still fits 80 by 24. Checked on what a person sees."""

from __future__ import annotations

from collections.abc import Callable
from typing import get_args

import pytest
from textual.pilot import Pilot
from textual.theme import Theme
from textual.widgets import Digits, TextArea

from client.apps.participant import ParticipantApp
from client.cli.join import ThemeName as CliThemeName
from client.cli.join import use_theme
from client.theme import CALM, HIGH_CONTRAST, HIGH_CONTRAST_LIGHT, LIGHT, THEMES, ThemeName
from shared.events import ExerciseStarted
from shared.exercises import load_exercises
from tests.ui.test_participant import (
    SNAPSHOT_EVENTS,
    T0,
    screen_text,
    seen,
    show_without_hub,
    until_shown,
)

NOW = T0 + 960 + 12 * 60 + 30
"""12:30 into a 45-minute item: 32:30 left."""


def app_at(now: float = NOW, **kw: bool) -> ParticipantApp:
    return ParticipantApp("ws://unused.invalid", clock=lambda: now, **kw)  # type: ignore[arg-type]


def test_the_command_line_offers_every_theme() -> None:
    assert set(get_args(CliThemeName)) == set(get_args(ThemeName)) == set(THEMES)


@pytest.mark.parametrize(
    ("theme", "high_contrast", "started"),
    [
        ("light", False, LIGHT),
        ("light", True, HIGH_CONTRAST_LIGHT),
        ("calm", True, HIGH_CONTRAST),
        ("high-contrast-light", False, HIGH_CONTRAST_LIGHT),
    ],
)
async def test_the_theme_chosen_at_start(
    theme: ThemeName, high_contrast: bool, started: Theme
) -> None:
    app = app_at(high_contrast=high_contrast)
    use_theme(app, theme, high_contrast)
    async with app.run_test(size=(100, 30)):
        assert app.theme == started.name


async def test_f4_steps_through_the_themes_and_f2_switches_contrast() -> None:
    app = app_at()
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        assert app.theme == CALM.name
        await until_shown(pilot, "f4 Theme")  # the key is in the footer
        visited = []
        for _ in THEMES:
            await pilot.press("f4")
            visited.append(app.theme)
        assert visited == [LIGHT.name, HIGH_CONTRAST.name, HIGH_CONTRAST_LIGHT.name, CALM.name]
        await pilot.press("f4")  # light
        await pilot.press("f2")
        assert app.theme == HIGH_CONTRAST_LIGHT.name  # high contrast of the same brightness
        await pilot.press("f2")
        assert app.theme == LIGHT.name
        await until_shown(pilot, "Theme: Light.")  # a note says which one it is now


async def test_larger_text_shows_the_countdown_in_block_digits_at_80_by_24() -> None:
    app = app_at()
    async with app.run_test(size=(80, 24)) as pilot:
        await show_without_hub(pilot, app, SNAPSHOT_EVENTS)
        before = seen(app)
        assert "Topic discussion · 32:30 left" in before
        assert "Agenda" in before
        await pilot.press("f3")
        await pilot.pause()
        big = app.query_one("#big-now Digits", Digits)
        assert big.value == "32:30" and big.region.height >= 3  # drawn three rows high
        rows = screen_text(app)
        assert "╺━┓" in rows or "━━┓" in rows  # block strokes on screen, not just the numbers
        after = seen(app)
        assert "Topic discussion" in after and "left of 45 min" in after
        assert "Agenda" not in after  # fewer things: the plan gives its room to the clock
        assert "Shared with the room" in after and "Boredom is my biggest trigger" in after
        assert "Send share" in after  # every key still in the footer
        await pilot.press("f3")
        await until_shown(pilot, "Agenda")


async def test_larger_text_shows_the_exercise_step_in_block_digits() -> None:
    stop = load_exercises()["stop-skill"].exercise
    started = ExerciseStarted(run=1, exercise=stop, at=NOW - 5)
    app = app_at(large_text=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await show_without_hub(pilot, app, [*SNAPSHOT_EVENTS, started])
        await pilot.pause()
        assert app.view == "exercise"
        step = app.query_one("#big-step Digits", Digits)
        assert step.value == "10"  # 15 s a step, 5 s in
        assert "Stop. Freeze where you are." in seen(app)


def test_session_screen_high_contrast_snapshot(snap_compare: Callable[..., bool]) -> None:
    app = app_at(high_contrast=True)

    async def run_before(pilot: Pilot[None]) -> None:
        await show_without_hub(pilot, app, SNAPSHOT_EVENTS)
        app.query_one(TextArea).cursor_blink = False
        await pilot.pause()

    assert snap_compare(app, terminal_size=(110, 36), run_before=run_before)


def test_session_screen_large_text_80x24_snapshot(snap_compare: Callable[..., bool]) -> None:
    app = app_at(large_text=True)

    async def run_before(pilot: Pilot[None]) -> None:
        await show_without_hub(pilot, app, SNAPSHOT_EVENTS)
        app.query_one(TextArea).cursor_blink = False
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


@pytest.mark.parametrize("high_contrast", [False, True], ids=["calm", "high-contrast"])
def test_join_screen_snapshot(snap_compare: Callable[..., bool], high_contrast: bool) -> None:
    app = app_at(high_contrast=high_contrast)
    assert snap_compare(app, terminal_size=(80, 24))
