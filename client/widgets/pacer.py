"""A breathing pacer: a round shape that grows as you breathe in and shrinks as you breathe out.

It draws how full the lungs are (``shared.exercises.pacer_size``, 0..1) and nothing else. It
never keeps time itself: the view that owns it sets ``fullness`` from the shared timeline, so
every terminal in the room draws the same breath at the same moment.
"""

from __future__ import annotations

import math

from rich.text import Text
from textual.app import RenderResult
from textual.reactive import reactive
from textual.widget import Widget

SMALLEST = 0.2
"""The shape's size with empty lungs, as a share of the largest: it never vanishes, so the eye
keeps its place between breaths."""
FULL, TOP, BOTTOM = "█", "▀", "▄"
SHAPE_CHARS = frozenset(FULL + TOP + BOTTOM)


def pacer_rows(fullness: float, width: int, height: int) -> list[str]:
    """A filled circle centred in ``width`` by ``height`` cells, sized by ``fullness`` (0..1).

    Each cell is drawn as two half-cells (▀ ▄ █), which are about square on a terminal, so the
    circle is round and changes size in small, smooth steps.
    """
    if width <= 0 or height <= 0:
        return []
    fill = fullness if 0.0 <= fullness <= 1.0 else (1.0 if fullness > 1.0 else 0.0)
    largest = min(float(height), width / 2)  # radius in half-cells, fitting both ways
    radius = largest * (SMALLEST + (1.0 - SMALLEST) * fill)
    centre_x, centre_y = width / 2, float(height)  # in cells across, half-cells down

    def inside(x: int, half_y: int) -> bool:
        return math.hypot(x + 0.5 - centre_x, half_y + 0.5 - centre_y) <= radius

    rows: list[str] = []
    for y in range(height):
        row = []
        for x in range(width):
            top, bottom = inside(x, 2 * y), inside(x, 2 * y + 1)
            row.append(FULL if top and bottom else TOP if top else BOTTOM if bottom else " ")
        rows.append("".join(row))
    return rows


class Pacer(Widget):
    """Draws ``fullness``; set it from the timeline (about ten times a second is smooth)."""

    DEFAULT_CSS = """
    Pacer { width: 30; height: 13; color: $primary; }
    """

    fullness: reactive[float] = reactive(0.0)

    def render(self) -> RenderResult:
        width, height = self.content_size
        return Text("\n".join(pacer_rows(self.fullness, width, height)), no_wrap=True)
