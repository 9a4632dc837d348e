"""Attendance for the facilitator: who joined, who is here now and who stepped away."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from shared.state import SessionState


def here_count(state: SessionState) -> str:
    """ "3 here" (and "of 4" once someone stepped away), for status lines."""
    present, joined = state.present, sum(1 for p in state.people if not p.removed)
    return f"{present} here" if present == joined else f"{present} of {joined} here"


class LobbyView(Static):
    """Names in the order people joined; a dropped terminal shows as "away", not as an error."""

    DEFAULT_CSS = """
    LobbyView { padding: 0 1; height: auto; }
    """

    def show(self, state: SessionState) -> None:
        if not state.people:
            hint = (
                "No one has joined yet."
                if state.status == "ended"
                else "No one has joined yet. Read the room code aloud when people are seated."
            )
            self.update(Content.from_markup("[$text-muted]$hint", hint=hint))
            return
        came = sum(1 for p in state.people if not p.removed)
        count = f"{came} came" if state.status == "ended" else here_count(state)
        lines = [Content.from_markup("[b]$count", count=count)]
        for person in state.people:
            if person.removed:
                continue
            if state.status == "ended":
                lines.append(Content.from_markup("· $name", name=person.name))
            elif person.online:
                lines.append(Content.from_markup("[$success]●[/] $name", name=person.name))
            else:
                lines.append(Content.from_markup("[$text-muted]○ $name  (away)", name=person.name))
        self.update(Content("\n").join(lines))
