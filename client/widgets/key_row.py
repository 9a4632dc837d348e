"""Footer rows whose keys wrap, so every key stays on screen in a narrow window.

``WrappingFooter`` is Textual's ``Footer`` with its keys laid out on as many rows as the width
needs: one row wherever they fit (the same picture as ``Footer``), two or more below that,
instead of cutting the keys off at the right edge.

``KeyRow`` is a second footer row for the console: keys grouped under a label, shown as the
footer would. The console's footer is full at 120 columns with the agenda and share keys. The
keys in these groups are bound with ``show=False`` (so the footer leaves them out) and this row
shows exactly those, enabled or not, each group after its label. It wraps the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich.cells import cell_len
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import HorizontalGroup
from textual.widget import Widget
from textual.widgets import Footer, Static
from textual.widgets._footer import FooterKey  # not re-exported; textual is pinned < 9

__all__ = ["KeyRow", "WrappingFooter", "wrap"]


def wrap(
    units: Iterable[tuple[int, list[Widget]]], width: int, slack: int = 0
) -> list[list[Widget]]:
    """Fill rows ``width`` cells wide with units (a width and the widgets that stay together),
    in order; a unit wider than a whole row gets a row of its own. ``slack``: the cells at the
    end of a unit that may go past the edge (a key's margin draws nothing)."""
    rows: list[list[Widget]] = []
    row: list[Widget] = []
    used = 0
    for cells, widgets in units:
        if row and used + cells - slack > width:
            rows.append(row)
            row, used = [], 0
        row.extend(widgets)
        used += cells
    if row:
        rows.append(row)
    return rows


class WrappingFooter(Footer):
    """A ``Footer`` (no command palette key, no binding groups: these apps use neither) whose
    keys go on to a second row, and more, when one row is too narrow for them."""

    DEFAULT_CSS = """
    WrappingFooter { layout: vertical; height: auto; }
    WrappingFooter > .footer-row { width: 1fr; height: 1; }
    """

    def __init__(
        self, *, id: str | None = None, classes: str | None = None, compact: bool = False
    ) -> None:
        super().__init__(id=id, classes=classes, compact=compact, show_command_palette=False)
        self._wrapped_for = 0
        """The width the rows were last made for; a new width makes them again."""

    def key_width(self, key: FooterKey) -> int:
        """The cells a key takes in this footer, margin included (Textual 8's Footer CSS)."""
        words = cell_len(key.description)
        if self.compact:  # "k Words", then one cell of margin
            return cell_len(key.key_display) + (1 + words if words else 0) + 1
        if not words:
            return cell_len(key.key_display)
        return 1 + cell_len(key.key_display) + 1 + words + 1  # " k " + "Words "

    def units(self) -> list[tuple[int, list[Widget]]]:
        """What the rows are made of: each shown key, with its width."""
        keys: list[tuple[int, list[Widget]]] = []
        seen: set[str] = set()
        for _, binding, enabled, tooltip in self.screen.active_bindings.values():
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            key = self.footer_key(binding, enabled, tooltip)
            keys.append((self.key_width(key), [key]))
        return keys

    def footer_key(self, binding: Binding, enabled: bool, tooltip: str) -> FooterKey:
        """A key as ``Footer`` draws it (greyed out while its action is disabled)."""
        return FooterKey(
            binding.key,
            self.app.get_key_display(binding),
            binding.description,
            binding.action,
            disabled=not enabled,
            tooltip=tooltip,
        ).data_bind(compact=Footer.compact)

    def compose(self) -> ComposeResult:
        if not self._bindings_ready:
            return
        width = self.size.width or self.screen.size.width
        self._wrapped_for = width
        for row in wrap(self.units(), width, slack=1 if self.compact else 0):
            yield HorizontalGroup(*row, classes="footer-row")

    def on_resize(self, event: events.Resize) -> None:
        if self._bindings_ready and event.size.width != self._wrapped_for:
            self.call_after_refresh(self.recompose)


class KeyRow(WrappingFooter):
    DEFAULT_CSS = """
    KeyRow { dock: none; }
    KeyRow .key-group { width: auto; padding: 0 1; color: $text-muted; }
    """

    def __init__(
        self, groups: Sequence[tuple[str, Sequence[str]]], *, id: str | None = None
    ) -> None:
        """``groups``: (label, the actions whose keys follow it), in order."""
        super().__init__(id=id, compact=True)
        self.groups = groups

    def units(self) -> list[tuple[int, list[Widget]]]:
        """Each group's label stays on the row of its first key; a group with no key to
        show now is left out, label and all."""
        bindings = list(self.screen.active_bindings.values())
        units: list[tuple[int, list[Widget]]] = []
        for label, actions in self.groups:
            cells = cell_len(label) + 2
            widgets: list[Widget] = [Static(label, classes="key-group")]
            for action in actions:
                for _, binding, enabled, tooltip in bindings:
                    if binding.action != action:
                        continue
                    key = self.footer_key(binding, enabled, tooltip)
                    widgets.append(key)
                    cells += self.key_width(key)
                    units.append((cells, widgets))
                    cells, widgets = 0, []
        return units
