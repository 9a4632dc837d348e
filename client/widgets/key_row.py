"""A second footer row for the console: keys grouped under a label, shown as the footer would.

The console's footer is full at 120 columns with the agenda and share keys. The keys in these
groups are bound with ``show=False`` (so the footer leaves them out) and this row shows exactly
those, enabled or not, each group after its label.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.widgets import Footer, Static
from textual.widgets._footer import FooterKey  # not re-exported; textual is pinned < 9


class KeyRow(Footer):
    DEFAULT_CSS = """
    KeyRow { dock: none; }
    KeyRow .key-group { width: auto; padding: 0 1; color: $text-muted; }
    """

    def __init__(
        self, groups: Sequence[tuple[str, Sequence[str]]], *, id: str | None = None
    ) -> None:
        """``groups``: (label, the actions whose keys follow it), in order."""
        super().__init__(id=id, compact=True, show_command_palette=False)
        self.groups = groups

    def compose(self) -> ComposeResult:
        if not self._bindings_ready:
            return
        bindings = list(self.screen.active_bindings.values())
        for label, actions in self.groups:
            yield Static(label, classes="key-group")
            for action in actions:
                for _, binding, enabled, tooltip in bindings:
                    if binding.action == action:
                        yield FooterKey(
                            binding.key,
                            self.app.get_key_display(binding),
                            binding.description,
                            binding.action,
                            disabled=not enabled,
                            tooltip=tooltip,
                        ).data_bind(compact=Footer.compact)
