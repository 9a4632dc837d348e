"""The current item's countdown, computed from the hub's timestamps so all terminals agree."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.message import Message
from textual.widgets import Static

from client.widgets.agenda import fmt_clock
from shared.state import SessionState


class ItemTimer(Static):
    """Counts down, then on past zero as overtime (it never stops on its own)."""

    DEFAULT_CSS = """
    ItemTimer { padding: 0 1; text-style: bold; }
    ItemTimer.-over { color: $warning; }
    """

    class Expired(Message):
        """The running item reached its planned time (posted once per item)."""

        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    def __init__(self, now: Callable[[], float], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._now = now
        self._state: SessionState | None = None
        self._expired: set[tuple[int, float, int]] = set()

    def on_mount(self) -> None:
        self.set_interval(0.5, self.tick)

    def show(self, state: SessionState) -> None:
        self._state = state
        self.tick()

    def tick(self) -> None:
        state = self._state
        if state is None or state.status == "new":
            self.update("")
            return
        if state.status == "lobby":
            self.update("Waiting for the facilitator to start.")
            return
        if state.status == "ended":
            self.update("The session has ended. Thank you for being here.")
            self.remove_class("-over")
            return
        item = state.current_item
        if item is None or state.current is None:
            self.update("All agenda items are done.")
            self.remove_class("-over")
            return
        remaining = item.remaining(self._now()) or 0.0
        if remaining >= 0:
            self.update(Text(f"{item.title} · {fmt_clock(remaining)} left"))
            self.remove_class("-over")
        else:
            self.update(Text(f"{item.title} · {fmt_clock(remaining)} over time"))
            self.add_class("-over")
            key = (state.current, item.started_at or 0.0, item.extra_minutes)
            if key not in self._expired:
                self._expired.add(key)
                self.post_message(self.Expired(state.current))
