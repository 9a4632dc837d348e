"""A recurring group across its sessions, in ``circle review``: attendance and check-in trends.

The attendance grid is the one ``circle groups attendance`` files (``server.groups.grid``), with
the members who missed too many sessions in a row flagged. The chart shows only what the hub
published of each check-in (the median, once enough people answered): nothing per person.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Static

from client.widgets.group_trends import TrendChart
from client.widgets.key_row import WrappingFooter
from server.api import Grid, Trend
from shared.words import plural

__all__ = ["GroupScreen", "flag_lines"]


def flag_lines(grid: Grid) -> list[str]:
    """ "⚑ Lee missed the last 3 sessions in a row" for each flagged current member."""
    return [
        f"⚑ {h.member.name} missed the last {plural(h.missed_in_a_row, 'session')} in a row"
        for h in grid.flagged()
    ]


class GroupScreen(Screen[None]):
    """The attendance grid (a row per member, a column per session), flags and the chart."""

    DEFAULT_CSS = """
    GroupScreen #group-body {
        height: 1fr;
    }

    GroupScreen #group-grid {
        height: auto;
        max-height: 14;
    }

    GroupScreen #group-flags {
        color: $warning;
        text-style: bold;
        padding: 0 1;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "scroll(-1)", "Scroll", key_display="↑↓"),
        Binding("down", "scroll(1)", "Scroll", show=False),
        Binding("escape", "back", "Back to the session"),
    ]

    def __init__(self, grid: Grid, found: list[Trend]) -> None:
        super().__init__(id="group-screen")
        self.grid = grid
        self.found = found

    def compose(self) -> ComposeResult:
        group = self.grid.group
        yield Static(f"Group: {group.name}", classes="screen-title")
        yield Static(
            f"{plural(len(self.grid.meetings), 'ended session')} · flagged after "
            f"{plural(group.flag_after, 'missed session')} in a row · P present, A absent, "
            "E excused",
            classes="hint",
        )
        yield Static("\n".join(flag_lines(self.grid)), id="group-flags")
        with VerticalScroll(id="group-body", can_focus=False):
            with Vertical(classes="panel", id="grid-panel"):
                yield Static("Attendance", classes="panel-title")
                yield DataTable(id="group-grid", cursor_type="row", zebra_stripes=True)
            with Vertical(classes="panel", id="trends-panel"):
                yield Static("Check-ins over the weeks", classes="panel-title")
                yield Static("", id="trends-words", classes="hint")
                yield TrendChart(id="trends")
        yield WrappingFooter(compact=True)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        header = self.grid.header
        days = header[3 : 3 + len(self.grid.meetings)]
        table.add_columns("Member", *(d[5:] for d in days), "Attended", "Missed", "In a row")
        for row in self.grid.rows():
            cells = row[3 : 3 + len(days)]
            attended, missed, _, in_a_row = row[3 + len(days) :]
            table.add_row(row[1], *cells, attended, missed, in_a_row, key=row[0])
        words = [f"{t.question}" + (f" ({t.scale})" if t.scale else "") for t in self.found] or [
            "No check-in of this group had enough answers to show."
        ]
        self.query_one("#trends-words", Static).update("\n".join(words))
        self.query_one(TrendChart).show(days, [(t.question, t.medians) for t in self.found])

    def action_scroll(self, direction: int) -> None:
        body = self.query_one("#group-body", VerticalScroll)
        if direction < 0:
            body.scroll_up()
        else:
            body.scroll_down()

    def action_back(self) -> None:
        self.app.pop_screen()
