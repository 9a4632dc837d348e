"""The session's agenda, with what is done, running, upcoming and skipped."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.text import Text
from textual.widgets import Static

from shared.state import SessionState

MARKS = {"done": "✓", "current": "▶", "pending": "·", "skipped": "–"}
STYLES = {"current": "bold reverse", "done": "dim", "skipped": "dim strike", "pending": ""}


def fmt_clock(seconds: float) -> str:
    seconds = int(abs(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


class AgendaView(Static):
    DEFAULT_CSS = """
    AgendaView { padding: 0 1; }
    """

    def __init__(self, *, show_notes: bool = False, id: str | None = None) -> None:
        super().__init__(id=id)
        self.show_notes = show_notes

    def show(self, state: SessionState) -> None:
        lines: list[RenderableType] = []
        for index, item in enumerate(state.agenda):
            minutes = f"{item.minutes} min"
            if item.extra_minutes:
                minutes += f" +{item.extra_minutes}"
            line = f"{MARKS[item.status]} {index + 1}. {item.title}  ({minutes})"
            if item.status == "skipped":
                line += "  skipped"
            lines.append(Text(line, style=STYLES[item.status]))
            if self.show_notes and item.notes and item.status in ("current", "pending"):
                lines.append(Padding(Text(item.notes, style="italic dim"), (0, 0, 0, 5)))
        self.update(Group(*lines))
